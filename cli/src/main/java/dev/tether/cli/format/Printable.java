package dev.tether.cli.format;

/**
 * Text from the network made safe for a terminal: control characters (which could move the cursor,
 * change colours, retitle the window or worse) are shown as escapes, never sent to the terminal.
 * Line feeds and tabs stay, so multi-line messages read as they were written.
 */
public final class Printable {
    private Printable() {
    }

    /**
     * {@code text} with every control character but LF and TAB shown as {@code \e}, {@code \r}, {@code \x07} or {@code \x9b};
     * bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) as <code>&#92;u202e</code>.
     *
     * @param text the text from the network
     * @return {@code text} itself when it holds nothing to escape, else the escaped copy
     */
    public static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isSafe(c)) {
                if (out != null) out.append(c);
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            switch (c) {
                case '\u001b' -> out.append("\\e");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append("\\0");
                default -> out.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isSafe(char c) {
        if (c == '\n' || c == '\t') return true;
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) return false; // C0, DEL, C1
        // Bidirectional overrides and isolates can make a line read as something it is not.
        return !(c >= '\u202a' && c <= '\u202e') && !(c >= '\u2066' && c <= '\u2069');
    }
}
