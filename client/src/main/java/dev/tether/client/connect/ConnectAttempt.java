package dev.tether.client.connect;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.client.ClientOptions;
import dev.tether.client.ProxyOptions;
import dev.tether.client.TlsOptions;
import dev.tether.client.WebSocketConnectException;
import dev.tether.client.WebSocketConnectException.Step;
import dev.tether.client.WebSocketHandshakeException;
import dev.tether.client.nio.SelectorLoop;
import dev.tether.client.nio.SocketTransport;
import dev.tether.client.proxy.ProxyConnect;
import dev.tether.driver.handshake.HandshakeException;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.driver.handshake.HttpResponseHead;
import dev.tether.handshake.ClientHandshake;
import dev.tether.message.BufferPool;
import dev.tether.runtime.ConnectionOptions;
import dev.tether.runtime.Transport;
import dev.tether.runtime.connection.WebSocketConnection;
import dev.tether.runtime.io.Timers;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connect, step by step: resolve the first hop's name, connect TCP, TLS to an HTTPS proxy, the
 * proxy's CONNECT tunnel, TLS to the server, the upgrade, and the open connection on the runtime.
 * Each failure says which step failed ({@link Step}). The connect timeout covers resolving and
 * connecting; the handshake timeout everything after, up to the 101.
 *
 * <p>Steps run on the executor; the selector only reports the TCP connect ({@link TcpConnect}).
 */
public final class ConnectAttempt implements Transport.Inbound {
    private enum Phase {
        CONNECTING("connecting", Step.CONNECT),
        PROXY_TLS("the TLS handshake with the proxy", Step.TLS),
        PROXY("the proxy's CONNECT", Step.PROXY),
        TLS("the TLS handshake", Step.TLS),
        UPGRADE("the upgrade", Step.HANDSHAKE),
        DONE("", Step.CANCELLED);

        final String doing;
        final Step step;

        Phase(String doing, Step step) {
            this.doing = doing;
            this.step = step;
        }
    }

    /** What an attempt needs from its client: a selector, and another attempt for a redirect. */
    public interface Client {
        SelectorLoop nextLoop();

        /** Whether the client has been closed: what breaks a connect then is the closing. */
        boolean closed();

        /** Connects again, to where a redirect points, with the redirects left; the result goes to the same stage. */
        void redirect(URI location, ClientOptions options, WebSocketListener listener, int redirectsLeft,
                      CompletableFuture<WebSocket> result);
    }

    private final Client client;
    private final URI uri;
    private final ClientOptions options;
    private final ConnectionOptions connection;
    private final WebSocketListener listener;
    private final int redirectsLeft;
    private final CompletableFuture<WebSocket> result;
    private final ClientHandshake handshake;
    private final String host;
    private final int port;
    private final boolean secure;
    private final AtomicBoolean over = new AtomicBoolean();

    private volatile Phase phase = Phase.CONNECTING;
    private volatile ProxyOptions proxy;
    private volatile TcpConnect tcp;
    private volatile SocketTransport transport;
    private volatile ScheduledFuture<?> deadline;
    /** Whether the current step waits for bytes from the peer. */
    private volatile boolean awaiting;
    private ProxyConnect tunnel;
    private final UpgradeAnswer answer = new UpgradeAnswer();

    /**
     * @throws IllegalArgumentException the URI or the options cannot make a request (the caller fails the stage so)
     */
    public ConnectAttempt(Client client, URI uri, ClientOptions options, WebSocketListener listener, int redirectsLeft,
                          CompletableFuture<WebSocket> result) {
        this.client = client;
        this.uri = uri;
        this.options = options;
        this.connection = options.connection();
        this.listener = listener;
        this.redirectsLeft = redirectsLeft;
        this.result = result;
        this.handshake = new ClientHandshake(uri, options.driverOptions(), options.protocolVersion(), MaskKeys.random());
        this.host = uri.getHost();
        this.secure = uri.getScheme().equalsIgnoreCase("wss");
        this.port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
    }

