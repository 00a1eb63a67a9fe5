package dev.tether.extension;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One extension element of a {@code Sec-WebSocket-Extensions} header: the extension's name and its
 * parameters, in order. A parameter without a value has a {@code null} value.
 *
 * <p>Nothing here checks that names are tokens: {@link ExtensionHeader#parse} only produces valid
 * elements, and {@link ExtensionHeader#serialize} refuses invalid ones.
 *
 * @param name   the extension token
 * @param params the parameters, in header order; names may repeat
 */
public record ExtensionParams(String name, List<Param> params) {

    /**
     * One {@code name[=value]} pair.
     *
     * @param name  the parameter token
     * @param value the value, unquoted and unescaped; {@code null} for a bare name (a flag)
     */
    public record Param(String name, String value) {
        /**
         * Checks that {@code name} is not null.
         *
         * @param name  the parameter token
         * @param value the value, unquoted; {@code null} for a flag
         */
        public Param {
            Objects.requireNonNull(name, "name");
        }

        /**
         * A parameter without a value, e.g. {@code server_no_context_takeover}.
         *
         * @param name the parameter token
         * @return a parameter with that name and a {@code null} value
         */
        public static Param flag(String name) {
            return new Param(name, null);
        }

        /**
         * Whether this parameter has no value.
         *
         * @return true when {@link #value()} is {@code null}
         */
        public boolean isFlag() {
            return value == null;
        }
    }

    /**
     * Checks that {@code name} is not null and keeps an unmodifiable copy of {@code params}.
     *
     * @param name   the extension token
     * @param params the parameters, in header order; not null, and without null elements
     */
    public ExtensionParams {
        Objects.requireNonNull(name, "name");
        params = List.copyOf(params);
    }

    /**
     * An element with the given parameters, in order.
     *
     * @param name   the extension token
     * @param params the parameters, in header order
     * @return the element
     */
    public static ExtensionParams of(String name, Param... params) {
        return new ExtensionParams(name, List.of(params));
    }

    /**
     * Whether a parameter with this name is present, with or without a value.
     *
     * @param paramName the parameter token to look for, matched case-sensitively
     * @return true when at least one parameter has that name
     */
    public boolean has(String paramName) {
        for (Param param : params) {
            if (param.name().equals(paramName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value of the first parameter with this name; {@code null} when there is none or when it is
     * a flag (use {@link #has} to tell those apart).
     *
     * @param paramName the parameter token to look for, matched case-sensitively
     * @return the first such parameter's value, or {@code null}
     */
    public String value(String paramName) {
        for (Param param : params) {
            if (param.name().equals(paramName)) {
                return param.value();
            }
        }
        return null;
    }

    /**
     * Every parameter with this name, in header order: extensions that allow a parameter only once
     * (RFC 7692 §7) check that this has at most one element.
     *
     * @param paramName the parameter token to look for, matched case-sensitively
     * @return an unmodifiable list of the matching parameters; empty when there is none
     */
    public List<Param> paramsNamed(String paramName) {
        List<Param> found = new ArrayList<>();
        for (Param param : params) {
            if (param.name().equals(paramName)) {
                found.add(param);
            }
        }
        return List.copyOf(found);
    }
}
