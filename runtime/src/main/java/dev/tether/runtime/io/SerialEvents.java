package dev.tether.runtime.io;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a connection's events one at a time and in order, on whichever thread calls {@link #drain()}
 * first; a thread that finds another already draining leaves its events to it. Callers add events
 * while holding their lock and drain after letting go, so user code never runs under a lock.
 */
public final class SerialEvents {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();

    public SerialEvents() {
    }

    public void add(Runnable event) {
        queue.add(event);
    }

    /** Runs every queued event, unless another thread is already doing so. Events must not throw. */
    public void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        drainClaimed();
    }

    /**
     * As {@link #drain()}, but never on this thread: when nobody is draining, the events are run on
     * {@code executor}; when somebody is (this thread, further up its stack, included), that drainer
     * runs them, and nothing is handed over.
     */
    public void drainOn(Executor executor) {
        if (queue.isEmpty() || wip.getAndIncrement() != 0) {
            return;
        }
        Handoff.execute(executor, this::drainClaimed); // the claim is ours: refused, it runs here
    }

    /** The drain loop, by the thread that took {@code wip} from 0 (or was handed it). */
    private void drainClaimed() {
        int missed = 1;
        do {
            Runnable event;
            while ((event = queue.poll()) != null) {
                event.run();
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
