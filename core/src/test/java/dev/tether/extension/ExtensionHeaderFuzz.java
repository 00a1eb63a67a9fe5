package dev.tether.extension;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzz target: the {@code Sec-WebSocket-Extensions} parser, on any header value (ISO-8859-1, as
 * HTTP carries it). It parses or throws {@link IllegalArgumentException}, nothing else; what it
 * parses serializes to a value that parses back to the same elements.
 */
public final class ExtensionHeaderFuzz {

    private ExtensionHeaderFuzz() {
    }

    public static void fuzzerTestOneInput(byte[] input) {
        String header = new String(input, StandardCharsets.ISO_8859_1);
        List<ExtensionParams> parsed;
        try {
            parsed = ExtensionHeader.parse(header);
        } catch (IllegalArgumentException refused) {
            return;
        }
        String serialized = ExtensionHeader.serialize(parsed);
        List<ExtensionParams> again = ExtensionHeader.parse(serialized);
        if (!again.equals(parsed)) {
            throw new AssertionError("parse(serialize(" + parsed + ")) gave " + again + " from " + serialized);
        }
    }
}
