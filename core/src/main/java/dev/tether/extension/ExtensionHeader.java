package dev.tether.extension;

import dev.tether.extension.ExtensionParams.Param;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code Sec-WebSocket-Extensions} header value (RFC 6455 §9.1, with the token, quoted-string
 * and list rules of RFC 7230):
 *
 * <pre>
 * extension-list = 1#element
 * element        = token *( OWS ";" OWS param )
 * param          = token [ OWS "=" OWS ( token / quoted-string ) ]
 * </pre>
 *
 * <p>Parsing is a hand-written single pass over the characters, so hostile headers cost linear
 * time: the regular expression this replaces in faye's parser was a ReDoS (CVE-2020-7662).
 */
public final class ExtensionHeader {

    /** The header's name, used as the prefix of every error message. */
    public static final String NAME = "Sec-WebSocket-Extensions";

    private ExtensionHeader() {
    }

    /**
     * Parses a header value. Values of several header lines may be joined with {@code ", "} first.
     * Empty list elements ({@code "a, , b"}, a trailing comma) are skipped as RFC 7230 §7 allows,
     * but at least one element is required. Quoted values are returned unescaped, and must be
     * tokens once unescaped (RFC 6455 §9.1).
     *
     * @param header the header value, not null (an absent header is the caller's case to handle)
     * @return the elements in header order; never empty
     * @throws IllegalArgumentException if the value breaks the grammar; the message names the
     *                                  problem and its offset
     */
    public static List<ExtensionParams> parse(String header) {
        return new Scanner(Objects.requireNonNull(header, "header")).extensionList();
    }

    /**
     * Writes elements as a header value: {@code name; flag; key=value} joined by {@code ", "}.
     * A value that is not a token is written as a quoted-string, with {@code "} and {@code \}
     * escaped.
     *
     * @param elements the elements to write, in order; at least one
     * @return the header value
     * @throws IllegalArgumentException if a name is not a token, a value holds a character no
     *                                  quoted-string can carry (controls other than tab, or
     *                                  anything above U+00FF), or {@code elements} is empty
     */
    public static String serialize(List<ExtensionParams> elements) {
        if (elements.isEmpty()) {
            throw new IllegalArgumentException(NAME + ": needs at least one extension to serialize");
        }
        StringBuilder out = new StringBuilder();
        for (ExtensionParams element : elements) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(requireToken(element.name(), "extension name"));
            for (Param param : element.params()) {
                out.append("; ").append(requireToken(param.name(), "parameter name"));
                if (param.value() != null) {
                    out.append('=');
                    appendValue(out, param.value());
                }
            }
        }
        return out.toString();
    }

    /**
     * Groups elements by extension name: names in order of first appearance, each with its elements
     * in header order (a client's offers for one extension, most preferred first).
     *
     * @param elements the elements of a header, as {@link #parse} returns them
     * @return an unmodifiable map of unmodifiable lists
     */
    public static Map<String, List<ExtensionParams>> groupByName(List<ExtensionParams> elements) {
        Map<String, List<ExtensionParams>> groups = new LinkedHashMap<>();
        for (ExtensionParams element : elements) {
            groups.computeIfAbsent(element.name(), name -> new ArrayList<>()).add(element);
        }
        groups.replaceAll((name, group) -> List.copyOf(group));
        return Collections.unmodifiableMap(groups);
    }

    /** Whether {@code s} is a non-empty RFC 7230 token. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String requireToken(String s, String what) {
        if (!isToken(s)) {
            throw new IllegalArgumentException(NAME + ": " + what + " is not a token: " + Excerpt.quote(s));
        }
        return s;
    }

    private static void appendValue(StringBuilder out, String value) {
        if (isToken(value)) {
            out.append(value);
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (isQuotedText(c)) {
                out.append(c);
            } else {
                throw new IllegalArgumentException(NAME + ": character " + Excerpt.describe(c)
                        + " cannot be written in a quoted-string: " + Excerpt.quote(value));
            }
        }
        out.append('"');
    }

    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** qdtext, plus the two characters that need a backslash: what a quoted-string can carry. */
    private static boolean isQuotedText(char c) {
        return c == '\t' || (c >= 0x20 && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /** One pass over one header value; each method consumes what it names. */
    private static final class Scanner {
        private final String in;
        private int pos;

        Scanner(String in) {
            this.in = in;
        }

        List<ExtensionParams> extensionList() {
            List<ExtensionParams> elements = new ArrayList<>();
            while (true) {
                skipWhitespace();
                if (atEnd()) {
                    break;
                }
                if (peek() == ',') {
                    pos++; // an empty list element
                    continue;
                }
                elements.add(element());
                skipWhitespace();
                if (atEnd()) {
                    break;
                }
                if (peek() != ',') {
                    throw error("expected ',' or ';' after an extension");
                }
                pos++;
            }
            if (elements.isEmpty()) {
                throw error("expected at least one extension");
            }
            return elements;
        }

        private ExtensionParams element() {
            String name = token("an extension name");
            List<Param> params = new ArrayList<>();
            skipWhitespace();
            while (!atEnd() && peek() == ';') {
                pos++;
                skipWhitespace();
                params.add(param());
                skipWhitespace();
            }
            return new ExtensionParams(name, params);
        }

        private Param param() {
            String name = token("a parameter name");
            int afterName = pos;
            skipWhitespace();
            if (atEnd() || peek() != '=') {
                pos = afterName; // the caller skips this whitespace again; keeps offsets honest
                return Param.flag(name);
            }
            pos++;
            skipWhitespace();
            String value = !atEnd() && peek() == '"' ? quotedToken() : token("a parameter value");
            return new Param(name, value);
        }

        private String token(String what) {
            int start = pos;
            while (!atEnd() && isTokenChar(peek())) {
                pos++;
            }
            if (pos == start) {
                throw error("expected " + what + " (a token)");
            }
            return in.substring(start, pos);
        }

        /** A quoted-string whose unescaped content must be a token (RFC 6455 §9.1). */
        private String quotedToken() {
            int open = pos;
            pos++;
            StringBuilder value = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    pos = open;
                    throw error("unterminated quoted-string");
                }
                char c = peek();
                if (c == '"') {
                    pos++;
                    break;
                }
                if (c == '\\') {
                    pos++;
                    if (atEnd()) {
                        pos = open;
                        throw error("unterminated quoted-string");
                    }
                    c = peek();
                }
                if (!isQuotedText(c)) {
                    throw error("invalid character in a quoted-string");
                }
                value.append(c);
                pos++;
            }
            String unescaped = value.toString();
            if (!isToken(unescaped)) {
                // RFC 6455 §9.1: a quoted value must be a token once unquoted
                throw new IllegalArgumentException(NAME + ": quoted parameter value "
                        + Excerpt.quote(unescaped) + " is not a token, at offset " + open
                        + ", in " + Excerpt.around(in, open));
            }
            return unescaped;
        }

        private void skipWhitespace() {
            while (!atEnd() && isWhitespace(peek())) {
                pos++;
            }
        }

        private boolean atEnd() {
            return pos >= in.length();
        }

        private char peek() {
            return in.charAt(pos);
        }

        private IllegalArgumentException error(String problem) {
            String found = atEnd() ? "end of header" : Excerpt.describe(peek());
            return new IllegalArgumentException(NAME + ": " + problem + " at offset " + pos
                    + ", found " + found + ", in " + Excerpt.around(in, pos));
        }
    }
}