    /** Starts the connect; its outcome completes the stage given. */
    public void start() {
        try {
            proxy = options.proxy().resolveFor(uri);
        } catch (WebSocketConnectException e) {
            fail(e);
            return;
        }
        Duration limit = options.connectTimeout();
        try {
            deadline = schedule(limit, () -> fail(timeout("could not connect to " + firstHop() + " within " + seconds(limit))));
        } catch (RejectedExecutionException e) {
            fail(new WebSocketConnectException(Step.SETUP, "the connection options' scheduler takes no more tasks", e));
            return;
        }
        tcp = new TcpConnect(proxy.isDirect() ? host : proxy.host(), proxy.isDirect() ? port : proxy.port(), firstHop(),
                client::nextLoop, this::execute, new TcpConnect.Outcome() {
                    @Override
                    public void connected(SocketChannel channel, SelectionKey key, SelectorLoop loop) {
                        ConnectAttempt.this.connected(channel, key, loop);
                    }

                    @Override
                    public void failed(WebSocketConnectException error) {
                        fail(error);
                    }

                    @Override
                    public boolean over() {
                        return over.get();
                    }
                });
        tcp.start();
    }

    /** The host (as named) and port connected to: the server's, or the proxy's. */
    private String hopName() {
        return proxy.isDirect() ? host + ":" + port : proxy.host() + ":" + proxy.port();
    }

    private String firstHop() {
        return proxy.isDirect() ? host + ":" + port : "the proxy " + proxy.host() + ":" + proxy.port();
    }

    // ---- connected

    /** TCP is up: the handshake's deadline starts, and the steps over the socket begin. */
    private void connected(SocketChannel channel, SelectionKey key, SelectorLoop loop) {
        cancelDeadline();
        Duration limit = connection.handshakeTimeout();
        try {
            deadline = schedule(limit, this::handshakeTimedOut);
            SocketTransport socket = new SocketTransport(channel, key, loop, connection.executor(), connection.scheduler(),
                    connection.readBufferSize(), options.readsPerDispatch(), connection.closeTimeout());
            transport = socket;
            socket.start(this);
        } catch (RuntimeException e) { // a scheduler or executor that no longer takes tasks
            fail(new WebSocketConnectException(Step.SETUP, "could not start the handshake with " + hopName() + ": " + e, e));
            return;
        }
        if (proxy.isDirect()) {
            afterTunnel();
        } else if (proxy.secure()) {
            startTls(Phase.PROXY_TLS, proxy.tls(), proxy.host(), proxy.port(), this::openTunnel);
        } else {
            openTunnel();
        }
    }

    private void handshakeTimedOut() {
        HttpResponseHead refusal = answer.head();
        if (refusal != null && refusal.status() != 101 && over.compareAndSet(false, true)) {
            refused(refusal); // a refusal whose body never ended: reported with what came
            return;
        }
        fail(timeout(phase.doing + " with " + hopName() + " did not complete within " + seconds(connection.handshakeTimeout())));
    }

    // ---- the proxy's tunnel, TLS, the upgrade

    private void openTunnel() {
        try {
            tunnel = new ProxyConnect(host, port, proxy);
        } catch (IllegalArgumentException e) {
            fail(new WebSocketConnectException(Step.SETUP, e.getMessage(), e));
            return;
        }
        send(Phase.PROXY, tunnel.requestHead());
    }

    private void afterTunnel() {
        if (secure) {
            TlsOptions tls = options.tls() != null ? options.tls() : TlsOptions.defaults();
            startTls(Phase.TLS, tls, host, port, this::upgrade);
        } else {
            upgrade();
        }
    }

