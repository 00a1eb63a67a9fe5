package dev.tether.servlet;

import dev.tether.driver.DriverOptions;
import dev.tether.protocol.Role;
import dev.tether.extension.Extension;
import dev.tether.runtime.ConnectionOptions;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How server connections behave: the server's own options, and (through the same builder) the
 * {@link ConnectionOptions} every connection has, with the same names and defaults as a client's.
 * Immutable; {@link #builder()} starts from the defaults, each of which is safe for a public server.
 *
 * <table>
 *   <caption>The server's own options and defaults (the shared ones are in {@link ConnectionOptions})</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code protocols}</td><td>none</td><td>subprotocols supported; the first one the client offers that is among them is chosen</td></tr>
 *   <tr><td>{@code extension}</td><td>none</td><td>extensions supported, in pipeline order</td></tr>
 *   <tr><td>{@code header}</td><td>none</td><td>extra headers in every 101 response</td></tr>
 *   <tr><td>{@code allowedOrigins}</td><td>any</td><td>when set, other {@code Origin}s get 403</td></tr>
 *   <tr><td>{@code readTurnBytes}</td><td>256 KiB</td><td>the most bytes a connection reads in one turn on a container
 *       thread; then it gives the thread back and queues behind the other connections for its next turn, so that a peer
 *       that keeps sending cannot keep a thread while the others wait (the portable route over servlet streams, which
 *       cannot ask the container for another turn, yields the CPU instead)</td></tr>
 *   <tr><td>{@code handshakeHook}</td><td>none</td><td>sees every handshake before it is answered: may reject it,
 *       pick the subprotocol, add headers and attributes</td></tr>
 * </table>
 */
public final class WebSocketOptions {
    private static final WebSocketOptions DEFAULTS = new Builder().build();

    private final ConnectionOptions connection;
    private final DriverOptions driverOptions;
    private final Set<String> allowedOrigins;
    private final int readTurnBytes;
    private final HandshakeHook handshakeHook;

    private WebSocketOptions(Builder b, ConnectionOptions connection) {
        this.connection = connection;
        b.driver.sendFrameSize(connection.sendFrameSize());
        this.driverOptions = b.driver.maxFrameLength(connection.maxFrameLength()).maxMessageLength(connection.maxMessageLength()).messageMemory(connection.messageMemory()).build();
        this.allowedOrigins = Set.copyOf(b.allowedOrigins);
        this.readTurnBytes = b.readTurnBytes;
        this.handshakeHook = b.handshakeHook;
    }

    /**
     * The defaults, as listed above and in {@link ConnectionOptions}.
     *
     * @return the options a builder builds when nothing is set
     */
    public static WebSocketOptions defaults() {
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
     * What every connection has, server's or client's: limits, deadlines, the outbound queue, threads.
     *
     * @return the options shared with clients
     */
    public ConnectionOptions connection() {
        return connection;
    }

    /**
     * The protocol options handed to the core (subprotocols, extensions, headers, maxLength).
     *
     * @return the server-side driver options, with the frame and message limits of {@link #connection()}
     */
    public DriverOptions driverOptions() {
        return driverOptions;
    }

    /**
     * Allowed origins in lower case; empty means any.
     *
     * @return the origins that may connect, unmodifiable
     */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * The most bytes a connection reads in one turn on a container thread.
     *
     * @return the bytes read per turn, at least 1
     */
    public int readTurnBytes() {
        return readTurnBytes;
    }

    /**
     * The hook that sees every handshake before it is answered, or null.
     *
     * @return the handshake hook, or null when none is set
     */
    public HandshakeHook handshakeHook() {
        return handshakeHook;
    }

    /** The server's options; the shared ones ({@link ConnectionOptions.Settings}) are set here too. */
    public static final class Builder extends ConnectionOptions.Settings<Builder> {
        private final DriverOptions.Builder driver = DriverOptions.builder(Role.SERVER);
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private int readTurnBytes = 256 * 1024;
        private HandshakeHook handshakeHook;

        private Builder() {
        }

        /**
         * Adds subprotocols the server supports, after any added before. The handshake answers with
         * the first subprotocol in the client's offer that is among them, unless a
         * {@link HandshakeHook} selects another ({@link HandshakeContext#selectProtocol}).
         *
         * @param names the subprotocol names
         * @return this builder
         */
        public Builder protocols(String... names) {
            driver.protocols(names);
            return this;
        }

        /**
         * Adds an extension the server supports, after any added before.
         *
         * @param extension the extension, placed in the pipeline after those added before
         * @return this builder
         */
        public Builder extension(Extension extension) {
            driver.extension(extension);
            return this;
        }

        /**
         * Adds a header to every 101 response; a later value for the same name replaces the earlier
         * one. A {@link HandshakeHook} can add headers for one handshake
         * ({@link HandshakeContext#header}).
         *
         * @param name  the header name
         * @param value the header value
         * @return this builder
         */
        public Builder header(String name, String value) {
            driver.header(name, value);
            return this;
        }

        /**
         * Only these origins may connect (compared ignoring case); requests without an Origin are let through.
         * Origins are added to those given before; others are refused with 403.
         *
         * @param origins the allowed origins, e.g. {@code https://example.com}
         * @return this builder
         */
        public Builder allowedOrigins(String... origins) {
            List<String> list = new ArrayList<>();
            for (String o : origins) {
                list.add(Objects.requireNonNull(o, "origin").toLowerCase(Locale.ROOT));
            }
            allowedOrigins.addAll(list);
            return this;
        }

        /**
         * How many bytes a connection reads in one turn on a container thread. A connection reads
         * while its peer's bytes are there; one whose peer keeps sending would otherwise keep its
         * thread for as long as the peer sends, while the other connections' reads wait for a thread.
         * After this many bytes (the read that passes it is finished) the connection hands its next
         * turn to the container's executor, behind the work already queued there, and gives the
         * thread back; the portable route over servlet streams, which cannot ask the container for
         * another turn, yields the CPU there instead. A larger value costs fewer dispatches in bulk
         * transfer; a smaller one shares the threads more finely.
         *
         * @param bytes the bytes read per turn, at least 1; default 256 KiB
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is less than 1
         */
        public Builder readTurnBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("readTurnBytes must be at least 1: " + bytes);
            }
            this.readTurnBytes = bytes;
            return this;
        }

        /**
         * Sets the hook that sees every handshake before it is answered.
         *
         * @param hook the hook; null for none
         * @return this builder
         */
        public Builder handshakeHook(HandshakeHook hook) {
            this.handshakeHook = hook;
            return this;
        }

        /**
         * Builds the options from what is set.
         *
         * @return the immutable options
         */
        public WebSocketOptions build() {
            return new WebSocketOptions(this, connectionOptions());
        }
    }
}
