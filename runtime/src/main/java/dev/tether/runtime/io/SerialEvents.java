package dev.tether.runtime.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Runs a connection's events one at a time and in order, on whichever thread calls {@link #drain()}
 * first; a thread that finds another already draining leaves its events to it. Callers add events
 * while holding their lock and drain after letting go, so user code never runs under a lock.
 *
 * <p>An event may {@linkplain #suspend() suspend} the queue and go on on another thread; the events
 * behind it wait until it {@linkplain #resume() resumes} the queue.
 *
 * <p>Events should not throw. One that does (a checked exception thrown past the compiler, an
 * {@link Error}) does not stop the others: the drain runs every event queued, lets go of the queue,
 * and only then rethrows what the first one threw (an {@code Error} or {@code RuntimeException} as
 * it is, a checked exception in an {@link UndeclaredThrowableException}), so the queue is never left
 * claimed by a drain that is gone.
 */
public final class SerialEvents {
    private static final VarHandle WIP;
    private static final VarHandle ADDED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WIP = lookup.findVarHandle(SerialEvents.class, "wip", int.class);
            ADDED = lookup.findVarHandle(SerialEvents.class, "added", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One queued event. */
    private static final class Node {
        final Runnable event;
        Node next;

        Node(Runnable event) {
            this.event = event;
        }
    }

    /*
     * The queue is two lists of nodes, empty when both are null, so that an idle connection holds
     * nothing for it (a ConcurrentLinkedQueue keeps a node even when empty). Adding pushes a node
     * onto `added`, newest first, by CAS from any thread; the drainer, who alone takes events, takes
     * that whole list at once when `next` has run out, and turns it round into `next`, oldest first.
     * One node per event, as a ConcurrentLinkedQueue makes.
     */
    /** Events added since the drainer last took them, newest first. */
    private volatile Node added;
    /** Events taken by the drainer and not yet run, oldest first; only the claim's holder changes it. */
    private volatile Node next;
    /** Drains asked for and not yet run; a field with a VarHandle, not an AtomicInteger: every connection has one. */
    private volatile int wip;
    /** An event runs on in another thread ({@link #suspend()}): those behind it wait for {@link #resume()}. */
    private volatile boolean suspended;
    /** The thread running the events now, null when none is. */
    private volatile Thread drainer;

    private final FailureListener onFailure;

    /** Told when an event throws (see {@link SerialEvents#SerialEvents(FailureListener)}). */
    @FunctionalInterface
    public interface FailureListener {
        /**
         * An event threw; the events behind it still run.
         *
         * @param failure what it threw
         */
        void eventFailed(Throwable failure);
    }

    /** Events whose failures are only rethrown by the drain, not reported as they happen. */
    public SerialEvents() {
        this(failure -> { });
    }

    /**
     * @param onFailure told at once, on the draining thread, when an event throws, before the events
     *                  behind it run (they still run after it): an owner whose events belong
     *                  together (the parts of a message) ends what they belong to there, so that
     *                  the later ones do not go on as if nothing was missing
     */
    public SerialEvents(FailureListener onFailure) {
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    /**
     * Queues {@code event} behind the others; it runs at the next {@link #drain()}.
     *
     * @param event the event to run, which should not throw
     */
    public void add(Runnable event) {
        Node node = new Node(event);
        Node top;
        do {
            top = added;
            node.next = top;
        } while (!ADDED.compareAndSet(this, top, node));
    }

    /** The next event, oldest first, or null when none is queued; by the claim's holder only. */
    private Runnable poll() {
        Node first = next;
        if (first == null) {
            Node newest = (Node) ADDED.getAndSet(this, (Node) null);
            if (newest == null) {
                return null;
            }
            Node reversed = null;
            while (newest != null) { // newest first → oldest first
                Node rest = newest.next;
                newest.next = reversed;
                reversed = newest;
                newest = rest;
            }
            first = reversed;
        }
        next = first.next;
        first.next = null;
        return first.event;
    }

    private boolean isEmpty() {
        return next == null && added == null;
    }

    /**
     * Whether this thread is running these events now (further up its stack, when it asks).
     *
     * @return true if the calling thread is the one draining
     */
    public boolean drainingHere() {
        return drainer == Thread.currentThread();
    }

    /**
     * Called by an event that goes on on another thread (reading a message as a stream): the events
     * behind it are not run until {@link #resume()}, so they still come one at a time and in order.
     */
    public void suspend() {
        suspended = true;
    }

    /** The event that {@linkplain #suspend() suspended} the queue is over: the events behind it run, here. */
    public void resume() {
        suspended = false;
        drain();
    }

    /**
     * Runs every queued event, unless another thread is already doing so.
     *
     * @throws RuntimeException or {@link Error}: what an event threw, once every event has run
     */
    public void drain() {
        if ((int) WIP.getAndAdd(this, 1) != 0) {
            return;
        }
        drainClaimed();
    }

    /**
     * As {@link #drain()}, but never on this thread: when nobody is draining, the events are run on
     * {@code executor}; when somebody is (this thread, further up its stack, included), that drainer
     * runs them, and nothing is handed over.
     *
     * @param executor where the events run when nobody is draining
     */
    public void drainOn(Executor executor) {
        if (suspended || isEmpty() || (int) WIP.getAndAdd(this, 1) != 0) {
            return;
        }
        Handoff.execute(executor, this::drainClaimed); // the claim is ours: refused, it runs here
    }

    /**
     * The drain loop, by the thread that took {@code wip} from 0 (or was handed it). An event that
     * throws is held, not let through: the claim must be given back by this loop, or nothing queued
     * later would ever run. Only the first failure is kept, and the catch allocates nothing, so not
     * even an OutOfMemoryError in a later event can skip the release.
     */
    private void drainClaimed() {
        Throwable failure = null;
        int missed = 1;
        do {
            drainer = Thread.currentThread();
            Runnable event;
            while (!suspended && (event = poll()) != null) {
                try {
                    event.run();
                } catch (Throwable t) {
                    if (failure == null) failure = t; // later ones are dropped: they were the events' own to report
                    try {
                        onFailure.eventFailed(t);
                    } catch (Throwable again) {
                        // kept as it was: the claim must still be given back below
                    }
                }
            }
            drainer = null; // before letting go: the next thread to take the claim sets its own
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
        } while (missed != 0);
        if (failure != null) rethrow(failure);
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        throw new UndeclaredThrowableException(failure, "a serial event threw " + failure);
    }
}
