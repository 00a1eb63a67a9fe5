package dev.tether.example;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough JSON for the chat protocol, without a library: writing objects of strings, numbers
 * and string lists, and reading one flat object whose values are strings, numbers, booleans or
 * null (what a client sends). Anything else is refused with {@link IllegalArgumentException}.
 */
final class Json {
    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    // ---------------------------------------------------------------- writing

    /** Builds one JSON object, members in the order they are added. */
    static final class Writer {
        private final StringBuilder out = new StringBuilder(64).append('{');

        Writer put(String name, String value) {
            name(name);
            quote(out, value);
            return this;
        }

        Writer put(String name, long value) {
            name(name);
            out.append(value);
            return this;
        }

        Writer put(String name, Collection<String> values) {
            name(name);
            out.append('[');
            boolean first = true;
            for (String value : values) {
                if (!first) out.append(',');
                quote(out, value);
                first = false;
            }
            out.append(']');
            return this;
        }

        /** A member whose value is already JSON (e.g. an array of objects made with other writers). */
        Writer putRaw(String name, String json) {
            name(name);
            out.append(json);
            return this;
        }

        private void name(String name) {
            if (out.length() > 1) out.append(',');
            quote(out, name);
            out.append(':');
        }

        @Override
        public String toString() {
            return out + "}";
        }
    }

    static Writer object() {
        return new Writer();
    }

    /** {@code value} as a JSON string; escapes what JSON requires plus {@code <}, {@code >}, {@code &} and the JS line separators. */
    static void quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads one flat JSON object: values that are strings come back as {@code String}, numbers,
     * booleans and null as their source text's meaning ({@code Double}, {@code Boolean}, null).
     * Nested objects and arrays are refused: no client message needs them.
     */
    static Map<String, Object> parseFlatObject(String text) {
        Json json = new Json(text);
        json.space();
        json.expect('{');
        Map<String, Object> members = new LinkedHashMap<>();
        json.space();
        if (json.peek() == '}') {
            json.at++;
        } else {
            while (true) {
                json.space();
                String name = json.string();
                json.space();
                json.expect(':');
                json.space();
                if (members.put(name, json.scalar()) != null) throw new IllegalArgumentException("duplicate member " + name);
                json.space();
                char c = json.next();
                if (c == '}') break;
                if (c != ',') throw json.error("expected ',' or '}'");
            }
        }
        json.space();
        if (json.at != text.length()) throw json.error("trailing characters");
        return members;
    }

    private Object scalar() {
        char c = peek();
        if (c == '"') return string();
        if (text.startsWith("true", at)) {
            at += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", at)) {
            at += 5;
            return Boolean.FALSE;
        }
        if (text.startsWith("null", at)) {
            at += 4;
            return null;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = at;
            while (at < text.length() && "+-.eE0123456789".indexOf(text.charAt(at)) >= 0) at++;
            try {
                return Double.valueOf(text.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("bad number");
            }
        }
        throw error("expected a string, number, boolean or null");
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') return out.toString();
            if (c < 0x20) throw error("control character in a string");
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) throw error("short \\u escape");
                    try {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException bad) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape");
            }
        }
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) at++;
    }

    private char peek() {
        if (at >= text.length()) throw error("unexpected end");
        return text.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) throw error("expected '" + c + "'");
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("not valid JSON at character " + at + ": " + what);
    }
}
