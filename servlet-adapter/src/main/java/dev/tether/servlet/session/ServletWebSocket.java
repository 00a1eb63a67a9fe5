package dev.tether.servlet.session;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ConnectionClosedException;
import dev.tether.api.HandshakeInfo;
import dev.tether.api.OutboundOverflowException;
import dev.tether.api.ReadyState;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.Driver;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.PingTracker;
import dev.tether.driver.ProtocolException;
import dev.tether.driver.ServerHandshake;
import dev.tether.driver.WireOutput;
import dev.tether.message.BufferPool;
import dev.tether.message.MessageType;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.io.ApplicationCalls;
import dev.tether.servlet.io.InboundPump;
import dev.tether.servlet.io.OutboundQueue;
import dev.tether.servlet.io.SendStage;
import dev.tether.servlet.io.SerialEvents;
import dev.tether.servlet.upgrade.ContainerUpgrade;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A server WebSocket on an upgraded Servlet connection: the core driver behind one lock, an inbound
 * pump and an outbound queue on the container's non-blocking streams, and timers for keepalive,
 * close, idle and handshake deadlines. Listener events are collected under the lock and delivered
 * after it is released, one at a time, in order.
 */
public final class ServletWebSocket implements WebSocket {
    private static final System.Logger LOG = System.getLogger(ServletWebSocket.class.getName());

    /** Pings sent with {@link #ping} that may wait for their pongs at once. */
    private static final int PINGS_AWAITING_PONGS = 64;

    /** How a send stands to a message sent in fragments. */
    private enum Part {
        /** A whole message: waits behind a fragmented message that is being sent. */
        WHOLE,
        /** A fragment that leaves its message open. */
        MORE,
        /** The fragment that ends its message. */
        LAST
    }

    /** Fails a send's stage, by the rule that keeps chains of sends flat ({@link SendStage}). */
    private static void settle(CompletableFuture<Void> stage, Throwable error) {
        SendStage.settle(List.of(stage), error);
    }

    private final Object lock = new Object();
    private final WebSocketListener listener;
    private final BufferPool lender;
    private final WebSocketOptions options;
    private final HandshakeInfo handshake;
    private final Map<String, Object> attributes;
    private final String version;
    private final String protocol;
    private final List<String> extensions;
    private final Driver driver;
    private final SerialEvents events = new SerialEvents();
    private final OutboundQueue outbound;
    private final InboundPump inbound;
    private final ConnectionTimers timers;
    private final PingTracker pings = new PingTracker(PINGS_AWAITING_PONGS);
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong pingCounter = new AtomicLong();

    /** A send that has to wait (for the open, or for a fragmented message to end); failed if it never goes. */
    private record Deferred(CompletableFuture<Void> done, Runnable action) {
    }

    // Guarded by lock.
    private List<Deferred> sendsBeforeOpen = new ArrayList<>();
    /** Whole messages sent while a fragmented message is open, written after its last part; made when needed. */
    private ArrayDeque<Deferred> behindFragments;
    private boolean fragmentedMessageOpen;
    private volatile long bytesDeferred; // written under the lock, read without it
    private CompletableFuture<Void> completionOfNextFrame;
    private WebConnection connection;
    private boolean opened;
    private boolean closeWhenFlushed;
    private boolean transportClosed;
    private boolean drainWanted;
    private boolean heldCloseReleasing;

    private volatile boolean paused;

    /**
     * @param lender where large binary messages take their buffers, lent to the listener (which must
     *               {@link WebSocketListener#acceptsLentBuffers() accept them}); null for none
     */
    public ServletWebSocket(ServerHandshake answer, WebSocketOptions options, WebSocketListener listener,
                            HandshakeInfo handshake, Map<String, Object> attributes, BufferPool lender) {
        this.options = options;
        this.lender = lender;
        this.listener = listener;
        this.handshake = handshake;
        this.attributes = attributes;
        this.version = answer.version();
        this.protocol = answer.protocol();
        this.extensions = answer.extensions();
        this.outbound = new OutboundQueue(new OutboundQueue.Owner() {
            @Override
            public void flushed(long buffered) {
                onFlushed(buffered);
            }

            @Override
            public void writeFailed(Throwable error) {
                connectionFailed(error);
            }
        });
        this.inbound = new InboundPump(new InboundPump.Sink() {
            @Override
            public boolean wantsInput() {
                return !paused && outbound.bufferedAmount() <= options.highWaterMark();
            }

            @Override
            public void consume(ByteBuffer bytes) {
                bytesReceived.addAndGet(bytes.remaining());
                synchronized (lock) {
                    driver.parse(bytes);
                    releaseHeldCloseInTurn();
                }
                afterUnlock();
            }

            @Override
            public void endOfInput() {
                synchronized (lock) {
                    // A peer may half-close right after its Close: that close is still answered in turn.
                    if (!driver.hasHeldClose()) {
                        driver.endOfInput();
                        closeWhenFlushed = true;
                    }
                }
                afterUnlock();
            }

            @Override
            public void readFailed(Throwable error) {
                connectionFailed(error);
            }
        }, options.readBufferSize(), options.readsPerYield());
        this.driver = answer.newDriver(new Events(), this::write, lender);
        this.timers = new ConnectionTimers(this, options);
        timers.startHandshake(); // last: the timer may fire at once, on another thread, and finds the socket whole
    }

