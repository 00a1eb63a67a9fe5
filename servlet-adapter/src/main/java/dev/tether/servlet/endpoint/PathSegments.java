package dev.tether.servlet.endpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoded segments of a request path: split on '/' first, then each segment's path parameters
 * ({@code ;jsessionid=…}) dropped and its percent-escapes decoded as UTF-8, so an escaped slash
 * stays inside its segment.
 */
final class PathSegments {
    private PathSegments() {
    }

    /** The segments of {@code rawPath} (starting with '/'), or null when an escape is malformed. */
    static List<String> decode(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : PathTemplate.segments(rawPath)) {
            int semicolon = raw.indexOf(';');
            String segment = decodeSegment(semicolon < 0 ? raw : raw.substring(0, semicolon));
            if (segment == null) {
                return null;
            }
            segments.add(segment);
        }
        return segments;
    }

    private static String decodeSegment(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                continue;
            }
            if (i + 2 >= raw.length()) {
                return null;
            }
            int high = Character.digit(raw.charAt(i + 1), 16);
            int low = Character.digit(raw.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                return null;
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
