package dev.tether.message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Fuzz target: the incremental UTF-8 validator against the JDK's strict decoder. The first byte
 * seeds where the rest is cut into chunks; fed chunk by chunk, the validator must accept exactly
 * what the decoder accepts, and say so at the end and in one piece alike.
 */
public final class Utf8Fuzz {

    private Utf8Fuzz() {
    }

    public static void fuzzerTestOneInput(byte[] input) {
        if (input.length < 1) {
            return;
        }
        byte[] text = java.util.Arrays.copyOfRange(input, 1, input.length);
        boolean valid;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(text));
            valid = true;
        } catch (CharacterCodingException e) {
            valid = false;
        }
        Utf8Validator validator = new Utf8Validator();
        Random cuts = new Random(input[0]);
        boolean ok = true;
        int at = 0;
        while (ok && at < text.length) {
            int n = 1 + cuts.nextInt(text.length - at);
            ok = validator.update(ByteBuffer.wrap(text, at, n));
            at += n;
        }
        boolean chunked = ok && validator.isComplete();
        if (chunked != valid || Utf8Validator.isValid(text, 0, text.length) != valid) {
            throw new AssertionError("the validator says " + chunked + " in chunks, the JDK " + valid);
        }
    }
}