    /**
     * The container could not upgrade the connection this socket was made for: nothing more will
     * happen to it, and its timers are cancelled.
     */
    public void upgradeFailed(Throwable cause) {
        abort(new ConnectionClosedException("the upgrade failed: " + cause));
    }

    /** Called once the container hands over the upgraded connection. */
    public void start(WebConnection webConnection) {
        boolean alreadyOver;
        synchronized (lock) {
            connection = webConnection;
            alreadyOver = transportClosed;
            if (!alreadyOver) {
                driver.start();
            }
        }
        if (alreadyOver) {
            closeQuietly(webConnection);
            return;
        }
        try {
            outbound.start(webConnection.getOutputStream());
            inbound.start(webConnection.getInputStream());
        } catch (IOException | RuntimeException e) {
            connectionFailed(e);
            return;
        }
        afterUnlock();
    }

    /** The container is done with the connection (it closed, or the application is stopping). */
    public void destroyed() {
        connectionFailed(new ConnectionClosedException("the container closed the connection"));
    }

    // ---- sending

    @Override
    public CompletionStage<Void> send(String text) {
        ByteBuffer utf8 = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        return sendData(utf8.remaining(), Part.WHOLE, d -> d.textUtf8(utf8));
    }

    @Override
    public CompletionStage<Void> send(byte[] data) {
        return send(ByteBuffer.wrap(data));
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data) {
        ByteBuffer view = data.slice();
        CompletionStage<Void> sent = sendData(view.remaining(), Part.WHOLE, d -> d.binary(view));
        LentBuffer.holdWhileSending(data, sent);
        return sent;
    }

    @Override
    public CompletionStage<Void> sendPart(String text, boolean last) {
        ByteBuffer utf8 = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        return sendData(utf8.remaining(), last ? Part.LAST : Part.MORE, d -> d.fragment(MessageType.TEXT, utf8, last));
    }

    @Override
    public CompletionStage<Void> sendPart(ByteBuffer data, boolean last) {
        ByteBuffer view = data.slice();
        CompletionStage<Void> sent = sendData(view.remaining(), last ? Part.LAST : Part.MORE,
                d -> d.fragment(MessageType.BINARY, view, last));
        LentBuffer.holdWhileSending(data, sent);
        return sent;
    }

    private CompletionStage<Void> sendData(long size, Part part, Predicate<Driver> send) {
        int[] calls = ApplicationCalls.enter();
        try {
            return sendNow(size, part, send);
        } finally {
            ApplicationCalls.leave(calls);
        }
    }

    private CompletionStage<Void> sendNow(long size, Part part, Predicate<Driver> send) {
        CompletableFuture<Void> done = new SendStage<>();
        boolean accepted = false;
        synchronized (lock) {
            ReadyState state = driver.readyState();
            if (transportClosed || state == ReadyState.CLOSING || state == ReadyState.CLOSED) {
                settle(done, new ConnectionClosedException("the connection is " + state.name().toLowerCase()));
            } else if (overflows(size)) {
                settle(done, new OutboundOverflowException(
                        "sending " + size + " bytes would pass the outbound limit of " + options.outboundLimit()
                                + " bytes (" + bufferedAmount() + " queued): the peer is not reading fast enough"));
                closeOnOverflow();
            } else if (state == ReadyState.CONNECTING) {
                bytesDeferred += size;
                sendsBeforeOpen.add(new Deferred(done, () -> {
                    bytesDeferred -= size;
                    dispatch(done, size, part, send);
                }));
                accepted = true;
            } else {
                accepted = dispatch(done, size, part, send);
            }
            if (bufferedAmount() > options.highWaterMark()) {
                drainWanted = true;
            }
        }
        if (accepted) {
            timers.activity(); // a message, not a refused one
        }
        afterUnlock();
        return done;
    }

