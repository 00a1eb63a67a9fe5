package dev.tether.extension;

import java.util.List;
import java.util.Objects;

/**
 * One extension element of a {@code Sec-WebSocket-Extensions} header: the extension's name and its
 * parameters, in order. A parameter without a value has a {@code null} value.
 *
 * @param name   the extension token
 * @param params the parameters, in header order; names may repeat
 */
public record ExtensionParams(String name, List<Param> params) {

    /** One {@code name[=value]} pair; {@code value} is null for a bare name. */
    public record Param(String name, String value) {
        public Param {
            Objects.requireNonNull(name, "name");
        }
    }

    public ExtensionParams {
        Objects.requireNonNull(name, "name");
        params = List.copyOf(params);
    }
}