    private void startTls(Phase tlsPhase, TlsOptions tls, String peerHost, int peerPort, Runnable then) {
        phase = tlsPhase;
        String peer = peerHost + ":" + peerPort;
        try {
            transport.startTls(tls.newEngine(TcpConnect.unbracketed(peerHost), peerPort)).whenComplete((done, error) -> {
                if (error == null) {
                    then.run();
                } else if (!(rootCause(error) instanceof java.nio.channels.ClosedChannelException)) {
                    // (a closed connection is reported by onEndOfInput or onFailure, which say more)
                    fail(new WebSocketConnectException(Step.TLS, "the TLS handshake with " + (tlsPhase == Phase.PROXY_TLS
                            ? "the proxy " : "") + peer + " failed: " + rootMessage(error), error));
                }
            });
        } catch (RuntimeException e) {
            fail(new WebSocketConnectException(Step.TLS, "could not start TLS with " + peer + ": " + e.getMessage(), e));
        }
    }

    private void upgrade() {
        send(Phase.UPGRADE, handshake.requestHead());
    }

    /** Writes a request and waits for its answer, which {@link #onInput} reads. */
    private void send(Phase next, byte[] request) {
        phase = next;
        awaiting = true;
        transport.write(new ByteBuffer[] {ByteBuffer.wrap(request)}, new Transport.WriteCallback() {
            @Override
            public void written() {
                // the answer comes through onInput
            }

            @Override
            public void failed(Throwable error) {
                onFailure(error);
            }
        });
        transport.demand();
    }

    @Override
    public boolean wantsInput() {
        return awaiting;
    }

    @Override
    public void onInput(ByteBuffer bytes) {
        try {
            if (phase == Phase.PROXY) {
                HttpResponseHead head = tunnel.parse(bytes);
                if (head != null) {
                    awaiting = false;
                    if (bytes.hasRemaining()) { // nobody behind the tunnel has been spoken to yet
                        fail(new WebSocketConnectException(Step.PROXY, "the proxy " + hopName()
                                + " sent bytes after its " + head.status() + " before the tunnel was used"));
                        return;
                    }
                    execute(this::afterTunnel);
                }
            } else if (phase == Phase.UPGRADE && answer.take(bytes)) {
                awaiting = false;
                if (over.compareAndSet(false, true)) { // from here, this thread alone finishes the attempt
                    answered(bytes);
                }
            }
        } catch (WebSocketConnectException e) {
            fail(e);
        } catch (HandshakeException e) {
            fail(new WebSocketConnectException(Step.HANDSHAKE, "the server's answer to the upgrade is malformed: "
                    + e.getMessage(), e));
        } finally {
            bytes.position(bytes.limit()); // whatever is left was put back, or is of no use
        }
    }

    private void answered(ByteBuffer rest) {
        HttpResponseHead head = answer.head();
        if (head.status() != 101) {
            refused(head);
            return;
        }
        try {
            handshake.validate(head);
        } catch (HandshakeException e) {
            finishFailed(new WebSocketHandshakeException("the server's 101 fails the handshake: " + e.getMessage(), 101,
                    headerMap(head.headers()), ""));
            return;
        }
        transport.pushBack(rest);
        open(head);
    }

    private void refused(HttpResponseHead head) {
        String location = head.headers().first("Location");
        Redirect redirect = Redirect.of(uri, head.status(), location, options, redirectsLeft);
        if (redirect != null) {
            phase = Phase.DONE;
            cancelDeadline();
            transport.abort();
            execute(() -> {
                handshake.abandon();
                client.redirect(redirect.target(), redirect.options(), listener, redirectsLeft - 1, result);
            });
            return;
        }
        String body = answer.bodyStart();
        finishFailed(new WebSocketHandshakeException("the server refused the upgrade to " + uri + ": " + head.status()
                + (head.reason().isEmpty() ? "" : " " + head.reason())
                + (location != null ? " (Location: " + location + (options.maxRedirects() == 0
                        ? "; redirects are not followed unless maxRedirects is set" : "") + ")" : "")
                + (body.isBlank() ? "" : ": " + abbreviated(body)), head.status(), headerMap(head.headers()), body));
    }

