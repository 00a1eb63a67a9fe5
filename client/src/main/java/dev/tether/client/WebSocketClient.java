package dev.tether.client;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.client.WebSocketConnectException.Step;
import dev.tether.client.connect.ConnectAttempt;
import dev.tether.client.nio.SelectorLoop;

import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connects to WebSocket servers: {@code ws://} and {@code wss://}, directly or through an HTTP(S)
 * proxy. The sockets it opens are the same {@link WebSocket} a server's are, with the same listener.
 *
 * <pre>{@code
 * WebSocketClient client = WebSocketClient.create();
 * WebSocket ws = client.connect(URI.create("wss://example.com/chat"), new WebSocketListener() {
 *     public void onText(WebSocket socket, String text) { System.out.println(text); }
 * }).toCompletableFuture().join();
 * ws.send("hello");
 * }</pre>
 *
 * <p>Make one per application and share it: it owns a few selector threads (not a thread per
 * connection), which only watch sockets. Reading, listener calls and the completion of connects run
 * on the executor of the connection's options; a send writes on the caller's thread as far as the
 * socket takes it at once, and the rest on the executor. Resolving a host name blocks an executor
 * thread for as long as the system's resolver takes (the JDK has no other way). {@link #close()} stops
 * the selector threads, which drops the connections still open (their listeners hear a 1006 close)
 * and fails the connects under way.
 */
public final class WebSocketClient implements AutoCloseable {
    private final SelectorLoop[] loops;
    private final ClientOptions defaults;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConnectAttempt.Client attempts = new ConnectAttempt.Client() {
        @Override
        public SelectorLoop nextLoop() {
            return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
        }

        @Override
        public boolean closed() {
            return closed.get();
        }

        @Override
        public void redirect(URI location, ClientOptions options, WebSocketListener listener, int redirectsLeft,
                             CompletableFuture<WebSocket> result) {
            attempt(location, options, listener, redirectsLeft, result);
        }
    };

    private WebSocketClient(Builder builder) {
        this.defaults = builder.options;
        this.loops = new SelectorLoop[builder.selectorThreads];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new SelectorLoop("tether-client-selector-" + (i + 1));
        }
    }

    /**
     * A client with the default options and selector threads.
     *
     * @return a new client, its selector threads started; close it when done
     */
    public static WebSocketClient create() {
        return builder().build();
    }

    /**
     * Starts a client with other options or another number of selector threads.
     *
     * @return a builder with the defaults of {@link #create()}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects with the client's default options; otherwise as
     * {@link #connect(URI, ClientOptions, WebSocketListener)}.
     *
     * @param uri      the server's {@code ws://} or {@code wss://} URI
     * @param listener hears the socket's events once it is open
     * @return a stage that completes with the open socket, or fails with a
     *         {@link WebSocketConnectException}
     */
    public CompletionStage<WebSocket> connect(URI uri, WebSocketListener listener) {
        return connect(uri, defaults, listener);
    }

    /**
     * Connects to {@code uri} ({@code ws://} or {@code wss://}). The stage completes with the open
     * socket once the server's 101 has been checked and {@code listener} has heard
     * {@link WebSocketListener#onOpen}; it fails with a {@link WebSocketConnectException} saying
     * which step failed ({@link WebSocketHandshakeException} when the server refused the upgrade),
     * and the listener then hears nothing.
     *
     * @param uri      the server's {@code ws://} or {@code wss://} URI
     * @param options  the options of this connection (TLS, proxy, timeouts, redirects …)
     * @param listener hears the socket's events once it is open
     * @return a stage that completes with the open socket, or fails with a
     *         {@link WebSocketConnectException}
     */
    public CompletionStage<WebSocket> connect(URI uri, ClientOptions options, WebSocketListener listener) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        CompletableFuture<WebSocket> result = new CompletableFuture<>();
        attempt(uri, options, listener, options.maxRedirects(), result);
        return result;
    }

    private void attempt(URI uri, ClientOptions options, WebSocketListener listener, int redirectsLeft,
                         CompletableFuture<WebSocket> result) {
        if (closed.get()) {
            result.completeExceptionally(new WebSocketConnectException(Step.CANCELLED, "the client is closed"));
            return;
        }
        ConnectAttempt attempt;
        try {
            attempt = new ConnectAttempt(attempts, uri, options, listener, redirectsLeft, result);
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(new WebSocketConnectException(Step.SETUP, e.getMessage(), e));
            return;
        }
        attempt.start();
    }

    /** Stops the selector threads: open connections are dropped (1006), connects under way fail. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (SelectorLoop loop : loops) {
                loop.close();
            }
        }
    }

    /** How a client is made. */
    public static final class Builder {
        private int selectorThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private ClientOptions options = ClientOptions.defaults();

        private Builder() {
        }

        /**
         * Selector threads; they only watch sockets, so one or two serve many thousands. Default: 2 (1 on one core).
         *
         * @param threads the number of selector threads, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code threads} is less than 1
         */
        public Builder selectorThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("selectorThreads must be at least 1: " + threads);
            }
            this.selectorThreads = threads;
            return this;
        }

        /**
         * The options {@link #connect(URI, WebSocketListener)} uses.
         *
         * @param options the client's default connection options; default {@link ClientOptions#defaults()}
         * @return this builder
         */
        public Builder options(ClientOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Makes the client and starts its selector threads.
         *
         * @return a new client; close it when done
         */
        public WebSocketClient build() {
            return new WebSocketClient(this);
        }
    }
}
