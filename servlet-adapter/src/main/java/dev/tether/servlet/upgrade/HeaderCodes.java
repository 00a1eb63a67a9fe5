package dev.tether.servlet.upgrade;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header names and values most handshakes carry, each standing in for itself as one character
 * in a {@link PackedPieces} text: an idle connection keeps a char instead of the letters.
 *
 * <p>The codes are C1 controls, {@link #FIRST_CODE} on, which no header carries in practice. A
 * handshake that does carry one as a whole piece is kept without codes (see {@link PackedPieces}).
 */
final class HeaderCodes {
    /** Exactly as clients and containers spell them: a piece in another case has no code. 32 at most. */
    static final List<String> COMMON = List.of(
            "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
            "Sec-WebSocket-Protocol", "Origin", "User-Agent", "Pragma", "Cache-Control", "Accept-Encoding",
            "Accept-Language", "Cookie", "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
            "sec-websocket-extensions", "origin", "user-agent", "websocket", "13", "no-cache",
            "permessage-deflate; client_max_window_bits", "permessage-deflate", "gzip, deflate, br",
            "gzip, deflate", "keep-alive, Upgrade", "Sec-WebSocket-Accept", "WebSocket");
    /** The code of the first {@link #COMMON} piece; the others follow in order. */
    static final char FIRST_CODE = '\u0080';
    /** The code {@link #codeFor} gives a piece that has none. */
    static final char NO_CODE = 0;
    private static final Map<String, Character> CODES = codes();

    private HeaderCodes() {
    }

    private static Map<String, Character> codes() {
        if (COMMON.size() > 32) { // past U+009F the codes would leave the C1 controls for characters headers carry
            throw new ExceptionInInitializerError("more common pieces than C1 controls: " + COMMON.size());
        }
        Map<String, Character> codes = new HashMap<>();
        for (int i = 0; i < COMMON.size(); i++) {
            codes.put(COMMON.get(i), (char) (FIRST_CODE + i));
        }
        return Map.copyOf(codes);
    }

    /** The one character standing for {@code piece}, or {@link #NO_CODE} if it is not a common one. */
    static char codeFor(String piece) {
        Character code = CODES.get(piece);
        return code == null ? NO_CODE : code;
    }

    /** The common piece {@code code} stands for; {@code code} must be one ({@link #isCode}). */
    static String pieceFor(char code) {
        return COMMON.get(code - FIRST_CODE);
    }

    /** Whether {@code c} stands for a common piece when it is a piece of its own. */
    static boolean isCode(char c) {
        return c >= FIRST_CODE && c < FIRST_CODE + COMMON.size();
    }
}
