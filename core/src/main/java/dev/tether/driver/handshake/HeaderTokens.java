package dev.tether.driver.handshake;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * RFC 7230 header value lexing: tokens and comma-separated lists ({@code #rule}), such as
 * {@code Connection: keep-alive, Upgrade}. Every method runs in time linear in its input.
 */
public final class HeaderTokens {
    /** RFC 7230 §3.2.6 tchar, indexed by ASCII code. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) TCHAR[c] = true;
        for (char c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
        for (char c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
    }

    private HeaderTokens() {
    }

    /**
     * The elements of a comma-separated list, in order, with surrounding spaces and tabs trimmed and
     * empty elements ({@code "a, ,b,"}) dropped. A comma inside a quoted-string (as in an extension
     * parameter {@code x="a,b"}) does not split; the quotes are kept in the element.
     *
     * @param value one header value
     * @return the list's elements, trimmed; empty when there are none
     */
    public static List<String> split(String value) {
        Objects.requireNonNull(value, "value");
        List<String> elements = new ArrayList<>();
        boolean inQuotes = false;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (inQuotes && c == '\\') {
                i++; // the escaped character, even a quote or comma, is part of the string
            } else if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == ',' && !inQuotes) {
                addTrimmed(value, start, i, elements);
                start = i + 1;
            }
        }
        addTrimmed(value, start, value.length(), elements);
        return elements;
    }

    /**
     * Whether any of the header lines {@code headerValues} (each possibly a comma-separated list)
     * has an element equal to {@code token}, ignoring ASCII case.
     *
     * @param headerValues every value of one header, e.g. all {@code Connection} lines
     * @param token        the token looked for, e.g. {@code Upgrade}
     * @return true when some element of some value equals {@code token}
     */
    public static boolean containsToken(List<String> headerValues, String token) {
        Objects.requireNonNull(token, "token");
        for (String value : headerValues) {
            for (String element : split(value)) {
                if (equalsIgnoreAsciiCase(element, token)) return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code text} is a non-empty RFC 7230 token: only tchar characters.
     *
     * @param text the text to check
     * @return true when {@code text} is a token
     */
    public static boolean isToken(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) return false;
        for (int i = 0; i < text.length(); i++) {
            if (!isTchar(text.charAt(i))) return false;
        }
        return true;
    }

    static boolean isTchar(char c) {
        return c < 128 && TCHAR[c];
    }

    /** Case-insensitive for ASCII letters only, so that e.g. the Kelvin sign never matches 'k'. */
    static boolean equalsIgnoreAsciiCase(String a, String b) {
        if (a.length() != b.length()) return false;
        for (int i = 0; i < a.length(); i++) {
            if (toLowerAscii(a.charAt(i)) != toLowerAscii(b.charAt(i))) return false;
        }
        return true;
    }

    static int hashIgnoreAsciiCase(String text) {
        int hash = 0;
        for (int i = 0; i < text.length(); i++) {
            hash = 31 * hash + toLowerAscii(text.charAt(i));
        }
        return hash;
    }

    private static char toLowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    private static void addTrimmed(String value, int start, int end, List<String> elements) {
        while (start < end && isOws(value.charAt(start))) start++;
        while (end > start && isOws(value.charAt(end - 1))) end--;
        if (start < end) elements.add(value.substring(start, end));
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }
}