    /**
     * Under the lock, the connection open: writes a message or a part now, or, for a whole message
     * while a fragmented one is open, after that one's last part (frames of two messages never mix).
     * False when the send was refused.
     */
    private boolean dispatch(CompletableFuture<Void> done, long size, Part part, Predicate<Driver> send) {
        if (part == Part.WHOLE && fragmentedMessageOpen) {
            bytesDeferred += size;
            if (behindFragments == null) {
                behindFragments = new ArrayDeque<>(2);
            }
            behindFragments.add(new Deferred(done, () -> {
                bytesDeferred -= size;
                writeMessage(done, send);
            }));
            return true;
        }
        if (!writeMessage(done, send)) {
            return false;
        }
        if (part == Part.WHOLE) {
            return true;
        }
        fragmentedMessageOpen = part == Part.MORE;
        if (part == Part.LAST && behindFragments != null) {
            Deferred waiting;
            while ((waiting = behindFragments.poll()) != null) {
                waiting.action().run();
            }
        }
        return true;
    }

    private boolean overflows(long size) {
        long queued = bufferedAmount();
        return queued > 0 && queued + size > options.outboundLimit();
    }

    private void closeOnOverflow() {
        int code = switch (options.overflowPolicy()) {
            case FAIL_SEND -> 0;
            case CLOSE_POLICY_VIOLATION -> CloseCodes.POLICY_VIOLATION;
            case CLOSE_TRY_AGAIN_LATER -> CloseCodes.TRY_AGAIN_LATER;
        };
        if (code != 0 && driver.close(code, "outbound buffer limit exceeded")) {
            timers.closeStarted();
        }
    }

    /** Under the lock: hands one message to the driver; its frame carries {@code done}. False if it failed. */
    private boolean writeMessage(CompletableFuture<Void> done, Predicate<Driver> send) {
        completionOfNextFrame = done;
        try {
            if (send.test(driver)) {
                return true;
            }
            failAfterUnlock(done, driver.readyState() != ReadyState.OPEN
                    ? new ConnectionClosedException("the connection is " + driver.readyState().name().toLowerCase())
                    : new UnsupportedOperationException(version + " cannot carry this message"));
        } catch (RuntimeException e) {
            failAfterUnlock(done, e);
        } finally {
            completionOfNextFrame = null;
        }
        return false;
    }

    /**
     * Under the lock: fails a send's stage once the lock is released, in turn with the events. A send
     * replayed at open or behind fragments may have dependents, which must not run under the lock.
     */
    private void failAfterUnlock(CompletableFuture<Void> done, Throwable error) {
        events.add(() -> settle(done, error));
    }

    /** The driver's {@link WireOutput}, called under the lock. */
    private void write(WireOutput.Kind kind, ByteBuffer... buffers) {
        CompletableFuture<Void> done = completionOfNextFrame;
        completionOfNextFrame = null;
        outbound.add(kind, buffers, done);
    }

    @Override
    public CompletionStage<Void> ping(ByteBuffer payload) {
        int[] calls = ApplicationCalls.enter();
        try {
            return pingNow(payload);
        } finally {
            ApplicationCalls.leave(calls);
        }
    }

    private CompletionStage<Void> pingNow(ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        CompletableFuture<Void> pong;
        synchronized (lock) {
            ReadyState state = driver.readyState();
            if (state != ReadyState.OPEN || transportClosed) {
                return SendStage.failed(new ConnectionClosedException("the connection is " + state.name().toLowerCase()));
            }
            if (pings.size() >= PINGS_AWAITING_PONGS) { // refused before anything is sent
                return SendStage.failed(new IllegalStateException(PINGS_AWAITING_PONGS + " pings are already waiting for their pongs"));
            }
            if (!driver.ping(copy.duplicate())) {
                return SendStage.failed(new UnsupportedOperationException(version + " has no ping"));
            }
            pong = pings.expect(copy);
        }
        afterUnlock();
        return pong;
    }

    @Override
    public CompletionStage<Void> ping() {
        return ping(ByteBuffer.allocate(8).putLong(0, pingCounter.incrementAndGet()));
    }

