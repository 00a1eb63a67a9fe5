package dev.tether.bench.load;

import java.io.IOException;
import java.util.Locale;

/**
 * What a server answered to the generator's permessage-deflate offer, read from its 101's
 * {@code Sec-WebSocket-Extensions}. The generator offers {@value #OFFER}: it compresses every message
 * on its own (so each distinct message is compressed once, ahead of the run), which RFC 7692 §7.1.1.2
 * lets it do whatever the server answers. A server that does not agree to permessage-deflate fails the run.
 *
 * @param answer                  the extension as the server answered it, parameters and all
 * @param serverNoContextTakeover whether the server compresses each message on its own, so that its
 *                                messages are inflated with a fresh context each
 */
record Negotiated(String answer, boolean serverNoContextTakeover) {
    static final String OFFER = "permessage-deflate; client_no_context_takeover";
    /** The request header line that makes the offer. */
    static final String REQUEST_HEADER = "Sec-WebSocket-Extensions: " + OFFER + "\r\n";

    /** Reads the answer from a response head; fails unless permessage-deflate was agreed in a way the generator can keep to. */
    static Negotiated from(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Extensions")) {
                continue;
            }
            for (String extension : line.substring(colon + 1).split(",")) {
                String[] parts = extension.split(";");
                if (!parts[0].trim().equalsIgnoreCase("permessage-deflate")) {
                    continue;
                }
                boolean serverNoContextTakeover = false;
                for (int i = 1; i < parts.length; i++) {
                    String[] kv = parts[i].trim().split("=", 2);
                    String name = kv[0].trim().toLowerCase(Locale.ROOT);
                    if (name.equals("server_no_context_takeover")) {
                        serverNoContextTakeover = true;
                    } else if (name.equals("client_max_window_bits") && kv.length == 2
                            && !kv[1].trim().replace("\"", "").equals("15")) {
                        // Its frames are compressed with a 15-bit window, ahead of the run.
                        throw new IOException("the server limits the client's window, which the generator cannot keep to: "
                                + extension.trim());
                    }
                }
                return new Negotiated(extension.trim(), serverNoContextTakeover);
            }
        }
        throw new IOException("permessage-deflate was not negotiated; the server answered: " + head.replace("\r\n", " | "));
    }

    /** The answer without spaces, for a result line of space-separated fields. */
    String compact() {
        return answer.replace(" ", "");
    }
}
