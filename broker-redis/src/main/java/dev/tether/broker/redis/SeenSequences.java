package dev.tether.broker.redis;

import java.util.TreeSet;

/**
 * The sequence numbers of one node's appends that a reader has delivered, to skip an append Redis
 * took twice. Not a highest-seen mark: after a reconnection the client may send the appends it
 * queued in another order than they were made, and a later one arriving first must not hide the
 * earlier ones. Holds every number up to {@link #through()} and the ones above it seen so far; a gap
 * that stays open while {@value #MAX_AHEAD} later numbers arrive is given up as lost. Not
 * thread-safe: the reader's own.
 */
final class SeenSequences {
    static final int MAX_AHEAD = 65_536;

    private long through;
    private final TreeSet<Long> ahead = new TreeSet<>();

    /** @param first the first sequence number seen; every earlier one counts as seen */
    SeenSequences(long first) {
        this.through = first;
    }

    /** Marks {@code sequence} seen; false when it was already (a duplicate). */
    boolean firstTime(long sequence) {
        if (sequence <= through || !ahead.add(sequence)) return false;
        while (ahead.remove(through + 1)) through++;
        return true;
    }

    /**
     * How many numbers were given up as lost by the last {@link #firstTime} (zero mostly): the gap
     * below the oldest number held ahead, once more than {@value #MAX_AHEAD} are.
     */
    long giveUpIfTooFarAhead() {
        if (ahead.size() <= MAX_AHEAD) return 0;
        long oldest = ahead.first();
        long lost = oldest - through - 1;
        through = oldest - 1;
        while (ahead.remove(through + 1)) through++;
        return lost;
    }

    /** Every number up to this one has been seen. */
    long through() {
        return through;
    }
}
