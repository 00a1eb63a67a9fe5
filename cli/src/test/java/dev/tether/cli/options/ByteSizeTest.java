package dev.tether.cli.options;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ByteSizeTest {
    @ParameterizedTest(name = "{0} = {1} bytes")
    @DisplayName("a size is bytes, or KiB, MiB, GiB with k, m, g in either case")
    @CsvSource({"1, 1", "4096, 4096", "64k, 65536", "16M, 16777216", "1g, 1073741824", " 2k , 2048"})
    void sizes(String typed, int bytes) {
        assertEquals(bytes, new ByteSize().convert(typed));
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("no size, zero, negative, or past 2 GiB: refused with what was typed")
    @ValueSource(strings = {"lots", "", "k", "0", "-1", "2g", "9999999999", "17179869185g"})
    void refused(String typed) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> new ByteSize().convert(typed));
        assertEquals(true, e.getMessage().contains("'" + typed + "'"), e.getMessage());
    }
}
