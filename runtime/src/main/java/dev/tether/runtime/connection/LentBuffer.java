package dev.tether.runtime.connection;

import dev.tether.message.BufferPool;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A message buffer lent to a listener's {@code onBinary}: it goes back to its pool when the call has
 * returned and every send of its memory made during the call (on any connection, from the calling
 * thread) has completed, so that echoing, forwarding or broadcasting a large message copies nothing.
 * A send holds the loan when its buffer shares the lent buffer's memory, whatever the object: the
 * buffer itself, a duplicate (as {@code WebSocketRegistry.broadcast} sends), a slice, a read-only
 * view, or its array wrapped again.
 */
final class LentBuffer {
    /** The loan of the {@code onBinary} call running on this thread, if any. */
    private static final ThreadLocal<LentBuffer> CURRENT = new ThreadLocal<>();
    /** The largest unit {@link ByteBuffer#alignmentOffset} takes: it tells the low 30 bits of an address. */
    private static final int ADDRESS_UNIT = 1 << 30;

    private final ByteBuffer buffer;
    private final BufferPool pool;
    /** The loan of the call this one runs inside, if any. */
    private final LentBuffer outer;
    /** The call itself, plus one per send still in progress. */
    private final AtomicInteger holds = new AtomicInteger(1);

    private LentBuffer(ByteBuffer buffer, BufferPool pool, LentBuffer outer) {
        this.buffer = buffer;
        this.pool = pool;
        this.outer = outer;
    }

    /** Runs {@code call} with {@code buffer} lent to it, then gives the buffer back once nothing holds it. */
    static void lend(ByteBuffer buffer, BufferPool pool, Runnable call) {
        LentBuffer outer = CURRENT.get(); // a listener may feed another connection's parser: calls nest
        LentBuffer loan = new LentBuffer(buffer, pool, outer);
        CURRENT.set(loan);
        try {
            call.run();
        } finally {
            CURRENT.set(outer);
            loan.release();
        }
    }

    /**
     * Called by a send of {@code data}: when it may share the memory of a buffer lent to the running
     * call (or to a call it runs inside), that loan lasts until {@code sent} completes.
     */
    static void holdWhileSending(ByteBuffer data, CompletionStage<Void> sent) {
        for (LentBuffer loan = CURRENT.get(); loan != null; loan = loan.outer) {
            if (loan.mayShareMemoryWith(data)) {
                loan.holdUntil(sent);
            }
        }
    }

    private void holdUntil(CompletionStage<Void> sent) {
        holds.incrementAndGet();
        sent.whenComplete((ignored, failure) -> release());
    }

    /**
     * Whether {@code data} may be a view of the lent buffer's memory. Never wrong when it is one;
     * when it cannot be told, yes: holding a loan too long costs memory, giving it back too early
     * corrupts a message still being written.
     */
    private boolean mayShareMemoryWith(ByteBuffer data) {
        if (data == buffer) {
            return true;
        }
        if (data.isDirect() != buffer.isDirect()) {
            return false;
        }
        if (!buffer.isDirect()) {
            // A heap buffer's memory is its array; a read-only view hides its array, so it may be ours.
            return !data.hasArray() || !buffer.hasArray() || data.array() == buffer.array();
        }
        if (buffer.capacity() >= ADDRESS_UNIT) {
            return true;
        }
        // The JDK (before 22) tells the address of direct memory only modulo a power of two, at most
        // 2^30: enough to find every view of a smaller buffer. Another buffer at a congruent address
        // is taken for a view, rarely and harmlessly.
        long offset;
        try {
            offset = (data.alignmentOffset(0, ADDRESS_UNIT) - buffer.alignmentOffset(0, ADDRESS_UNIT)) & (ADDRESS_UNIT - 1);
        } catch (UnsupportedOperationException cannotTell) {
            return true;
        }
        return offset + data.capacity() <= buffer.capacity();
    }

    private void release() {
        if (holds.decrementAndGet() == 0) {
            pool.release(buffer);
        }
    }
}
