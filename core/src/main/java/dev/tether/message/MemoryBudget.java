package dev.tether.message;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How much memory the messages being received may hold at once, across every connection that
 * shares this budget. A message takes from it as its buffer grows and gives back when it is
 * delivered or dropped (see {@link MessageMemory}); one that cannot get what it needs fails its
 * connection, so however many peers announce large messages and send part of them, the buffers
 * they make the process hold stay within the budget. Thread-safe.
 *
 * <p>What is counted: the buffers messages are assembled in (RFC 6455 and the hixie drafts), and
 * the output of inflating a whole message. Not counted, each bounded per connection by itself: the
 * piece of a frame being read on the fragment path (at most the fragment size), a small text
 * buffer kept for the next message (16 KiB), and buffers lent from a {@link BufferPool} (the pool
 * has its own bound).
 */
public final class MemoryBudget {
    /** The shared budget is never below this, so that a message of the default size limit fits in it. */
    private static final long SHARED_MINIMUM = 64L << 20;
    private static final MemoryBudget SHARED = new MemoryBudget(Math.max(Runtime.getRuntime().maxMemory() / 4, SHARED_MINIMUM));

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    private MemoryBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a memory budget must not be negative: " + limit);
        }
        this.limit = limit;
    }

    /**
     * A budget of {@code bytes} for the connections given it.
     *
     * @param bytes the most the messages being received may hold at once, 0 or more
     * @return a new budget, nothing taken from it yet
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public static MemoryBudget of(long bytes) {
        return new MemoryBudget(bytes);
    }

    /**
     * The default: a quarter of the largest heap ({@code -Xmx}), and at least 64 MiB, shared by
     * every connection that is not given a budget of its own, server or client. It is one per class
     * loader: a web application that bundles Tether has its own.
     *
     * @return the shared budget, the same instance on every call
     */
    public static MemoryBudget shared() {
        return SHARED;
    }

    /**
     * Takes {@code bytes} from the budget if that many are left; false, taking nothing, if not.
     *
     * @param bytes how many bytes to take, 0 or more
     * @return true when they were taken, to be given back with {@link #release}
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public boolean tryReserve(long bytes) {
        return reserveBetween(bytes, bytes) == bytes;
    }

    /**
     * Takes as much as is left up to {@code most}, if that is at least {@code least}: how many
     * bytes were taken, or -1, taking nothing, when fewer than {@code least} are left.
     *
     * @param least the fewest bytes that will do, 0 or more
     * @param most  the bytes wanted, at least {@code least}
     * @return the bytes taken, from {@code least} to {@code most}, to be given back with
     *         {@link #release}; or -1
     * @throws IllegalArgumentException unless {@code 0 <= least <= most}
     */
    public long reserveBetween(long least, long most) {
        if (least < 0 || most < least) {
            throw new IllegalArgumentException("need 0 <= least <= most: " + least + ", " + most);
        }
        while (true) {
            long now = reserved.get();
            long taken = Math.min(most, limit - now);
            if (taken < least) {
                return -1;
            }
            if (reserved.compareAndSet(now, now + taken)) {
                return taken;
            }
        }
    }

    /**
     * Gives back {@code bytes} taken before.
     *
     * @param bytes how many bytes to give back, 0 or more
     * @throws IllegalArgumentException if {@code bytes} is negative
     * @throws IllegalStateException when more would be given back than is taken (nothing is)
     */
    public void release(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        }
        while (true) {
            long now = reserved.get();
            if (bytes > now) {
                throw new IllegalStateException("released " + bytes + " bytes, but only " + now + " are reserved");
            }
            if (reserved.compareAndSet(now, now - bytes)) {
                return;
            }
        }
    }

    /**
     * Bytes taken now.
     *
     * @return the bytes taken and not yet given back, across every connection sharing the budget
     */
    public long reserved() {
        return reserved.get();
    }

    /**
     * The most that may be taken at once.
     *
     * @return the budget's size in bytes
     */
    public long limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "MemoryBudget[" + reserved() + " of " + limit + " bytes]";
    }
}
