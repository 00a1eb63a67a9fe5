package dev.tether.client;

import dev.tether.client.events.HttpClients;
import dev.tether.client.events.StreamConnection;
import dev.tether.client.events.StreamContext;
import dev.tether.runtime.RuntimeThreads;

import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Follows server-sent event streams ({@code text/event-stream} over {@code http://} and
 * {@code https://}) as a browser's {@code EventSource} does: it reconnects when a stream ends or
 * fails, sending {@code Last-Event-ID} so the server can replay what was missed, waits as the
 * server's {@code retry:} says (backing off while reconnections fail), and stops for good when the
 * server answers with anything but an event stream ({@code 204}, {@code 404}, {@code text/html} …).
 *
 * <pre>{@code
 * try (EventSourceClient client = EventSourceClient.create()) {
 *     EventSourceConnection news = client.connect(URI.create("https://example.com/news"), new EventSourceConnection.Listener() {
 *         public void onEvent(EventSourceConnection c, ReceivedEvent event) { System.out.println(event.type() + ": " + event.data()); }
 *         public void onReconnecting(EventSourceConnection c, Duration delay, EventSourceException cause) {
 *             System.out.println("reconnecting in " + delay.toMillis() + " ms: " + cause.getMessage());
 *         }
 *     });
 *     news.closed().toCompletableFuture().join();   // until the server refuses, or news.close()
 * }
 * }</pre>
 *
 * <p>Built on the JDK's {@link HttpClient}, which the client owns: HTTP/1.1 only (an SSE server
 * behind an {@code h2c} upgrade would confuse streams). Redirects are followed by the client itself,
 * up to {@link EventSourceRequest#maxRedirects()}: never from {@code https} to {@code http}, and
 * without the request's own headers ({@code Authorization}, {@code Cookie} …) once they lead to
 * another origin; reconnections ask the original URI again. No thread per stream:
 * chunks are read as they come and handed to the listener on the executor, one chunk requested at
 * a time, so a slow listener slows only its own stream.
 *
 * <table class="striped">
 *   <caption>Client options and defaults (a stream's own are in {@link EventSourceRequest})</caption>
 *   <thead><tr><th>option</th><th>default</th><th>meaning</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link Builder#connectTimeout(Duration) connectTimeout}</td><td>10 s</td><td>from each
 *         request to its response's head: the TCP connect, TLS, the proxy's tunnel and the server's
 *         answer; a timeout is a failed attempt, retried. Once the stream is open, the request's
 *         {@link EventSourceRequest#idleTimeout() idleTimeout} takes over</td></tr>
 *     <tr><td>{@link Builder#tls(TlsOptions) tls}</td><td>{@link TlsOptions#defaults()}</td><td>trust,
 *         client certificate and parameters for {@code https://}; hostname verification stays on
 *         unless {@link TlsOptions.Builder#insecureTrustAnyCertificateForTesting()}. Parameters with
 *         server names (SNI) or ALPN protocols are refused: java.net.http would override them</td></tr>
 *     <tr><td>{@link Builder#proxy(ProxyOptions) proxy}</td><td>{@link ProxyOptions#system()}</td><td>an
 *         {@code http://} proxy (Basic credentials from its URI, {@code Proxy-*} headers),
 *         {@link ProxyOptions#none()}, or the JDK's {@link java.net.ProxySelector}; see below</td></tr>
 *     <tr><td>{@link Builder#executor(Executor) executor}</td><td>{@link RuntimeThreads#executor()}</td>
 *         <td>runs listener calls and java.net.http's own work</td></tr>
 *     <tr><td>{@link Builder#scheduler(ScheduledExecutorService) scheduler}</td><td>{@link RuntimeThreads#scheduler()}</td>
 *         <td>times reconnections; its tasks only hand work to the executor</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Proxies, as far as java.net.http goes</h2>
 * An {@code http://} stream through a proxy is a plain proxied request, and Basic credentials are
 * sent to the proxy. An {@code https://} stream goes through a {@code CONNECT} tunnel, on which the
 * JDK does not send Basic credentials unless the JVM was started with
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=} (empty; the default disables Basic): without
 * that the proxy's {@code 407} closes the connection for good. TLS to the proxy ({@code https://}
 * proxies) and {@code CONNECT} headers other than {@code Proxy-*} are refused when the client is
 * built; a SOCKS proxy chosen by the system settings fails the connection.
 *
 * <h2>Closing, and one client per application</h2>
 * {@link #close()} closes every connection (their listeners hear {@code onClose} with no cause):
 * each open stream's body is cancelled, which closes its TCP connection. On JDK 21 and later it
 * also shuts the HttpClient down. JDK 17 to 20 have no way to: the HttpClient's selector thread,
 * and any keep-alive connection java.net.http kept idle in its pool (after a refusal or a redirect
 * whose body was read to its end), stay until the client is garbage-collected or the JDK's
 * keep-alive timeout ({@code jdk.httpclient.keepalive.timeout}) closes the connection. So make one
 * client for the application and open every stream on it, rather than a client per stream.
 */
public final class EventSourceClient implements AutoCloseable {
    private final StreamContext context;
    private final Set<StreamConnection> open = ConcurrentHashMap.newKeySet();
    /** Held by close() throughout, and by connect() to join {@code open}: see close(). */
    private final Object lock = new Object();
    private boolean closed; // guarded by lock

    private EventSourceClient(Builder b) {
        HttpClient http = HttpClients.create(b.tls, b.proxy, b.connectTimeout, b.executor);
        this.context = new StreamContext(http, b.executor, b.scheduler, b.connectTimeout, b.proxy,
                HttpClients.proxyHeaders(b.proxy));
    }

    /**
     * A client with the default options.
     *
     * @return a new client; close it when done
     */
    public static EventSourceClient create() {
        return builder().build();
    }

    /**
     * Starts a client with other options.
     *
     * @return a builder holding the defaults of the table above
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * As {@link #connect(EventSourceRequest, EventSourceConnection.Listener)} with the default options for {@code uri}.
     *
     * @param uri      the stream's {@code http://} or {@code https://} URI
     * @param listener hears what happens to the connection
     * @return the connection, still {@code CONNECTING}
     * @throws IllegalStateException if this client is closed
     */
    public EventSourceConnection connect(URI uri, EventSourceConnection.Listener listener) {
        return connect(EventSourceRequest.of(uri), listener);
    }

    /**
     * Starts following a stream and returns its connection at once, {@code CONNECTING}; what
     * happens next reaches {@code listener}. Like a browser's {@code new EventSource(url)}, this
     * never fails for the network's reasons: a server that cannot be reached is retried
     * ({@code onReconnecting}), one that refuses closes the connection ({@code onClose}).
     *
     * @param request  the stream to follow, with its headers, retry and limits
     * @param listener hears what happens to the connection
     * @return the connection, still {@code CONNECTING}
     * @throws IllegalStateException if this client is closed
     */
    public EventSourceConnection connect(EventSourceRequest request, EventSourceConnection.Listener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        StreamConnection connection = new StreamConnection(context, request, listener, open::remove);
        synchronized (lock) {
            if (closed) throw new IllegalStateException("the EventSourceClient is closed");
            open.add(connection); // a close() from now on closes it, even before it starts
        }
        try {
            connection.start();
        } catch (RuntimeException | Error e) {
            open.remove(connection); // it never started: it must not stay among the connections
            throw e;
        }
        return connection;
    }

    /**
     * The connections not closed yet.
     *
     * @return a snapshot of the open connections, unmodifiable
     */
    public Set<EventSourceConnection> connections() {
        return Set.copyOf(open);
    }

    /**
     * Closes every connection (each listener hears {@code onClose} with no cause, and each open
     * stream's TCP connection is closed), then the HttpClient where the JDK can (21 and later; see
     * the class description for JDK 17). Once it returns, no connection of this client reconnects.
     * Closing again does nothing; a close() while another is under way on another thread waits
     * for that one to finish.
     */
    @Override
    public void close() {
        // All under the lock: a second close() must not return while the first is still closing
        // connections (one could yet reconnect), nor run the closing again.
        synchronized (lock) {
            if (closed) return;
            closed = true;
            for (StreamConnection connection : new ArrayList<>(open)) connection.close();
            shutDownHttpClient(context.http());
        }
    }

    /** {@code HttpClient.shutdownNow()} exists from JDK 21 on; this library runs on 17. */
    private static void shutDownHttpClient(HttpClient http) {
        try {
            Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
            shutdownNow.invoke(http);
        } catch (NoSuchMethodException e) {
            // JDK 17 to 20: the client's selector thread ends when the client is unreachable.
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.getLogger(EventSourceClient.class.getName()).log(System.Logger.Level.DEBUG,
                    "could not shut the HttpClient down: " + e);
        }
    }

    /** How a client is made. Not thread-safe. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private TlsOptions tls;
        private ProxyOptions proxy = ProxyOptions.system();
        private Executor executor = RuntimeThreads.executor();
        private ScheduledExecutorService scheduler = RuntimeThreads.scheduler();

        private Builder() {
        }

        /**
         * From each request to its response's head (connecting, TLS, the proxy, the answer); positive. Default 10 s.
         *
         * @param timeout the longest wait for a response's head
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "connectTimeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * TLS for {@code https://} streams. Default {@link TlsOptions#defaults()}.
         *
         * @param tls the TLS options: trust, client certificate, parameters
         * @return this builder
         */
        public Builder tls(TlsOptions tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * The proxy: {@link ProxyOptions#of}, {@link ProxyOptions#none()} or (default) {@link ProxyOptions#system()}.
         *
         * @param proxy the proxy options; checked by {@link #build()}
         * @return this builder
         */
        public Builder proxy(ProxyOptions proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /**
         * Runs listener calls and java.net.http's work. Default: the runtime's shared daemon threads.
         *
         * @param executor the executor for listener calls and the HttpClient
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Times reconnections; its tasks only hand work to the executor. Default: the runtime's timer thread.
         *
         * @param scheduler the scheduler for reconnection delays and timeouts
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * The client.
         *
         * @return a new client with these options; close it when done
         * @throws IllegalArgumentException for proxy options java.net.http cannot honour (TLS to the
         *                                  proxy, {@code CONNECT} headers other than {@code Proxy-*}),
         *                                  and for TLS parameters it would silently override (server
         *                                  names for SNI, ALPN protocols), saying which
         */
        public EventSourceClient build() {
            if (tls == null) tls = TlsOptions.defaults();
            return new EventSourceClient(this);
        }
    }
}
