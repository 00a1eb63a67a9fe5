package dev.tether.runtime.sse;

import dev.tether.api.ConnectionClosedException;
import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import dev.tether.api.OutboundOverflowException;
import dev.tether.api.ReadyState;
import dev.tether.driver.WireOutput;
import dev.tether.runtime.Output;
import dev.tether.runtime.io.ApplicationCalls;
import dev.tether.runtime.io.OutboundQueue;
import dev.tether.runtime.io.SendStage;
import dev.tether.runtime.io.SerialEvents;
import dev.tether.runtime.io.Timers;
import dev.tether.sse.SseEncoder;
import dev.tether.sse.SseEvent;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * One server-sent events stream over an {@link Output}, whatever carries it: events are encoded,
 * queued in an {@link OutboundQueue} and written one write at a time, each as soon as the output
 * takes it. The keepalive ping finds clients that are gone. Whichever comes first ends the stream,
 * once: {@link #close()}, a failed write, {@link #outputEnded} (the server saw the response end),
 * the overflow policy or the stall timeout; the stream then runs the server's "complete the
 * response" hook.
 *
 * <p>The server sends the response head itself, then hands the output over with {@link #start}.
 * When the head could not be sent it calls {@link #outputEnded} instead: the stream is then closed
 * without ever opening, and no listener event fires.
 */
public final class EventStream implements EventSource {
    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());
    private static final byte[] PING = SseEncoder.comment("");

    private final Object lock = new Object();
    private final EventStreamOptions options;
    private final EventSourceListener listener;
    private final String url;
    private final String lastEventId;
    private final Runnable completeResponse;
    private final LongSupplier nanoTime;
    private final Executor executor;
    private final Timers timers;
    private final OutboundQueue queue;
    private final SerialEvents events = new SerialEvents();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    /** A broadcaster's flush pass owes this stream a flush: see {@link #markUnflushed()}. */
    private final AtomicBoolean unflushed = new AtomicBoolean();

    /**
     * When the client last took bytes (or its queue was seen empty): one that takes nothing for
     * stallTimeout is dropped, one that reads steadily behind a faster publisher is not.
     */
    private volatile long lastProgressNanos;
    /** The bytes written by then. */
    private volatile long bytesTaken;

    // Guarded by lock.
    private ReadyState state = ReadyState.CONNECTING;
    private boolean started;
    /** onOpen was fired, so onClose is owed; a close() before start() leaves CONNECTING without it. */
    private boolean opened;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> closeDeadline;
    private boolean overflowed;

    /**
     * A stream not started yet.
     *
     * @param options          the stream's options: buffer limit, overflow policy, keepalive, threads
     * @param listener         told when the stream opens and when it closes
     * @param url              the URL the client requested, query string included
     * @param lastEventId      the client's {@code Last-Event-ID}; empty on a first connection
     * @param completeResponse run once when the stream ends (e.g. completes the async response); may
     *                         run on any thread, and when the client is already gone
     */
    public EventStream(EventStreamOptions options, EventSourceListener listener, String url, String lastEventId,
                       Runnable completeResponse) {
        this(options, listener, url, lastEventId, completeResponse, System::nanoTime);
    }

    /** As the public constructor, with the clock the stall timeout is measured on. */
    EventStream(EventStreamOptions options, EventSourceListener listener, String url, String lastEventId,
                Runnable completeResponse, LongSupplier nanoTime) {
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.url = Objects.requireNonNull(url, "url");
        this.lastEventId = Objects.requireNonNull(lastEventId, "lastEventId");
        this.completeResponse = Objects.requireNonNull(completeResponse, "completeResponse");
        this.nanoTime = nanoTime;
        this.executor = options.executor();
        this.timers = new Timers(options.scheduler(), executor);
        this.queue = new OutboundQueue(new QueueOwner(), executor);
        this.lastProgressNanos = nanoTime.getAsLong();
    }

    /**
     * Starts writing to {@code output}, the response body after its head: sends {@code retry} if
     * set, then opens the stream (the keepalive starts, the listener's {@code onOpen} runs, on this
     * thread unless another is delivering this stream's events). Called once; on a stream that
     * has already ended it writes nothing. After a {@link #close()} that came first, the stream
     * opens and closes at once: {@code retry} is written, then the stream ends as a close does;
     * its {@code onOpen} then sees it CLOSING, and what it sends there is refused.
     *
     * @param output the response body, its head already sent
     * @throws IllegalStateException if the stream was started before
     */
    public void start(Output output) {
        Objects.requireNonNull(output, "output");
        synchronized (lock) {
            if (started) {
                throw new IllegalStateException("the event stream was already started");
            }
            started = true;
            if (state == ReadyState.CLOSED) {
                return;
            }
            if (options.retry().isPresent()) {
                byte[] retry = SseEncoder.retry(options.retry().get().toMillis());
                queue.add(WireOutput.Kind.DATA, new ByteBuffer[] {ByteBuffer.wrap(retry)}, null);
            }
        }
        queue.start(output); // a write that fails at once ends the stream before it opens
        boolean closeNow = false;
        synchronized (lock) {
            if (state != ReadyState.CLOSED) {
                opened = true;
                events.add(() -> notify("onOpen", () -> listener.onOpen(this)));
                if (state == ReadyState.CONNECTING) {
                    state = ReadyState.OPEN;
                    if (!options.pingInterval().isZero()) {
                        heartbeat = timers.every(options.pingInterval(), this::heartbeat);
                    }
                } else { // close() came first: now there is an output to end
                    closeNow = true;
                    closingStarted();
                }
            }
        }
        if (closeNow) {
            queue.flush(); // ends the stream once the retry is written: see QueueOwner.flushed
        }
        events.drain();
    }

    /**
     * The server saw the output end (the client went away, the container completed or failed the
     * response, or the head could not be sent): the stream ends, an ordinary end logged without a
     * stack trace. Idempotent.
     *
     * @param why   what happened, for the log
     * @param cause the error behind it, or null
     */
    public void outputEnded(String why, Throwable cause) {
        gone(why, cause);
    }

    // ---- sending

    @Override
    public CompletionStage<Void> send(String data) {
        return send(SseEvent.data(data));
    }

    @Override
    public CompletionStage<Void> send(String data, String event, String id) {
        SseEvent e = SseEvent.data(data);
        if (event != null) e = e.event(event);
        if (id != null) e = e.id(id);
        return send(e);
    }

    @Override
    public CompletionStage<Void> send(SseEvent event) {
        return sendEncoded(SseEncoder.encode(event));
    }

    @Override
    public CompletionStage<Void> comment(String text) {
        return sendEncoded(SseEncoder.comment(text));
    }

    @Override
    public CompletionStage<Void> ping() {
        return sendEncoded(PING);
    }

    /** Queues {@code encoded} (which must not change afterwards) and writes what the output takes now. */
    private CompletableFuture<Void> sendEncoded(byte[] encoded) {
        int[] calls = ApplicationCalls.enter(); // what this flush completes for others runs elsewhere
        try {
            CompletableFuture<Void> done = enqueue(encoded);
            flush();
            return done;
        } finally {
            ApplicationCalls.leave(calls);
        }
    }

    /**
     * Queues encoded bytes without writing them yet, so a broadcaster can queue to every stream
     * under its lock and write after letting go; {@link #flush()} writes them (or, when the
     * overflow policy says so, drops the stream: never under the caller's lock).
     */
    CompletableFuture<Void> enqueue(byte[] encoded) {
        CompletableFuture<Void> done = new SendStage<>(executor);
        Throwable refused = null;
        synchronized (lock) {
            long buffered = queue.bufferedAmount();
            if (state != ReadyState.OPEN) {
                refused = new ConnectionClosedException("the event stream is " + state.name().toLowerCase());
            } else if (overflowed) {
                // Dropped at the next flush. Nothing more goes out before: once the queue drained a
                // little, a later event would reach the client after the refused one it never got,
                // and its reconnection with Last-Event-ID would resume past the gap.
                refused = new ConnectionClosedException("the event stream is being closed: an event"
                        + " was refused at its buffer limit of " + options.bufferLimit() + " bytes");
            } else if (buffered > 0 && buffered + encoded.length > options.bufferLimit()) {
                refused = new OutboundOverflowException("sending " + encoded.length
                        + " bytes would pass the event stream's buffer limit of " + options.bufferLimit()
                        + " bytes (" + buffered + " queued): the client is not reading fast enough");
                overflowed |= options.overflowPolicy() == EventStreamOptions.OverflowPolicy.CLOSE;
            } else {
                queue.add(WireOutput.Kind.DATA, new ByteBuffer[] {ByteBuffer.wrap(encoded)}, done);
            }
        }
        if (refused != null) {
            SendStage.settle(executor, List.of(done), refused);
        }
        return done;
    }

    /** Marks this stream as owed a flush; true if it was not already, i.e. the caller must arrange it. */
    boolean markUnflushed() {
        return unflushed.compareAndSet(false, true);
    }

    /** The owed flush is about to be made. */
    void clearUnflushed() {
        unflushed.set(false);
    }

    /** Writes what is queued, as far as the output takes it now. */
    void flush() {
        boolean drop;
        synchronized (lock) {
            drop = overflowed;
        }
        if (drop) {
            gone("the client is too slow: the buffer limit of " + options.bufferLimit() + " bytes was reached", null);
        } else {
            queue.flush();
        }
    }

    // ---- ending

    @Override
    public void close() {
        synchronized (lock) {
            if (state == ReadyState.CONNECTING) {
                state = ReadyState.CLOSING; // kept for start(), which has the output to end
                return;
            }
            if (state != ReadyState.OPEN) return;
            state = ReadyState.CLOSING;
            closingStarted();
        }
        queue.flush(); // ends the stream when the queue is empty: see QueueOwner.flushed
    }

    /** Under the lock, once closing with an output: no more pings, and a deadline for what is queued. */
    private void closingStarted() {
        heartbeat = timers.cancel(heartbeat);
        closeDeadline = timers.once(options.stallTimeout(),
                () -> gone("queued events were not taken within " + options.stallTimeout() + " of close()", null));
    }

    /** What the outbound queue tells this stream; not part of the stream's API. */
    private final class QueueOwner implements OutboundQueue.Owner {
        @Override
        public void flushed(long buffered) {
            long taken = queue.bytesWritten();
            if (buffered == 0 || taken != bytesTaken) {
                bytesTaken = taken;
                lastProgressNanos = nanoTime.getAsLong();
            }
            if (buffered > 0) return;
            boolean allOut = queue.allWritten();
            boolean closing;
            synchronized (lock) {
                closing = state == ReadyState.CLOSING && opened; // closed before start(): start() ends it
            }
            if (closing && allOut) finish(); // else the output's callback brings us back
        }

        @Override
        public void writeFailed(Throwable error) {
            gone("a write failed", error);
        }
    }

    private void heartbeat() {
        if (queue.bufferedAmount() == 0) {
            ping(); // a write to a client that is gone fails, and that ends the stream
            return;
        }
        long taken = queue.bytesWritten();
        if (taken != bytesTaken) { // part of a long write left: the client reads, however slowly
            bytesTaken = taken;
            lastProgressNanos = nanoTime.getAsLong();
        } else if (nanoTime.getAsLong() - lastProgressNanos > options.stallTimeout().toNanos()) {
            gone("the client took no bytes for " + options.stallTimeout(), null);
        }
    }

    /** The client is gone or must be dropped: an ordinary end, logged without a stack trace. */
    private void gone(String why, Throwable cause) {
        if (readyState() != ReadyState.CLOSED) {
            LOG.log(System.Logger.Level.DEBUG, () -> "event stream " + url + " ended: " + why
                    + (cause == null ? "" : " (" + cause + ")"));
        }
        finish();
    }

    /** Ends the stream once: timers off, queue failed, response completed, listener told. */
    private void finish() {
        synchronized (lock) {
            if (state == ReadyState.CLOSED) return;
            state = ReadyState.CLOSED;
            heartbeat = timers.cancel(heartbeat);
            closeDeadline = timers.cancel(closeDeadline);
            if (opened) {
                events.add(() -> notify("onClose", () -> listener.onClose(this)));
            }
        }
        try {
            completeResponse.run(); // first: no write is in progress once it returns, so the sends failed next were not sent
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "completing the response of event stream " + url + " failed", e);
        }
        queue.abort(new ConnectionClosedException("the event stream is closed"));
        closed.complete(null);
        events.drain();
    }

    private void notify(String event, Runnable call) {
        try {
            call.run();
        } catch (Throwable e) { // a checked exception thrown past the compiler too: the application's close() must not throw it
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            LOG.log(System.Logger.Level.WARNING, "EventSourceListener." + event + " threw for " + url, e);
        }
    }

    // ---- properties

    @Override
    public String url() {
        return url;
    }

    @Override
    public String lastEventId() {
        return lastEventId;
    }

    @Override
    public ReadyState readyState() {
        synchronized (lock) {
            return state;
        }
    }

    @Override
    public long bufferedAmount() {
        return queue.bufferedAmount();
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public CompletionStage<Void> closed() {
        return closed.minimalCompletionStage();
    }

    @Override
    public String toString() {
        return "EventSource[" + url + ", " + readyState() + "]";
    }
}
