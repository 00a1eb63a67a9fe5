package dev.tether.client;

import dev.tether.driver.DriverOptions;
import dev.tether.extension.Extension;
import dev.tether.protocol.Role;
import dev.tether.runtime.ConnectionOptions;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;

/**
 * How a client connection is made and behaves: the client's own options, and (through the same
 * builder) the {@link ConnectionOptions} every connection has, with the same names and defaults as
 * a server's. Immutable; {@link #builder()} starts from the defaults.
 *
 * <table>
 *   <caption>The client's own options and defaults (the shared ones are in {@link ConnectionOptions})</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code protocols}</td><td>none</td><td>subprotocols offered, in preference order; the server's choice must be one</td></tr>
 *   <tr><td>{@code extension}</td><td>none</td><td>extensions offered, in pipeline order</td></tr>
 *   <tr><td>{@code header}</td><td>none</td><td>extra request headers ({@code Authorization}, {@code Cookie} …); not the
 *       handshake's own</td></tr>
 *   <tr><td>{@code origin}</td><td>none</td><td>the {@code Origin} sent ({@code Sec-WebSocket-Origin} for version 8)</td></tr>
 *   <tr><td>{@code protocolVersion}</td><td>13</td><td>13 (RFC 6455) or 8 (hybi-08, for old servers)</td></tr>
 *   <tr><td>{@code connectTimeout}</td><td>10 s</td><td>name resolution and the TCP connect, together</td></tr>
 *   <tr><td>{@code handshakeTimeout}</td><td>10 s</td><td>(shared) from the TCP connection to the server's 101: TLS,
 *       the proxy tunnel and the upgrade</td></tr>
 *   <tr><td>{@code tls}</td><td>{@link TlsOptions#defaults()}</td><td>for {@code wss://}: trust, client certificate,
 *       hostname verification (on)</td></tr>
 *   <tr><td>{@code proxy}</td><td>{@link ProxyOptions#system()}</td><td>an HTTP(S) proxy to tunnel through with
 *       CONNECT, none, or what the JDK's {@link java.net.ProxySelector} says</td></tr>
 *   <tr><td>{@code readsPerDispatch}</td><td>4</td><td>socket reads a connection makes in one turn on the executor before
 *       it waits for the selector again, behind the other connections that are ready: under load no connection starves
 *       the others</td></tr>
 *   <tr><td>{@code maxRedirects}</td><td>0</td><td>redirects (301, 302, 303, 307, 308) followed before the handshake
 *       fails; {@code Authorization} and {@code Cookie} headers are never sent to another origin (other headers, and a
 *       TLS client certificate, are: do not follow redirects to origins you do not trust with them), and {@code wss}
 *       never steps down to {@code ws}</td></tr>
 * </table>
 *
 * <p>{@code closeTimeout} (shared) also bounds how long a client waits, after its FIN, for the server
 * to close the TCP connection (RFC 6455 lets the server close first) before it closes the socket.
 */
public final class ClientOptions {
    private static final ClientOptions DEFAULTS = new Builder().build();

    private final ConnectionOptions connection;
    private final DriverOptions driverOptions;
    private final String origin;
    private final int protocolVersion;
    private final Duration connectTimeout;
    private final TlsOptions tls;
    private final ProxyOptions proxy;
    private final int maxRedirects;
    private final int readsPerDispatch;

    private ClientOptions(Builder b, ConnectionOptions connection) {
        this.connection = connection;
        if (b.origin != null) {
            b.driver.header("Origin", b.origin);
        }
        b.driver.sendFrameSize(connection.sendFrameSize());
        this.driverOptions = b.driver.maxFrameLength(connection.maxFrameLength()).maxMessageLength(connection.maxMessageLength()).messageMemory(connection.messageMemory()).build();
        this.origin = b.origin;
        this.protocolVersion = b.protocolVersion;
        this.connectTimeout = b.connectTimeout;
        this.tls = b.tls;
        this.proxy = b.proxy;
        this.maxRedirects = b.maxRedirects;
        this.readsPerDispatch = b.readsPerDispatch;
    }

    /**
     * The options with every default, as in the table above.
     *
     * @return the shared default options
     */
    public static ClientOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts options of one's own, from the defaults.
     *
     * @return a builder holding every default
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What every connection has, server's or client's: limits, deadlines, the outbound queue, threads.
     *
     * @return the shared connection options
     */
    public ConnectionOptions connection() {
        return connection;
    }

    /**
     * The protocol options handed to the core: subprotocols, extensions, headers, maxLength.
     *
     * @return the driver options of the client's handshake and frames, the {@code Origin} among their headers
     */
    public DriverOptions driverOptions() {
        return driverOptions;
    }

    /**
     * The {@code Origin} to send, or null.
     *
     * @return the origin, or null when none is sent
     */
    public String origin() {
        return origin;
    }

    /**
     * 13 or 8.
     *
     * @return the WebSocket version requested: 13 (RFC 6455) or 8 (hybi-08)
     */
    public int protocolVersion() {
        return protocolVersion;
    }

    /**
     * How long name resolution and the TCP connect may take together.
     *
     * @return the connect timeout; positive
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * The TLS settings for {@code wss://}; null for {@link TlsOptions#defaults()}, made when first needed.
     *
     * @return the TLS options set on the builder, or null when none were
     */
    public TlsOptions tls() {
        return tls;
    }

    /**
     * The proxy to connect through.
     *
     * @return the proxy options; {@link ProxyOptions#system()} unless others were set
     */
    public ProxyOptions proxy() {
        return proxy;
    }

