package dev.tether.runtime.connection;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ConnectionClosedException;
import dev.tether.api.HandshakeInfo;
import dev.tether.api.ReadyState;
import dev.tether.api.SendOption;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.Driver;
import dev.tether.driver.PingTracker;
import dev.tether.message.BufferPool;
import dev.tether.message.MessageType;
import dev.tether.runtime.ConnectionOptions;
import dev.tether.runtime.Transport;
import dev.tether.runtime.connection.PendingSends.Part;
import dev.tether.runtime.io.ApplicationCalls;
import dev.tether.runtime.io.Handoff;
import dev.tether.runtime.io.MessageInput;
import dev.tether.runtime.io.OutboundQueue;
import dev.tether.runtime.io.SendStage;
import dev.tether.runtime.io.SerialEvents;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A WebSocket connection, server's or client's: the core driver behind one lock, an outbound queue
 * and input on demand over a {@link Transport}, and timers for keepalive, close, idle and handshake
 * deadlines. Listener events are collected under the lock and delivered after it is released, one
 * at a time, in order. Sends made before the connection opens wait in one queue here.
 *
 * <p>Made when the handshake is under way (state {@code CONNECTING}, its deadline running), it
 * starts on its transport with {@link #start}; if the transport never comes, {@link #startFailed}.
 */
public final class WebSocketConnection implements WebSocket {
    private static final VarHandle CLOSED;
    private static final VarHandle ATTRIBUTES;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(WebSocketConnection.class, "closed", CompletableFuture.class);
            ATTRIBUTES = MethodHandles.lookup().findVarHandle(WebSocketConnection.class, "attributes", Map.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());

    final WebSocketListener listener;
    final BufferPool lender;
    final ConnectionOptions options;
    private final HandshakeInfo handshake;
    /** Made on first use when none was given: written once, by compare-and-set, without the lock. */
    private volatile Map<String, Object> attributes;
    private final Driver driver;
    /**
     * An event that throws past {@link #deliver} (an Error in the listener's error path) ends the
     * connection there: its driver events are told ({@link ConnectionEvents#eventFailed}).
     */
    final SerialEvents events;
    final OutboundQueue outbound;
    final ConnectionTimers timers;
    /** The pings awaiting their pongs; guarded by lock, made with the first ping (see {@link #pings()}). */
    private PingTracker pings;
    /**
     * What {@link #closed()} returns, made when first asked for. Without the lock: application code
     * may ask while holding a lock of its own that code running under the connection's lock waits for.
     */
    private volatile CompletableFuture<CloseStatus> closed;
    /** How the connection closed, once it has. */
    private volatile CloseStatus closeStatus;
    final PendingSends pending = new PendingSends();
    /**
     * The connection's lock: its pending sends, an object of this package that is never handed out,
     * so that nothing else synchronizes on it (one object fewer per connection than a lock of its own).
     */
    final Object lock = pending;
    private final TransportSide transportSide = new TransportSide(this);
    private final MessageSender sender;
    /** Written under lock (by the reading thread), read without it. */
    private volatile long bytesReceived;
    // Guarded by lock.
    private long pingCounter;

    // Guarded by lock.
    Transport transport;
    boolean opened;
    boolean closeWhenFlushed;
    boolean transportClosed;
    boolean drainWanted;
    boolean heldCloseReleasing;

    volatile boolean paused;
    /** The input of the message being received as a stream, from its first fragment to its last. */
    volatile MessageInput streamFed;
    /** The input whose reading call runs, from its start to its return. */
    volatile MessageInput streamBeingRead;
    /** Ping and pong events queued while a stream's reader runs; guarded by lock, reset when it returns. */
    int controlEventsBehindStream;

    /**
     * A connection in state {@code CONNECTING}, its handshake deadline running; it reads and writes
     * nothing until {@link #start}.
     *
     * @param drivers makes the connection's driver, wired to its events and its outbound queue
     * @param options the connection's limits, deadlines, outbound queue settings and threads
     * @param listener told the connection's events
     * @param handshake the opening handshake, as {@link #handshake()} returns it
     * @param attributes the map {@link #attributes()} returns, kept as given: it must be thread-safe
     *               and modifiable (it may hold what the handshake hook attached); null for a
     *               {@link ConcurrentHashMap} made when first asked for (most connections never ask)
     * @param lender where large binary messages take their buffers, lent to the listener (which must
     *               {@link WebSocketListener#acceptsLentBuffers() accept them}); null for none
     */
    public WebSocketConnection(DriverFactory drivers, ConnectionOptions options, WebSocketListener listener,
                               HandshakeInfo handshake, Map<String, Object> attributes, BufferPool lender) {
        this.options = options;
        this.lender = lender;
        this.listener = listener;
        this.handshake = handshake;
        this.attributes = attributes;
        ConnectionEvents driverEvents = new ConnectionEvents(this);
        this.events = new SerialEvents(driverEvents);
        this.outbound = new OutboundQueue(transportSide, options.executor());
        this.sender = new MessageSender(this);
        this.driver = drivers.create(driverEvents, sender);
        this.timers = new ConnectionTimers(this);
        try {
            timers.startHandshake(); // last: the timer may fire at once, on another thread, and finds the connection whole
        } catch (RuntimeException | Error e) {
            driver.endOfInput(); // no connection will end it: its extensions' sessions close now
            throw e;
        }
    }

    /**
     * The transport this connection was made for never came (the upgrade failed): its timers stop.
     *
     * @param cause why the transport never came, named in the exception the connection is aborted with
     */
    public void startFailed(Throwable cause) {
        abort(new ConnectionClosedException("the connection could not start: " + cause));
    }

    /**
     * Starts the protocol on {@code transport}: output is written to it and input read from it.
     *
     * @param transport the connection's byte stream; aborted at once if the connection is already over
     */
    public void start(Transport transport) {
        boolean alreadyOver;
        synchronized (lock) {
            this.transport = transport;
            alreadyOver = transportClosed;
            if (!alreadyOver) {
                driver.start();
            }
        }
        if (alreadyOver) {
            transport.abort();
            return;
        }
        try {
            transport.start(transportSide); // its listeners are set before anything is written
        } catch (RuntimeException e) {
            transportSide.onFailure(e);
            return;
        }
        boolean abortedMeanwhile;
        synchronized (lock) {
            abortedMeanwhile = transportClosed; // its abort() may have come before start(): again, now
        }
        if (abortedMeanwhile) {
            transport.abort();
            return;
        }
        outbound.start(transport);
        afterUnlock();
    }

    Driver driver() {
        return driver;
    }

    /** Under the lock: the ping tracker, made now if no ping was sent before. */
    PingTracker pings() {
        if (pings == null) {
            pings = new PingTracker(MessageSender.PINGS_AWAITING_PONGS);
        }
        return pings;
    }

    /** Under the lock: the ping tracker, or null if no ping was ever sent (a pong then answers nothing). */
    PingTracker pingsIfAny() {
        return pings;
    }

    // ---- sending

    @Override
    public CompletionStage<Void> send(String text) {
        return sendText(text, true);
    }

    @Override
    public CompletionStage<Void> send(byte[] data) {
        return send(ByteBuffer.wrap(data));
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data) {
        return sendBinary(data, true);
    }

    @Override
    public CompletionStage<Void> send(String text, SendOption option) {
        return sendText(text, compressible(option));
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data, SendOption option) {
        return sendBinary(data, compressible(option));
    }

    private static boolean compressible(SendOption option) {
        return switch (option) {
            case NO_COMPRESSION -> false;
        };
    }

    private CompletionStage<Void> sendText(String text, boolean compressible) {
        ByteBuffer utf8 = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        return sendData(utf8.remaining(), Part.WHOLE,
                compressible ? d -> d.textUtf8(utf8) : d -> d.uncompressed(MessageType.TEXT, utf8));
    }

    private CompletionStage<Void> sendBinary(ByteBuffer data, boolean compressible) {
        ByteBuffer view = data.slice();
        CompletionStage<Void> sent = sendData(view.remaining(), Part.WHOLE,
                compressible ? d -> d.binary(view) : d -> d.uncompressed(MessageType.BINARY, view));
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
            return sender.send(size, part, send);
        } finally {
            ApplicationCalls.leave(calls);
        }
    }

    @Override
    public CompletionStage<Void> ping(ByteBuffer payload) {
        int[] calls = ApplicationCalls.enter();
        try {
            return sender.ping(payload);
        } finally {
            ApplicationCalls.leave(calls);
        }
    }

    @Override
    public CompletionStage<Void> ping() {
        return ping(ByteBuffer.allocate(8).putLong(0, nextPingNumber()));
    }

    private long nextPingNumber() {
        synchronized (lock) {
            return ++pingCounter;
        }
    }

    @Override
    public CompletionStage<Void> pong(ByteBuffer payload) {
        int[] calls = ApplicationCalls.enter();
        try {
            return sender.pong(payload);
        } finally {
            ApplicationCalls.leave(calls);
        }
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
            if (pending.beforeOpen()) {
                pending.addCloseBeforeOpen(() -> {
                    if (driver.close(code, reason)) {
                        timers.closeStarted();
                    }
                });
            } else if (driver.close(code, reason)) {
                timers.closeStarted();
            }
        }
        outbound.flushBatchNow(); // the Close frame goes now, even from a listener inside a read's batch
        deliverEvents();
    }

    @Override
    public void terminate() {
        int[] calls = ApplicationCalls.enter();
        try {
            outbound.flushBatchNow(); // what this thread sent before is written, as it would be outside a batch
            abort(new ConnectionClosedException("the connection was terminated"));
        } finally {
            ApplicationCalls.leave(calls);
        }
    }

    /**
     * Drops the connection now: reports 1006 unless already closed, fails whatever is queued. The
     * transport is dropped first: the sends failed after it may return lent buffers to their pool,
     * which the transport must no longer be writing from.
     */
    void abort(Throwable cause) {
        Transport toDrop;
        synchronized (lock) {
            driver.endOfInput();
            toDrop = markTransportClosed();
        }
        if (toDrop != null) {
            toDrop.abort();
        }
        outbound.abort(cause);
        afterUnlock();
    }

    /** Under the lock: no more I/O; returns the transport to close (outside the lock), or null. */
    Transport markTransportClosed() {
        if (transportClosed) {
            return null;
        }
        transportClosed = true;
        timers.cancelAll();
        return transport;
    }

    /** After every lock section: write what was queued, then deliver what happened. */
    void afterUnlock() {
        outbound.flush();
        deliverEvents();
    }

    /**
     * Delivers queued events here, or, inside an application's call, on the executor (still one at a
     * time and in order): never in the middle of the application's own code. A send made by a
     * listener while this thread delivers events hands nothing over: the loop it was called from
     * goes on with the next event once the listener returns.
     */
    void deliverEvents() {
        if (!ApplicationCalls.inside()) {
            events.drain();
        } else {
            events.drainOn(options.executor()); // or left to the thread draining now
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
        demandInput();
    }

    /**
     * Asks the transport to read again, if it still can: something that held reading back let go.
     * Never on the calling thread, which is the application's (a {@code resume()}, a stream's reader
     * making room, a listener): the transport may read at once, and what it read would be delivered
     * inside the application's call, or, if this thread is delivering this connection's events
     * further up its stack, not until those return, while reading went on and the events piled up.
     */
    void demandInput() {
        Transport t = transportIfOpen();
        if (t != null) {
            Handoff.execute(options.executor(), t::demand);
        }
    }

    /**
     * As {@link #demandInput()}, but on this thread when that is safe: a stream's reader (making
     * room, or returning) or a transport's thread, which deliver no events meanwhile; unless it is
     * inside a call to a connection, delivering this connection's events after all, or inside the
     * transport's own input call.
     */
    void demandInputHere() {
        if (ApplicationCalls.inside() || events.drainingHere() || transportSide.readingHere()) {
            demandInput(); // not inside a listener's call, the events' drain or the transport's own input call
            return;
        }
        Transport t = transportIfOpen();
        if (t != null) {
            t.demand();
        }
    }

    private Transport transportIfOpen() {
        synchronized (lock) {
            return transportClosed ? null : transport;
        }
    }

    /**
     * Whether this end holds reading back (paused, a streamed message's reader behind or still
     * running): the peer's silence meanwhile is not its own, and the keepalive does not count it.
     */
    boolean readingHeldBack() {
        MessageInput fed = streamFed;
        MessageInput read = streamBeingRead;
        return paused || (fed != null && fed.isFull()) || (read != null && read != fed);
    }

    @Override
    public ReadyState readyState() {
        synchronized (lock) {
            return driver.readyState();
        }
    }

    @Override
    public long bufferedAmount() {
        return outbound.bufferedAmount() + pending.bytes();
    }

    @Override
    public boolean isWritable() {
        return bufferedAmount() <= options.highWaterMark();
    }

    @Override
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Counts bytes read from the transport; under lock. */
    void received(int bytes) {
        bytesReceived += bytes;
    }

    /** Bytes written to the transport so far. */
    long bytesSent() {
        return outbound.bytesWritten();
    }

    @Override
    public String protocol() {
        synchronized (lock) { // a client's driver learns it from the response, on the reading thread
            return driver.protocol();
        }
    }

    @Override
    public String version() {
        return driver.version();
    }

    @Override
    public List<String> extensions() {
        synchronized (lock) {
            return driver.extensions();
        }
    }

    @Override
    public HandshakeInfo handshake() {
        return handshake;
    }

    @Override
    @SuppressWarnings("unchecked") // the field's own type
    public Map<String, Object> attributes() {
        Map<String, Object> map = attributes;
        if (map == null) { // without the lock, as closed(): the caller may hold a lock that code under it waits for
            Map<String, Object> made = new ConcurrentHashMap<>();
            Map<String, Object> other = (Map<String, Object>) ATTRIBUTES.compareAndExchange(this, null, made);
            map = other != null ? other : made;
        }
        return map;
    }

    @Override
    @SuppressWarnings("unchecked") // the field's own type
    public CompletionStage<CloseStatus> closed() {
        CompletableFuture<CloseStatus> future = closed;
        if (future == null) {
            CompletableFuture<CloseStatus> made = new CompletableFuture<>();
            CompletableFuture<CloseStatus> other = (CompletableFuture<CloseStatus>) CLOSED.compareAndExchange(this, null, made);
            if (other == null) {
                // The maker and closedWith each write their field, then read the other's: whichever comes
                // second completes it. Only the maker: a later caller would run others' callbacks on its thread.
                CloseStatus status = closeStatus;
                if (status != null) {
                    made.complete(status);
                }
                return made.minimalCompletionStage();
            }
            future = other;
        }
        return future.minimalCompletionStage();
    }

    /** The connection has closed with {@code status}: {@link #closed()} completes; outside the lock. */
    void closedWith(CloseStatus status) {
        closeStatus = status;
        CompletableFuture<CloseStatus> future = closed;
        if (future != null) {
            future.complete(status);
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + version() + " " + handshake.uri() + " from " + handshake.remoteAddress() + ", " + readyState() + "]";
    }

    /** Runs a listener method; a listener that throws is reported and its connection closed with 1011. */
    void deliver(Runnable call) {
        try {
            call.run();
        } catch (Throwable e) { // a checked exception thrown past the compiler too: it is a failing listener all the same
            listenerFailed(e);
        }
    }

    /**
     * An event threw past {@link #deliver} (an {@link Error} even reporting a listener's failure, such
     * as running out of memory): the connection is dropped at once, on the draining thread, before
     * the next event runs: the events behind it still come (onClose among them), but whatever they
     * send fails, so no message goes on to the peer as if a part of it had been delivered.
     */
    void eventFailed(Throwable error) {
        abort(new ConnectionClosedException("the connection's events failed: " + error));
    }

    /** A listener method threw {@code e}: reported, and the connection closed with 1011. */
    void listenerFailed(Throwable e) {
        LOG.log(System.Logger.Level.WARNING, "WebSocket listener failed; closing with 1011", e);
        try {
            listener.onError(this, e);
        } catch (Throwable again) {
            LOG.log(System.Logger.Level.WARNING, "WebSocket listener's onError failed too", again);
        }
        if (readyState() != ReadyState.CLOSED) {
            close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }
}
