package dev.tether.servlet.sse;

import dev.tether.api.ConnectionClosedException;
import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import dev.tether.api.OutboundOverflowException;
import dev.tether.api.ReadyState;
import dev.tether.driver.WireOutput;
import dev.tether.runtime.io.ApplicationCalls;
import dev.tether.runtime.io.OutboundQueue;
import dev.tether.runtime.io.SendStage;
import dev.tether.runtime.io.SerialEvents;
import dev.tether.runtime.io.Timers;
import dev.tether.servlet.io.NonBlockingWriter;
import dev.tether.sse.SseEncoder;
import dev.tether.sse.SseEvent;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An event stream on an asynchronous servlet response: events are encoded, queued and written by
 * the {@link OutboundQueue} to a {@link NonBlockingWriter}, which flushes each one as soon as it is written. The
 * container's async timeout is switched off; the keepalive ping finds clients that are gone.
 * Whichever comes first ends the stream, once: {@link #close()}, a failed write, the container's
 * {@code onError}/{@code onComplete}, the overflow policy or the stall timeout.
 */
final class ServletEventSource implements EventSource, AsyncListener, OutboundQueue.Owner {
    private static final System.Logger LOG = System.getLogger(ServletEventSource.class.getName());
    private static final byte[] PING = SseEncoder.comment("");

    private final Object lock = new Object();
    private final EventSourceOptions options;
    private final EventSourceListener listener;
    private final String url;
    private final String lastEventId;
    private final Executor executor;
    private final Timers timers;
    private final OutboundQueue queue;
    private final SerialEvents events = new SerialEvents();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    /** A broadcaster's flush pass owes this stream a flush: see {@link #markUnflushed()}. */
    private final AtomicBoolean unflushed = new AtomicBoolean();

    /** When the queue was last seen empty: a client that takes nothing for stallTimeout is dropped. */
    private volatile long lastEmptyNanos = System.nanoTime();

    // Guarded by lock.
    private ReadyState state = ReadyState.CONNECTING;
    private AsyncContext async;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> closeDeadline;
    private boolean overflowed;

    private ServletEventSource(HttpServletRequest request, EventSourceOptions options, EventSourceListener listener) {
        this.options = options;
        this.listener = listener;
        this.executor = options.executor();
        this.timers = new Timers(options.scheduler(), executor);
        this.queue = new OutboundQueue(this, executor);
        this.url = urlOf(request);
        this.lastEventId = lastEventIdOf(request);
    }

    /** Sends the response head and opens the stream; see {@link EventSources#start}. */
    static ServletEventSource start(HttpServletRequest request, HttpServletResponse response,
                                    EventSourceOptions options, EventSourceListener listener) {
        ServletEventSource source = new ServletEventSource(request, options, listener);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx: pass each event on, do not buffer
        options.headers().forEach(response::setHeader);

        AsyncContext async = request.isAsyncStarted() ? request.getAsyncContext() : request.startAsync(request, response);
        async.setTimeout(0); // never the container's timeout: it would end quiet streams
        async.addListener(source);
        synchronized (source.lock) {
            source.async = async;
        }
        try {
            // Still blocking I/O until the write listener is set: commit the head (and retry) at once.
            if (options.retry().isPresent()) {
                response.getOutputStream().write(SseEncoder.retry(options.retry().get().toMillis()));
            }
            response.flushBuffer();
            NonBlockingWriter writer = new NonBlockingWriter(source::writeFailed);
            writer.start(response.getOutputStream());
            source.queue.start(writer);
        } catch (IOException | RuntimeException e) {
            source.gone("the response head could not be sent", e);
            return source;
        }
        synchronized (source.lock) {
            if (source.state == ReadyState.CONNECTING) {
                source.state = ReadyState.OPEN;
                if (!options.pingInterval().isZero()) {
                    source.heartbeat = source.timers.every(options.pingInterval(), source::heartbeat);
                }
                source.events.add(() -> source.notify("onOpen", () -> listener.onOpen(source)));
            }
        }
        source.events.drain();
        return source;
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

    /** Queues {@code encoded} (which must not change afterwards) and writes what the container takes now. */
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
                overflowed |= options.overflowPolicy() == EventSourceOptions.OverflowPolicy.CLOSE;
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

    /** Writes what is queued, as far as the container accepts it now. */
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
            if (state != ReadyState.OPEN) return;
            state = ReadyState.CLOSING;
            heartbeat = Timers.cancel(heartbeat);
            closeDeadline = timers.once(options.stallTimeout(),
                    () -> gone("queued events were not taken within " + options.stallTimeout() + " of close()", null));
        }
        queue.flush(); // ends the stream when the queue is empty: see flushed()
    }

    @Override
    public void flushed(long buffered) {
        if (buffered > 0) return;
        boolean allOut = queue.allWritten();
        lastEmptyNanos = System.nanoTime();
        boolean closing;
        synchronized (lock) {
            closing = state == ReadyState.CLOSING;
        }
        if (closing && allOut) finish(); // else the container's onWritePossible brings us back
    }

    @Override
    public void writeFailed(Throwable error) {
        gone("a write failed", error);
    }

    private void heartbeat() {
        if (queue.bufferedAmount() == 0) {
            ping(); // a write to a client that is gone fails, and that ends the stream
        } else if (System.nanoTime() - lastEmptyNanos > options.stallTimeout().toNanos()) {
            gone("the client took no bytes for " + options.stallTimeout(), null);
        }
    }

    /** The client is gone or must be dropped: an ordinary end, logged without a stack trace. */
    private void gone(String why, Throwable cause) {
        if (state() != ReadyState.CLOSED) {
            LOG.log(System.Logger.Level.DEBUG, () -> "event stream " + url + " ended: " + why
                    + (cause == null ? "" : " (" + cause + ")"));
        }
        finish();
    }

    /** Ends the stream once: timers off, queue failed, response completed, listener told. */
    private void finish() {
        AsyncContext toComplete;
        synchronized (lock) {
            if (state == ReadyState.CLOSED) return;
            boolean opened = state != ReadyState.CONNECTING;
            state = ReadyState.CLOSED;
            heartbeat = Timers.cancel(heartbeat);
            closeDeadline = Timers.cancel(closeDeadline);
            toComplete = async;
            if (opened) {
                events.add(() -> notify("onClose", () -> listener.onClose(this)));
            }
        }
        queue.abort(new ConnectionClosedException("the event stream is closed"));
        if (toComplete != null) {
            try {
                toComplete.complete();
            } catch (IllegalStateException alreadyOver) {
                // The container completed the request first (client gone, or shutting down).
            }
        }
        closed.complete(null);
        events.drain();
    }

    private void notify(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "EventSourceListener." + event + " threw for " + url, e);
        }
    }

    // ---- the container's view of the request

    @Override
    public void onComplete(AsyncEvent event) {
        gone("the container completed the response", null);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        gone("the container's async timeout fired although it was switched off", null);
    }

    @Override
    public void onError(AsyncEvent event) {
        gone("the container reported an error", event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Not re-dispatched: nothing to do.
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
        return state();
    }

    private ReadyState state() {
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

    private static String urlOf(HttpServletRequest request) {
        String query = request.getQueryString();
        return request.getRequestURL() + (query == null ? "" : "?" + query);
    }

    private static String lastEventIdOf(HttpServletRequest request) {
        String header = request.getHeader("Last-Event-ID");
        if (header != null) return header;
        String parameter = request.getParameter("lastEventId");
        return parameter != null ? parameter : "";
    }
}
