package dev.tether.extension;

/**
 * Short, printable renderings of header text for error messages: headers come from the peer, so
 * messages must stay bounded in length and free of control characters whatever they hold.
 */
final class Excerpt {
    private static final int CONTEXT = 30;

    private Excerpt() {
    }

    /**
     * {@code s} in double quotes, cut to 60 characters, with quotes, backslashes and non-printables
     * escaped.
     */
    static String quote(String s) {
        if (s.length() <= 2 * CONTEXT) {
            return "\"" + printable(s) + "\"";
        }
        return "\"" + printable(s.substring(0, 2 * CONTEXT)) + "\"...";
    }

    /** The text around {@code offset}, in double quotes, with "..." where it was cut. */
    static String around(String s, int offset) {
        int from = Math.max(0, offset - CONTEXT);
        int to = Math.min(s.length(), offset + CONTEXT);
        return (from > 0 ? "..." : "") + "\"" + printable(s.substring(from, to)) + "\""
                + (to < s.length() ? "..." : "");
    }

    /** One character as {@code 'c'}, or {@code U+XXXX} when it would not print. */
    static String describe(char c) {
        return isPrintable(c) ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c); // the excerpt stands in double quotes
            } else if (isPrintable(c)) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.toString();
    }

    private static boolean isPrintable(char c) {
        return c >= 0x20 && c <= 0x7E;
    }
}
