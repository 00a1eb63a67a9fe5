package dev.tether.broker.redis;

/**
 * The sequence numbers of one node's appends that a reader has delivered, to skip an append Redis
 * took twice. Appends may reach the stream in another order than they were numbered (two threads
 * broadcasting at once, or the client re-sending what it queued during an outage), so this is not a
 * highest-seen mark but a window: the {@value #WINDOW} numbers up to the highest seen, one bit each.
 * A number further below the highest than that counts as seen: it is older than any reordering.
 * Fixed size whatever happens to the appends (some never reach Redis). Not thread-safe: the reader's
 * own.
 */
final class SeenSequences {
    /** How far below the highest number an append may still arrive; more than any publish queue. */
    static final int WINDOW = 1 << 14;

    private final long[] bits = new long[WINDOW / 64];
    private long highest;

    /** @param first the first sequence number seen */
    SeenSequences(long first) {
        highest = first;
        mark(first);
    }

    /** Marks {@code sequence} seen; false when it was already, or is older than the window. */
    boolean firstTime(long sequence) {
        if (sequence > highest) {
            for (long n = Math.max(highest + 1, sequence - WINDOW + 1); n < sequence; n++) clear(n);
            if (sequence - highest >= WINDOW) java.util.Arrays.fill(bits, 0);
            highest = sequence;
            mark(sequence);
            return true;
        }
        if (highest - sequence >= WINDOW || isMarked(sequence)) return false;
        mark(sequence);
        return true;
    }

    private void mark(long sequence) {
        int slot = (int) Math.floorMod(sequence, (long) WINDOW);
        bits[slot >>> 6] |= 1L << slot;
    }

    private void clear(long sequence) {
        int slot = (int) Math.floorMod(sequence, (long) WINDOW);
        bits[slot >>> 6] &= ~(1L << slot);
    }

    private boolean isMarked(long sequence) {
        int slot = (int) Math.floorMod(sequence, (long) WINDOW);
        return (bits[slot >>> 6] & (1L << slot)) != 0;
    }
}