    /** Queues a keepalive ping (its pong is not awaited: any sign of life will do). */
    void keepalivePing() {
        synchronized (lock) {
            if (driver.readyState() == ReadyState.OPEN) {
                driver.ping(ByteBuffer.allocate(0));
            }
        }
        afterUnlock();
    }

    // ---- closing

    @Override
    public void close(int code, String reason) {
        int[] calls = ApplicationCalls.enter();
        try {
            startClose(code, reason);
        } finally {
            ApplicationCalls.leave(calls);
        }
    }

    private void startClose(int code, String reason) {
        CloseCodes.checkSendable(code, reason);
        synchronized (lock) {
            if (driver.readyState() == ReadyState.CONNECTING) {
                sendsBeforeOpen.add(new Deferred(null, () -> {
                    if (driver.close(code, reason)) {
                        timers.closeStarted();
                    }
                }));
            } else if (driver.close(code, reason)) {
                timers.closeStarted();
            }
        }
        afterUnlock();
    }

    @Override
    public void terminate() {
        int[] calls = ApplicationCalls.enter();
        try {
            abort(new ConnectionClosedException("the connection was terminated"));
        } finally {
            ApplicationCalls.leave(calls);
        }
    }

    /** Drops the connection now: reports 1006 unless already closed, fails whatever is queued. */
    void abort(Throwable cause) {
        WebConnection toClose;
        synchronized (lock) {
            driver.endOfInput();
            toClose = markTransportClosed();
        }
        outbound.abort(cause);
        closeQuietly(toClose);
        afterUnlock();
    }

    private void connectionFailed(Throwable error) {
        synchronized (lock) {
            if (opened && !transportClosed && driver.readyState() != ReadyState.CLOSED) {
                events.add(() -> deliver(() -> listener.onError(this, error)));
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "connection failed", error);
        abort(error instanceof ConnectionClosedException ? error : new ConnectionClosedException("the connection failed: " + error));
    }

    /** Under the lock: no more I/O; returns the connection to close (outside the lock), or null. */
    private WebConnection markTransportClosed() {
        if (transportClosed) {
            return null;
        }
        transportClosed = true;
        timers.cancelAll();
        return connection;
    }

    private void onFlushed(long buffered) {
        WebConnection toClose = null;
        boolean resumeReading = false;
        synchronized (lock) {
            if (buffered == 0 && closeWhenFlushed && outbound.allWritten()) {
                toClose = markTransportClosed();
            }
            if (drainWanted && bufferedAmount() <= options.highWaterMark() / 2) { // messages waiting behind fragments too
                drainWanted = false;
                events.add(() -> deliver(() -> listener.onDrain(this)));
            }
            resumeReading = buffered <= options.highWaterMark() && !transportClosed;
        }
        if (toClose != null) {
            ContainerUpgrade.close(toClose); // everything is out: nothing to cut short
        }
        deliverEvents();
        if (resumeReading) {
            inbound.pump();
        }
    }

    /**
     * Under the lock, after parsing: a Close (or violation) the driver holds is answered once the
     * events before it have been delivered, so that replies to the peer's last messages go out
     * first; the close timeout bounds the wait.
     */
    private void releaseHeldCloseInTurn() {
        if (driver.hasHeldClose() && !heldCloseReleasing) {
            heldCloseReleasing = true;
            timers.closeStarted();
            events.add(() -> {
                try {
                    synchronized (lock) {
                        driver.releaseHeldClose();
                    }
                } catch (RuntimeException e) { // an extension failing to close: events must go on
                    LOG.log(System.Logger.Level.WARNING, "answering the peer's close failed", e);
                    abort(e);
                    return;
                }
                outbound.flush();
            });
        }
    }

    /** After every lock section: write what was queued, then deliver what happened. */
    private void afterUnlock() {
        outbound.flush();
        deliverEvents();
    }

    /**
     * Delivers queued events here, or, inside an application's call, on the common pool (still one
     * at a time and in order): never in the middle of the application's own code. A send made by a
     * listener while this thread delivers events hands nothing over: the loop it was called from
     * goes on with the next event once the listener returns.
     */
    private void deliverEvents() {
        if (!ApplicationCalls.inside()) {
            events.drain();
        } else {
            events.drainOn(ForkJoinPool.commonPool()); // or left to the thread draining now
        }
    }

    /** Drops the connection at once (abort, timeouts, failures): what is still queued is lost. */
    private static void closeQuietly(WebConnection c) {
        if (c != null) {
            ContainerUpgrade.closeNow(c);
        }
    }

    // ---- flow control and state

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
        int[] calls = ApplicationCalls.enter();
        try {
            inbound.pump();
        } finally {
            ApplicationCalls.leave(calls);
        }
    }

