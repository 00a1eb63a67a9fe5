package dev.tether.driver;

import dev.tether.extension.Extension;
import dev.tether.protocol.Role;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The protocol options of a connection. Immutable; build with {@link #builder(Role)}.
 *
 * <ul>
 *   <li>{@code maxLength}: the largest frame payload and the largest assembled message accepted, in
 *       bytes; larger ones fail the connection with 1009 before anything is allocated. Default
 *       {@value #DEFAULT_MAX_LENGTH} (64 MiB − 1, as in faye's websocket-driver).</li>
 *   <li>{@code protocols}: the subprotocols this end supports, in preference order (the server picks
 *       the first one the client offers that it supports). Default none.</li>
 *   <li>{@code extensions}: the extensions this end supports, in pipeline order. Default none.</li>
 *   <li>{@code headers}: extra headers for the handshake (request or response). Default none.</li>
 * </ul>
 */
public final class DriverOptions {
    /** 64 MiB − 1, faye's default. */
    public static final int DEFAULT_MAX_LENGTH = (1 << 26) - 1;

    private final Role role;
    private final int maxLength;
    private final List<String> protocols;
    private final List<Extension> extensions;
    private final Map<String, String> headers;

    private DriverOptions(Builder builder) {
        this.role = builder.role;
        this.maxLength = builder.maxLength;
        this.protocols = List.copyOf(builder.protocols);
        this.extensions = List.copyOf(builder.extensions);
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
    }

    public static Builder builder(Role role) {
        return new Builder(role);
    }

    /** The defaults for {@code role}. */
    public static DriverOptions defaults(Role role) {
        return builder(role).build();
    }

    public Role role() {
        return role;
    }

    public int maxLength() {
        return maxLength;
    }

    public List<String> protocols() {
        return protocols;
    }

    public List<Extension> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** These options with {@code names} as the only supported subprotocols. */
    public DriverOptions withProtocols(String... names) {
        Builder b = new Builder(role).maxLength(maxLength).protocols(names);
        b.extensions.addAll(extensions);
        b.headers.putAll(headers);
        return b.build();
    }

    public static final class Builder {
        private final Role role;
        private int maxLength = DEFAULT_MAX_LENGTH;
        private final List<String> protocols = new ArrayList<>();
        private final List<Extension> extensions = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder(Role role) {
            this.role = Objects.requireNonNull(role, "role");
        }

        /** The largest frame and message accepted, 1 to {@link Integer#MAX_VALUE} − 8 bytes. */
        public Builder maxLength(int bytes) {
            if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxLength must be 1 to " + (Integer.MAX_VALUE - 8) + " bytes: " + bytes);
            }
            this.maxLength = bytes;
            return this;
        }

        public Builder protocols(String... names) {
            for (String name : names) {
                protocols.add(Objects.requireNonNull(name, "protocol"));
            }
            return this;
        }

        public Builder extension(Extension extension) {
            extensions.add(Objects.requireNonNull(extension, "extension"));
            return this;
        }

        /** Adds a handshake header; a later value for the same name replaces the earlier one. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public DriverOptions build() {
            return new DriverOptions(this);
        }
    }
}
