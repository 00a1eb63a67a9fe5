package dev.tether.cli.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/** A ping's or pong's payload as a person reads it: quoted text (as {@code shown} makes it safe) when it is UTF-8, else hex. */
public final class Payloads {
    private Payloads() {
    }

    /**
     * {@code ""} for none, {@code  "text"} for UTF-8, {@code  [hex] 00 ff} otherwise, with a leading space.
     *
     * @param payload the ping's or pong's payload, from position to limit; left unchanged
     * @param shown   what makes decoded text fit to print, e.g. {@link Printable#escape}
     * @return the payload to append to the line that reports the ping or pong
     */
    public static String describe(ByteBuffer payload, UnaryOperator<String> shown) {
        if (!payload.hasRemaining()) {
            return "";
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(payload.duplicate()).toString();
            return " \"" + shown.apply(text) + "\"";
        } catch (CharacterCodingException e) {
            return " [hex] " + BinaryFormat.HEX.format(payload);
        }
    }
}