    @Override
    public ReadyState readyState() {
        synchronized (lock) {
            return driver.readyState();
        }
    }

    @Override
    public long bufferedAmount() {
        return outbound.bufferedAmount() + bytesDeferred;
    }

    @Override
    public boolean isWritable() {
        return bufferedAmount() <= options.highWaterMark();
    }

    @Override
    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** Bytes written to the connection so far. */
    long bytesSent() {
        return outbound.bytesWritten();
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public List<String> extensions() {
        return extensions;
    }

    @Override
    public HandshakeInfo handshake() {
        return handshake;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public CompletionStage<CloseStatus> closed() {
        return closed.minimalCompletionStage();
    }

    boolean isOpen() {
        synchronized (lock) {
            return driver.readyState() == ReadyState.OPEN;
        }
    }

    boolean isClosed() {
        synchronized (lock) {
            return driver.readyState() == ReadyState.CLOSED;
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + version + " " + handshake.uri() + " from " + handshake.remoteAddress() + ", " + readyState() + "]";
    }

    /** Runs a listener method; a listener that throws is reported and its connection closed with 1011. */
    private void deliver(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "WebSocket listener failed; closing with 1011", e);
            try {
                listener.onError(this, e);
            } catch (RuntimeException | Error again) {
                LOG.log(System.Logger.Level.WARNING, "WebSocket listener's onError failed too", again);
            }
            if (!isClosed()) {
                close(CloseCodes.INTERNAL_ERROR, "internal error");
            }
        }
    }

    /** The driver's events, called under the lock: queued, delivered after it. */
    private final class Events implements DriverEvents {
        @Override
        public boolean deliversLater() {
            return true;
        }

        @Override
        public void onOpen() {
            opened = true;
            List<Deferred> queued = sendsBeforeOpen;
            sendsBeforeOpen = null;
            queued.forEach(d -> d.action().run());
            timers.opened(ServletWebSocket.this.version.startsWith("hybi"));
            events.add(() -> deliver(() -> listener.onOpen(ServletWebSocket.this)));
        }

        @Override
        public void onText(String text) {
            timers.activity();
            events.add(() -> deliver(() -> listener.onText(ServletWebSocket.this, text)));
        }

        @Override
        public void onBinary(ByteBuffer data) {
            timers.activity();
            if (lender == null || data.capacity() < BufferPool.SMALLEST) { // small ones are never lent
                events.add(() -> deliver(() -> listener.onBinary(ServletWebSocket.this, data)));
            } else {
                events.add(() -> LentBuffer.lend(data, lender, () -> deliver(() -> listener.onBinary(ServletWebSocket.this, data))));
            }
        }

        @Override
        public void onPing(ByteBuffer payload) {
            events.add(() -> deliver(() -> listener.onPing(ServletWebSocket.this, payload)));
        }

        @Override
        public void onPong(ByteBuffer payload) {
            CompletableFuture<Void> answered = pings.acknowledge(payload);
            events.add(() -> {
                if (answered != null) {
                    answered.complete(null);
                }
                deliver(() -> listener.onPong(ServletWebSocket.this, payload));
            });
        }

        @Override
        public void onError(ProtocolException error) {
            events.add(() -> deliver(() -> listener.onError(ServletWebSocket.this, error)));
        }

        @Override
        public void onClose(CloseStatus status) {
            List<CompletableFuture<Void>> unanswered = pings.drain();
            List<Deferred> neverSent = new ArrayList<>();
            if (sendsBeforeOpen != null) {
                neverSent.addAll(sendsBeforeOpen);
            }
            if (behindFragments != null) {
                neverSent.addAll(behindFragments);
                behindFragments.clear();
            }
            sendsBeforeOpen = null;
            bytesDeferred = 0;
            closeWhenFlushed = true;
            timers.closed();
            boolean wasOpen = opened; // a connection that never opened reports nothing to its listener
            ConnectionClosedException cause = new ConnectionClosedException("the connection closed (" + status.code() + ")");
            events.add(() -> {
                unanswered.forEach(f -> f.completeExceptionally(cause));
                neverSent.stream().map(Deferred::done).filter(f -> f != null).forEach(f -> f.completeExceptionally(cause));
                if (wasOpen) {
                    deliver(() -> listener.onClose(ServletWebSocket.this, status));
                }
                closed.complete(status);
            });
        }
    }
}
