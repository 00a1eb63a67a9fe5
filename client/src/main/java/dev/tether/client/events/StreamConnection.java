package dev.tether.client.events;

import dev.tether.client.EventSourceConnection;
import dev.tether.client.EventSourceException;
import dev.tether.client.EventSourceRequest;
import dev.tether.runtime.io.Handoff;
import dev.tether.runtime.io.SerialEvents;
import dev.tether.runtime.io.Timers;
import dev.tether.sse.ReceivedEvent;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An {@link EventSourceConnection}: the WHATWG EventSource's reconnection loop over
 * {@link StreamAttempt}s. One attempt at a time; when one ends or fails, the next is scheduled
 * after the delay {@link Backoff} gives, with the last event id, unless the failure is final or
 * {@code maxReconnects} has run out.
 *
 * <p>Threads: the state is guarded by {@code lock}; listener calls, the attempts' parsers and
 * subscriptions run as serial events drained on the executor, never under the lock and never on
 * the thread of {@link #close()}. Reconnection timers run on the scheduler and hand the attempt to
 * the executor.
 */
public final class StreamConnection implements EventSourceConnection {
    private static final System.Logger LOG = System.getLogger(StreamConnection.class.getName());

    private final StreamContext context;
    private final EventSourceRequest request;
    private final Listener listener;
    private final Consumer<StreamConnection> whenClosed;
    private final SerialEvents events = new SerialEvents();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Backoff backoff; // guarded by lock

    private final Object lock = new Object();
    private volatile State state = State.CONNECTING;
    private volatile String lastEventId;
    private volatile long retryMillis;
    private StreamAttempt attempt;
    private ScheduledFuture<?> reconnection;
    /** A VirtualMachineError a listener threw during the current serial step. Serial events only. */
    private VirtualMachineError listenerFatal;

    /** A connection; {@link #start()} makes its first request. {@code whenClosed} hears it close. */
    public StreamConnection(StreamContext context, EventSourceRequest request, Listener listener,
                            Consumer<StreamConnection> whenClosed) {
        this.context = Objects.requireNonNull(context, "context");
        this.request = Objects.requireNonNull(request, "request");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.whenClosed = Objects.requireNonNull(whenClosed, "whenClosed");
        this.lastEventId = request.lastEventId();
        this.retryMillis = request.retry().toMillis();
        this.backoff = new Backoff(request);
    }

    /** Makes the first request. */
    public void start() {
        connect();
    }

    @Override
    public EventSourceRequest request() {
        return request;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public String lastEventId() {
        return lastEventId;
    }

    @Override
    public Duration retryDelay() {
        return Duration.ofMillis(retryMillis);
    }

    @Override
    public CompletionStage<Void> closed() {
        return closed.copy();
    }

    @Override
    public void close() {
        StreamAttempt stopping;
        synchronized (lock) {
            if (state == State.CLOSED) return;
            state = State.CLOSED;
            stopping = attempt;
            attempt = null;
            Timers.cancel(context.scheduler(), reconnection);
        }
        if (stopping != null) stopping.abandon();
        serially(() -> finish(null));
    }

    @Override
    public String toString() {
        return "EventSourceConnection[" + request.uri() + ", " + state
                + (lastEventId.isEmpty() ? "" : ", lastEventId " + lastEventId) + "]";
    }

    // ---- for the attempts

    /**
     * Runs {@code task} after the serial events before it, on the executor, never on this thread's
     * stack. A step that throws is logged (it is this library's bug); a {@link VirtualMachineError}
     * a listener threw during the step is rethrown once the step is over and the connection's state
     * is whole again, for the executor's thread to report.
     */
    void serially(Runnable task) {
        events.add(() -> {
            try {
                task.run();
            } catch (Throwable e) {
                LOG.log(Level.ERROR, "an EventSource connection's step failed for " + request.uri(), e);
                if (e instanceof VirtualMachineError) throw e;
            }
            VirtualMachineError fatal = listenerFatal;
            listenerFatal = null;
            if (fatal != null) throw fatal;
        });
        events.drainOn(context.executor());
    }

    /** A stream opened; false when the attempt is no longer this connection's (closed meanwhile). Serial. */
    boolean opened(StreamAttempt opening, Response response) {
        synchronized (lock) {
            if (opening != attempt || state == State.CLOSED) return false;
            state = State.OPEN;
            backoff.opened(System.nanoTime());
        }
        call("onOpen", () -> listener.onOpen(this, response));
        return true;
    }

    /** The attempt failed or its stream ended: reconnect, or close when that cannot help. Serial. */
    void attemptFailed(StreamAttempt failed, EventSourceException cause) {
        EventSourceException closing = null;
        long delay = 0;
        synchronized (lock) {
            if (failed != attempt || state == State.CLOSED) return;
            attempt = null;
            backoff.ended(System.nanoTime());
            if (cause.isFinal()) {
                closing = cause;
            } else if (backoff.exhausted()) {
                closing = Failures.gaveUp(cause, backoff.inARow());
            } else {
                delay = backoff.next(retryMillis);
                state = State.CONNECTING;
                try {
                    reconnection = context.scheduler().schedule(
                            () -> Handoff.execute(context.executor(), this::connect), delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    closing = new EventSourceException(cause.reason(), true, "cannot reconnect: the client's scheduler"
                            + " refused the reconnection (shut down?); the stream ended with: " + cause.getMessage(), cause);
                }
            }
            if (closing != null) state = State.CLOSED;
        }
        if (closing != null) {
            finish(closing);
        } else {
            Duration wait = Duration.ofMillis(delay);
            String id = lastEventId;
            EventSourceException told = HeaderValues.isSendable(id) ? cause
                    : Failures.withNote(cause, StreamRequests.unsendable(id));
            call("onReconnecting", () -> listener.onReconnecting(this, wait, told));
        }
    }

    void lastEventId(String id) {
        lastEventId = id;
    }

    void deliverEvent(ReceivedEvent event) {
        lastEventId = event.id();
        synchronized (lock) {
            backoff.delivered();
        }
        if (state != State.CLOSED) call("onEvent", () -> listener.onEvent(this, event));
    }

    void deliverComment(String text) {
        if (state != State.CLOSED) call("onComment", () -> listener.onComment(this, text));
    }

    /** A server's {@code retry:}, bounded by {@code maxServerRetry}: a server could otherwise park the client for days. */
    void retry(long serverMillis) {
        long millis = Math.min(serverMillis, request.maxServerRetry().toMillis());
        retryMillis = millis;
        if (state != State.CLOSED) call("onRetry", () -> listener.onRetry(this, Duration.ofMillis(millis)));
    }

    // ---- inside

    /** A new attempt with the last event id, unless closed meanwhile. */
    private void connect() {
        StreamAttempt next;
        synchronized (lock) {
            if (state == State.CLOSED) return;
            reconnection = null;
            next = new StreamAttempt(this, context, request, lastEventId);
            attempt = next;
        }
        next.start();
    }

    /** onClose, then the closed stage and the client's bookkeeping. Serial. */
    private void finish(EventSourceException cause) {
        call("onClose", () -> listener.onClose(this, cause));
        whenClosed.accept(this);
        if (cause == null) closed.complete(null);
        else closed.completeExceptionally(cause);
    }

    /**
     * Calls the listener. Whatever it throws (checked exceptions thrown past the compiler included)
     * is logged and the connection goes on: the parser, the subscription and the state must stay
     * whole, or the stream would stall for good. A {@link VirtualMachineError} is logged as an error
     * and rethrown by {@link #serially} once the step is over. Serial.
     */
    private void call(String method, Runnable call) {
        try {
            call.run();
        } catch (VirtualMachineError e) {
            LOG.log(Level.ERROR, "EventSourceConnection.Listener." + method + " threw for " + request.uri()
                    + "; the connection goes on, and the error is rethrown to the executor's thread", e);
            if (listenerFatal == null) listenerFatal = e;
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "EventSourceConnection.Listener." + method + " threw for " + request.uri()
                    + "; the connection goes on", e);
        }
    }
}
