package dev.tether.driver.handshake;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Fuzz target: the client's parser of the server's response head, fed in reads split where the
 * first byte's seed says. For any input it returns a head, asks for more, or throws
 * {@link HandshakeException}; never anything else, never past its size limit, and with the same
 * outcome whether the input comes whole or split.
 */
public final class ResponseHeadFuzz {
    private static final int LIMIT = 2048;

    private ResponseHeadFuzz() {
    }

    public static void fuzzerTestOneInput(byte[] input) {
        if (input.length < 1) {
            return;
        }
        String whole = outcome(input, new Random(0), false);
        String split = outcome(input, new Random(input[0]), true);
        if (!whole.equals(split)) {
            throw new AssertionError("split reads changed the outcome: " + whole + " / " + split);
        }
    }

    private static String outcome(byte[] input, Random cuts, boolean split) {
        HttpResponseHeadParser parser = new HttpResponseHeadParser(LIMIT);
        int at = 1;
        try {
            while (at < input.length) {
                int n = split ? 1 + cuts.nextInt(input.length - at) : input.length - at;
                ByteBuffer read = ByteBuffer.wrap(input, at, n);
                HttpResponseHead head = parser.parse(read);
                if (head != null) {
                    int consumed = read.position() - 1;
                    if (consumed > LIMIT) {
                        throw new AssertionError("a head of " + consumed + " bytes passed the limit of " + LIMIT);
                    }
                    return "head " + head.status() + " " + head.headers().size() + " after " + consumed;
                }
                at += n;
            }
            return "more";
        } catch (HandshakeException e) {
            return "refused";
        }
    }
}
