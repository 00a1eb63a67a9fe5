package dev.tether.runtime.io;

import dev.tether.runtime.RuntimeThreads;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds how long a read's batch ({@link OutboundQueue#beginBatch}) holds what its thread sent: a
 * listener that blocks in its call (waiting, say, for {@code CompletableFuture.allOf} of its sends,
 * or for a reply that needs its message to arrive first) would otherwise hold it until it returns,
 * which may be never. Queues holding a batch are kept here; while any is, a check on the shared
 * timer ({@link RuntimeThreads#scheduler()}: one watch for every connection, whatever threads
 * their options name) runs every {@link #HOLD_MILLIS} and has what has been held longer than that
 * written on the library's own pool. Nothing runs while no batch holds anything, and those threads
 * end when idle.
 */
final class BatchWatch {
    /** The longest a batch holds a send back while its thread is away. */
    static final long HOLD_MILLIS = 5;
    private static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS);
    private static final Set<OutboundQueue> HOLDING = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean CHECK_DUE = new AtomicBoolean();

    private BatchWatch() {
    }

    /** {@code queue}'s batch has begun holding a flush back. */
    static void holding(OutboundQueue queue) {
        HOLDING.add(queue);
        checkLater();
    }

    /** {@code queue}'s batch has ended: its thread writes what it held. */
    static void released(OutboundQueue queue) {
        HOLDING.remove(queue);
    }

    private static void checkLater() {
        if (!CHECK_DUE.get() && CHECK_DUE.compareAndSet(false, true)) { // read first: every held batch asks
            try {
                RuntimeThreads.scheduler().schedule(BatchWatch::check, HOLD_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                CHECK_DUE.set(false); // the next batch that holds asks again
            }
        }
    }

    private static void check() {
        CHECK_DUE.set(false);
        long now = System.nanoTime();
        for (OutboundQueue queue : HOLDING) {
            long since = queue.heldSince();
            if (since != 0 && now - since >= HOLD_NANOS) {
                // Out of the set first, then cleared: a send held after the clear registers the queue
                // again (the other order could drop that registration), and one held before it is
                // written by the flush below.
                HOLDING.remove(queue);
                queue.heldWritten();
                // The library's own pool, not the connection's executor: that one's only free thread
                // may be the very listener waiting. The write's completions and events run there,
                // as those of a write the container completes run on its thread.
                Handoff.execute(RuntimeThreads.executor(), queue::flushBatchNow);
            }
        }
        if (!HOLDING.isEmpty()) {
            checkLater();
        }
    }
}
