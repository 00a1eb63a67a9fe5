package dev.tether.servlet.session;

import dev.tether.message.BufferPool;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A message buffer lent to a listener's {@code onBinary}: it goes back to its pool when the call has
 * returned and every send of that same buffer made during the call (on any connection, from the
 * calling thread) has completed, so that echoing or forwarding a large message copies nothing.
 */
final class LentBuffer {
    /** The loan of the {@code onBinary} call running on this thread, if any. */
    private static final ThreadLocal<LentBuffer> CURRENT = new ThreadLocal<>();

    private final ByteBuffer buffer;
    private final BufferPool pool;
    /** The call itself, plus one per send still in progress. */
    private final AtomicInteger holds = new AtomicInteger(1);

    private LentBuffer(ByteBuffer buffer, BufferPool pool) {
        this.buffer = buffer;
        this.pool = pool;
    }

    /** Runs {@code call} with {@code buffer} lent to it, then gives the buffer back once nothing holds it. */
    static void lend(ByteBuffer buffer, BufferPool pool, Runnable call) {
        LentBuffer loan = new LentBuffer(buffer, pool);
        LentBuffer outer = CURRENT.get(); // a listener may feed another connection's parser: calls nest
        CURRENT.set(loan);
        try {
            call.run();
        } finally {
            CURRENT.set(outer);
            loan.release();
        }
    }

    /**
     * Called by a send of {@code data}: when it is the buffer lent to the running call, the loan
     * lasts until {@code sent} completes.
     */
    static void holdWhileSending(ByteBuffer data, CompletionStage<Void> sent) {
        LentBuffer loan = CURRENT.get();
        if (loan != null && loan.buffer == data) {
            loan.holds.incrementAndGet();
            sent.whenComplete((ignored, failure) -> loan.release());
        }
    }

    private void release() {
        if (holds.decrementAndGet() == 0) {
            pool.release(buffer);
        }
    }
}
