package dev.tether.message;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How much memory the messages being received may hold at once, across every connection that
 * shares this budget. A message takes memory as its bytes arrive and gives it back when it is
 * delivered or dropped; one that would take more than is left fails its connection with 1013 (try
 * again later) instead of filling the heap. So however many peers announce large messages and send
 * part of them, the sum they make the process hold stays bounded. Thread-safe.
 */
public final class MemoryBudget {
    private static final MemoryBudget SHARED = new MemoryBudget(Runtime.getRuntime().maxMemory() / 4);

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    private MemoryBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a memory budget must not be negative: " + limit);
        }
        this.limit = limit;
    }

    /** A budget of {@code bytes} for the connections given it. */
    public static MemoryBudget of(long bytes) {
        return new MemoryBudget(bytes);
    }

    /**
     * The default, one for the whole JVM: a quarter of the largest heap ({@code -Xmx}), shared by
     * every connection that is not given a budget of its own, server or client.
     */
    public static MemoryBudget shared() {
        return SHARED;
    }

    /** Takes {@code bytes} from the budget if that many are left; false, taking nothing, if not. */
    public boolean tryReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        }
        long now;
        do {
            now = reserved.get();
            if (bytes > limit - now) {
                return false;
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    /** Gives back {@code bytes} taken with {@link #tryReserve}. */
    public void release(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        }
        long after = reserved.addAndGet(-bytes);
        if (after < 0) {
            reserved.addAndGet(bytes);
            throw new IllegalStateException("released " + bytes + " bytes more than were reserved");
        }
    }

    /** Bytes taken now. */
    public long reserved() {
        return reserved.get();
    }

    /** The most that may be taken at once. */
    public long limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "MemoryBudget[" + reserved() + " of " + limit + " bytes]";
    }
}
