package dev.tether.servlet.sse;

import dev.tether.runtime.sse.EventStreamOptions;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How event streams started from servlets behave: the HTTP response's own options, and (through
 * the same builder) the {@link EventStreamOptions} every stream has: {@code retry},
 * {@code pingInterval}, {@code bufferLimit}, {@code overflowPolicy}, {@code stallTimeout},
 * {@code executor} and {@code scheduler}, with the names and defaults listed there. Immutable;
 * {@link #builder()} starts from the defaults, each of which is safe for a public server.
 *
 * <table>
 *   <caption>The response's own options (the stream's are in {@link EventStreamOptions})</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code header}</td><td>none</td><td>extra response headers, e.g. CORS ({@code Access-Control-Allow-Origin})</td></tr>
 * </table>
 */
public final class EventSourceOptions {

    /** Headers the stream sets itself, or that would break it. */
    private static final Set<String> RESERVED = Set.of("content-type", "content-length", "transfer-encoding", "connection");

    private static final EventSourceOptions DEFAULTS = new Builder().build();

    private final EventStreamOptions stream;
    private final Map<String, String> headers;

    private EventSourceOptions(Builder b, EventStreamOptions stream) {
        this.stream = stream;
        this.headers = Map.copyOf(b.headers);
    }

    /**
     * The defaults: no extra headers, and those of {@link EventStreamOptions}.
     *
     * @return the options a builder builds when nothing is set
     */
    public static EventSourceOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts options from the defaults.
     *
     * @return a new builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What every stream has, whatever carries it: retry, keepalive, buffer limit and policy, threads.
     *
     * @return the options of the stream itself
     */
    public EventStreamOptions stream() {
        return stream;
    }

    /**
     * Extra response headers.
     *
     * @return the headers set on every stream's response, by name; unmodifiable
     */
    public Map<String, String> headers() {
        return headers;
    }

    /** The response's options; the stream's ({@link EventStreamOptions.Settings}) are set here too. */
    public static final class Builder extends EventStreamOptions.Settings<Builder> {
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a response header, replacing an earlier one of the same name.
         *
         * @param name  the header name; any case
         * @param value the header value
         * @return this builder
         * @throws IllegalArgumentException for Content-Type, Content-Length, Transfer-Encoding and
         *                                  Connection, which the stream controls
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + " is set by the event stream itself and cannot be changed");
            }
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            headers.put(name, value);
            return this;
        }

        /**
         * Builds the options from what is set.
         *
         * @return the immutable options
         */
        public EventSourceOptions build() {
            return new EventSourceOptions(this, eventStreamOptions());
        }
    }
}
