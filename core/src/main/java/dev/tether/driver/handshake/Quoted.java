package dev.tether.driver.handshake;

/**
 * Renders untrusted header text for error messages: quoted, control characters escaped (so a
 * message can never forge a log line) and long text cut short.
 */
final class Quoted {
    private static final int MAX_CHARS = 100;

    private Quoted() {
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8).append('"');
        int shown = Math.min(text.length(), MAX_CHARS);
        for (int i = 0; i < shown; i++) {
            out.append(printable(text.charAt(i)));
        }
        if (shown < text.length()) out.append("...");
        return out.append('"').toString();
    }

    /** A character as it should appear in a message: itself, or an escape for control characters. */
    static String printable(char c) {
        return switch (c) {
            case '\r' -> "\\r";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\0' -> "\\0";
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            // C0, DEL and C1 controls: any of them could steer a terminal showing the log
            default -> c < 0x20 || c >= 0x7F && c <= 0x9F ? String.format("\\x%02X", (int) c) : String.valueOf(c);
        };
    }
}