    private void open(HttpResponseHead head) {
        phase = Phase.DONE;
        cancelDeadline();
        SocketTransport socket = transport;
        WebSocketConnection socketConnection;
        try {
            BufferPool lender = listener.acceptsLentBuffers() ? connection.lentBuffers(socket.writesDirectBuffers()) : null;
            MaskKeys masks = new MaskKeys();
            socketConnection = new WebSocketConnection((events, out) -> handshake.newDriver(masks, events, out, lender),
                    connection, listener, handshake.info(head, socket.remoteAddress()), null, lender);
        } catch (RuntimeException | Error e) { // the listener's acceptsLentBuffers, an extension …
            finishFailed(new WebSocketConnectException(Step.HANDSHAKE, "could not open the connection to " + uri + ": " + e, e));
            return;
        }
        socketConnection.start(socket); // the listener hears onOpen in here
        // Not on this reading thread: a dependent that waits for a reply would stop the reading it waits for.
        execute(() -> result.complete(socketConnection));
    }

    @Override
    public void onEndOfInput() {
        if (phase == Phase.UPGRADE && answer.head() != null) {
            if (over.compareAndSet(false, true)) {
                refused(answer.head()); // a refusal whose body ended early: reported with what came
            }
            return;
        }
        fail(switch (phase) {
            case PROXY -> new WebSocketConnectException(Step.PROXY, "the proxy " + hopName() + " closed the connection before answering CONNECT");
            case PROXY_TLS, TLS -> new WebSocketConnectException(Step.TLS, hopName() + " closed the connection during the TLS handshake");
            case UPGRADE -> new WebSocketConnectException(Step.HANDSHAKE, hopName() + " closed the connection before answering the upgrade");
            default -> new WebSocketConnectException(phase.step, "the connection to " + hopName() + " ended during " + phase.doing);
        });
    }

    @Override
    public void onFailure(Throwable error) {
        if (client.closed()) {
            fail(new WebSocketConnectException(Step.CANCELLED, "the client was closed while connecting", error));
            return;
        }
        // Under TLS 1.3 the server refuses a client certificate after our handshake is done: still a TLS failure.
        if (error instanceof javax.net.ssl.SSLException) {
            fail(new WebSocketConnectException(Step.TLS, "the TLS session with " + hopName() + " failed during " + phase.doing
                    + ": " + rootMessage(error), error));
            return;
        }
        fail(new WebSocketConnectException(phase.step, phase.doing + " with " + hopName() + " failed: " + rootMessage(error), error));
    }

    // ---- the outcome

    /** Fails the attempt, unless it is already over (the first outcome wins). */
    private void fail(WebSocketConnectException error) {
        if (over.compareAndSet(false, true)) {
            finishFailed(error);
        }
    }

    /** Fails the attempt its caller has claimed: the socket closes, the stage fails off the caller's thread. */
    private void finishFailed(WebSocketConnectException error) {
        phase = Phase.DONE;
        cancelDeadline();
        SocketTransport socket = transport;
        if (socket != null) {
            socket.abort();
        } else {
            closeQuietly();
        }
        // Extensions' and the stage's dependents' code: never on a selector or a reading thread.
        execute(() -> {
            handshake.abandon();
            result.completeExceptionally(error);
        });
    }

    private WebSocketConnectException timeout(String message) {
        return new WebSocketConnectException(Step.TIMEOUT, message);
    }

    private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return connection.scheduler().schedule(() -> execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelDeadline() {
        Timers.cancel(connection.scheduler(), deadline);
    }

    private void execute(Runnable task) {
        try {
            connection.executor().execute(task);
        } catch (RejectedExecutionException e) { // the application's executor is shut down: nowhere else to run it
            task.run();
        }
    }

    /** {@code 3 s}, {@code 250 ms}: a duration as a person writes it. */
    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private void closeQuietly() {
        TcpConnect connecting = tcp;
        if (connecting != null) {
            connecting.close();
        }
    }

    static Map<String, List<String>> headerMap(HttpHeaders headers) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String name : headers.names()) {
            map.put(name, headers.all(name));
        }
        return Collections.unmodifiableMap(map);
    }

    private static String abbreviated(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        return line.length() <= 200 ? line : line.substring(0, 200) + "…";
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
