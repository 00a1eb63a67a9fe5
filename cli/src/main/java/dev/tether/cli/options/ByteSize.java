package dev.tether.cli.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** A size in bytes with an optional binary suffix: {@code 4096}, {@code 64k}, {@code 16m}, {@code 1g}. */
public final class ByteSize implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (text.endsWith("k") || text.endsWith("m") || text.endsWith("g")) {
            unit = switch (text.charAt(text.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                default -> 1L << 30;
            };
            text = text.substring(0, text.length() - 1);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(text), unit);
        } catch (ArithmeticException e) {
            throw new TypeConversionException("'" + value + "' is out of range: from 1 byte to 2g");
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a size (e.g. 4096, 64k, 16m)");
        }
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new TypeConversionException("'" + value + "' is out of range: from 1 byte to 2g");
        }
        return (int) bytes;
    }
}