    /**
     * How many redirects a connect follows before the handshake fails.
     *
     * @return the redirects followed; 0 follows none
     */
    public int maxRedirects() {
        return maxRedirects;
    }

    /**
     * Socket reads a connection makes in one turn on the executor before it waits for the selector again.
     *
     * @return the reads per turn; at least 1
     */
    public int readsPerDispatch() {
        return readsPerDispatch;
    }

    /**
     * A copy without the request headers named (ignoring case): a redirect to another origin drops
     * {@code Authorization} and {@code Cookie} so.
     *
     * @param names the names of the headers to leave out
     * @return options equal to these but for the headers named
     */
    public ClientOptions withoutHeaders(Collection<String> names) {
        DriverOptions.Builder driver = DriverOptions.builder(Role.CLIENT)
                .maxFrameLength(driverOptions.maxFrameLength()).maxMessageLength(driverOptions.maxMessageLength())
                .messageMemory(driverOptions.messageMemory())
                .protocols(driverOptions.protocols().toArray(String[]::new))
                .deliverFragments(driverOptions.deliverFragments())
                .fragmentSize(driverOptions.fragmentSize())
                .sendFrameSize(driverOptions.sendFrameSize());
        driverOptions.extensions().forEach(driver::extension);
        driverOptions.headers().forEach((name, value) -> {
            if (names.stream().noneMatch(name::equalsIgnoreCase)) {
                driver.header(name, value);
            }
        });
        return new ClientOptions(this, driver.build());
    }

    private ClientOptions(ClientOptions from, DriverOptions driverOptions) {
        this.connection = from.connection;
        this.driverOptions = driverOptions;
        this.origin = from.origin;
        this.protocolVersion = from.protocolVersion;
        this.connectTimeout = from.connectTimeout;
        this.tls = from.tls;
        this.proxy = from.proxy;
        this.maxRedirects = from.maxRedirects;
        this.readsPerDispatch = from.readsPerDispatch;
    }

    /** The client's options; the shared ones ({@link ConnectionOptions.Settings}) are set here too. */
    public static final class Builder extends ConnectionOptions.Settings<Builder> {
        private final DriverOptions.Builder driver = DriverOptions.builder(Role.CLIENT);
        private String origin;
        private int protocolVersion = 13;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private TlsOptions tls;
        private ProxyOptions proxy = ProxyOptions.system();
        private int maxRedirects;
        private int readsPerDispatch = 4;

        private Builder() {
        }

        /**
         * Subprotocols to offer, in preference order.
         *
         * @param names the subprotocols, added after any offered already
         * @return this builder
         */
        public Builder protocols(String... names) {
            driver.protocols(names);
            return this;
        }

        /**
         * An extension to offer; the extensions run in the order added.
         *
         * @param extension the extension, added after any offered already
         * @return this builder
         */
        public Builder extension(Extension extension) {
            driver.extension(extension);
            return this;
        }

        /**
         * An extra request header; the handshake's own ({@code Upgrade}, {@code Sec-WebSocket-*} …) are refused.
         *
         * @param name  the header's name
         * @param value its value; replaces an earlier value for the same name
         * @return this builder
         */
        public Builder header(String name, String value) {
            driver.header(name, value);
            return this;
        }

        /**
         * The {@code Origin} to send ({@code Sec-WebSocket-Origin} for version 8). Default: none.
         *
         * @param origin the origin, such as {@code https://example.com}
         * @return this builder
         */
        public Builder origin(String origin) {
            this.origin = Objects.requireNonNull(origin, "origin");
            return this;
        }

        /**
         * 13 (RFC 6455, the default) or 8 (hybi-08).
         *
         * @param version the WebSocket version to request: 13 or 8
         * @return this builder
         * @throws IllegalArgumentException for any other version
         */
        public Builder protocolVersion(int version) {
            if (version != 13 && version != 8) {
                throw new IllegalArgumentException("protocolVersion must be 13 or 8: " + version);
            }
            this.protocolVersion = version;
            return this;
        }

        /**
         * How long name resolution and the TCP connect may take together; positive.
         *
         * @param timeout the connect timeout; default 10 seconds
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "connectTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * The TLS settings for {@code wss://}: trust, client certificate, hostname verification.
         *
         * @param tls the TLS options; default {@link TlsOptions#defaults()}
         * @return this builder
         */
        public Builder tls(TlsOptions tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * {@link ProxyOptions#of}, {@link ProxyOptions#none()} or (the default) {@link ProxyOptions#system()}.
         *
         * @param proxy the proxy to connect through
         * @return this builder
         */
        public Builder proxy(ProxyOptions proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /**
         * How many redirects to follow; 0 (the default) follows none.
         *
         * @param redirects the most redirects one connect follows; not negative
         * @return this builder
         * @throws IllegalArgumentException if {@code redirects} is negative
         */
        public Builder maxRedirects(int redirects) {
            if (redirects < 0) {
                throw new IllegalArgumentException("maxRedirects must not be negative: " + redirects);
            }
            this.maxRedirects = redirects;
            return this;
        }

        /**
         * Socket reads in one turn on the executor before the connection waits for the selector again; at least 1.
         *
         * @param reads the reads per turn; default 4
         * @return this builder
         * @throws IllegalArgumentException if {@code reads} is less than 1
         */
        public Builder readsPerDispatch(int reads) {
            if (reads < 1) {
                throw new IllegalArgumentException("readsPerDispatch must be at least 1: " + reads);
            }
            this.readsPerDispatch = reads;
            return this;
        }

        /**
         * Makes the options.
         *
         * @return immutable options holding what was set here and the defaults for the rest
         */
        public ClientOptions build() {
            return new ClientOptions(this, connectionOptions());
        }
    }
}
