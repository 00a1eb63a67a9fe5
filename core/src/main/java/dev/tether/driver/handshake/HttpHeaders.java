package dev.tether.driver.handshake;

import static dev.tether.driver.handshake.HeaderTokens.equalsIgnoreAsciiCase;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * HTTP header fields in the order they were added: a multimap from name to values whose lookups
 * ignore ASCII case and which keeps each name as spelled when it was added.
 *
 * <p>Header injection is impossible by construction: names must be RFC 7230 tokens, and values may
 * not contain CR, LF or NUL, nor any character above U+00FF (header bytes are ISO-8859-1, one byte
 * per character, so a writer that truncated such a character to a byte could otherwise produce CR
 * or LF). Both are checked on every {@link #add} and {@link #set}.
 *
 * <p>Instances are mutable and not thread-safe; {@link #readOnlyView()} gives a view that refuses
 * changes.
 */
public final class HttpHeaders {
    private record Field(String name, String value) {
    }

    private final List<Field> fields;
    private final boolean readOnly;

    /** An empty, modifiable set of headers. */
    public HttpHeaders() {
        this(new ArrayList<>(), false);
    }

    private HttpHeaders(List<Field> fields, boolean readOnly) {
        this.fields = fields;
        this.readOnly = readOnly;
    }

    /**
     * A modifiable copy of {@code headers}, independent of it.
     *
     * @param headers the headers to copy; a read-only view may be copied too
     * @return a new, modifiable instance with the same fields in the same order
     */
    public static HttpHeaders copyOf(HttpHeaders headers) {
        return new HttpHeaders(new ArrayList<>(headers.fields), false);
    }

    /**
     * A view of these headers that throws {@link UnsupportedOperationException} on {@link #add} and
     * {@link #set}; it shows later changes made through this instance.
     *
     * @return a read-only view; this instance when it is one already
     */
    public HttpHeaders readOnlyView() {
        return readOnly ? this : new HttpHeaders(fields, true);
    }

    /**
     * Appends the field {@code name: value}, after any existing fields of that name.
     *
     * @param name  the field name, an RFC 7230 token
     * @param value the field value
     * @return this, for chaining
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF, NUL or a
     *                                  character above U+00FF
     */
    public HttpHeaders add(String name, String value) {
        checkModifiable();
        fields.add(validField(name, value));
        return this;
    }

    /**
     * Replaces every field named {@code name} with the single field {@code name: value}, at the
     * position of the first one replaced (or at the end when there was none).
     *
     * @param name  the field name, an RFC 7230 token; matched ignoring ASCII case
     * @param value the field value
     * @return this, for chaining
     * @throws IllegalArgumentException as {@link #add}
     */
    public HttpHeaders set(String name, String value) {
        checkModifiable();
        Field field = validField(name, value);
        int first = -1;
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (equalsIgnoreAsciiCase(fields.get(i).name(), name)) {
                fields.remove(i);
                first = i;
            }
        }
        fields.add(first < 0 ? fields.size() : first, field);
        return this;
    }

    /**
     * The first value of {@code name}, or null when there is none.
     *
     * @param name the field name, matched ignoring ASCII case
     * @return the value of the first field of that name, or null
     */
    public String first(String name) {
        Objects.requireNonNull(name, "name");
        for (Field field : fields) {
            if (equalsIgnoreAsciiCase(field.name(), name)) return field.value();
        }
        return null;
    }

    /**
     * Every value of {@code name}, in order; empty when there is none. The list is unmodifiable.
     *
     * @param name the field name, matched ignoring ASCII case
     * @return the values of every field of that name, a snapshot
     */
    public List<String> all(String name) {
        Objects.requireNonNull(name, "name");
        List<String> values = new ArrayList<>(2);
        for (Field field : fields) {
            if (equalsIgnoreAsciiCase(field.name(), name)) values.add(field.value());
        }
        return Collections.unmodifiableList(values);
    }

    /**
     * Whether there is at least one field named {@code name}.
     *
     * @param name the field name, matched ignoring ASCII case
     * @return true when a field of that name is present
     */
    public boolean contains(String name) {
        return first(name) != null;
    }

    /**
     * The distinct names, in order of first appearance, each spelled as it was first added. The list
     * is unmodifiable.
     *
     * @return the field names, one per name whatever its case, a snapshot
     */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Field field : fields) {
            // names are ASCII tokens, so Locale.ROOT lower-casing is exact
            if (seen.add(field.name().toLowerCase(Locale.ROOT))) names.add(field.name());
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * Calls {@code action} with each field's name (as spelled) and value, in order.
     *
     * @param action called with the name and value of each field
     */
    public void forEach(BiConsumer<? super String, ? super String> action) {
        Objects.requireNonNull(action, "action");
        for (Field field : fields) {
            action.accept(field.name(), field.value());
        }
    }

    /**
     * The number of fields; a name with three values counts three.
     *
     * @return how many fields there are
     */
    public int size() {
        return fields.size();
    }

    /**
     * Whether there are no fields.
     *
     * @return true when there is no field at all
     */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** Equal when both hold the same fields in the same order, names compared ignoring ASCII case. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof HttpHeaders that) || that.fields.size() != fields.size()) return false;
        for (int i = 0; i < fields.size(); i++) {
            Field mine = fields.get(i);
            Field theirs = that.fields.get(i);
            if (!equalsIgnoreAsciiCase(mine.name(), theirs.name()) || !mine.value().equals(theirs.value())) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (Field field : fields) {
            hash = 31 * hash + HeaderTokens.hashIgnoreAsciiCase(field.name());
            hash = 31 * hash + field.value().hashCode();
        }
        return hash;
    }

    /** The fields as they would be written, {@code Name: value} one per line. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Field field : fields) {
            text.append(field.name()).append(": ").append(field.value()).append('\n');
        }
        return text.toString();
    }

    private void checkModifiable() {
        if (readOnly) throw new UnsupportedOperationException("these headers are read-only");
    }

    private static Field validField(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!HeaderTokens.isToken(name)) {
            throw new IllegalArgumentException("header name is not an RFC 7230 token: " + Quoted.quote(name));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException("value of header " + name + " must not contain CR, LF or NUL, found '"
                        + Quoted.printable(c) + "' at index " + i + " in " + Quoted.quote(value));
            }
            if (c > 0xFF) {
                throw new IllegalArgumentException("value of header " + name + " must be ISO-8859-1, found U+"
                        + String.format("%04X", (int) c) + " at index " + i);
            }
        }
        return new Field(name, value);
    }
}
