package dev.tether.client.events;

import dev.tether.client.EventSourceRequest;

import java.util.concurrent.TimeUnit;

/**
 * How long the next reconnection waits, and whether one more is allowed: the retry delay, never
 * less than {@code minRetryDelay}; doubled for each reconnection in a row that did not lead to a
 * working stream, up to {@code maxRetryDelay}; none once {@code maxReconnects} have been made in a
 * row. A stream counts as working, and starts the count afresh, once it has delivered an event or
 * stayed open {@value #STABLE_SECONDS} s: a server that answers and ends every stream at once
 * (with {@code retry: 0}, say) gets the backoff of one that refuses connections, not a tight loop.
 *
 * <p>Not thread-safe: the connection calls it under its lock. Times are {@link System#nanoTime()}.
 */
final class Backoff {
    /** How long a stream that delivered no event must stay open to count as working. */
    static final long STABLE_SECONDS = 30;

    private final long minMillis;
    private final long maxMillis;
    private final int maxReconnects;
    private final long stableNanos;

    private int inARow;
    private boolean open;
    private long openedAt;

    Backoff(EventSourceRequest request) {
        this(request.minRetryDelay().toMillis(), request.maxRetryDelay().toMillis(), request.maxReconnects(),
                TimeUnit.SECONDS.toNanos(STABLE_SECONDS));
    }

    Backoff(long minMillis, long maxMillis, int maxReconnects, long stableNanos) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.maxReconnects = maxReconnects;
        this.stableNanos = stableNanos;
    }

    /** A stream opened at {@code now}. */
    void opened(long now) {
        open = true;
        openedAt = now;
    }

    /** The open stream delivered an event: it works. */
    void delivered() {
        inARow = 0;
    }

    /** The attempt failed or its stream ended at {@code now}. */
    void ended(long now) {
        if (open && now - openedAt >= stableNanos) inARow = 0;
        open = false;
    }

    /** Reconnections made in a row without a working stream. */
    int inARow() {
        return inARow;
    }

    /** Whether {@code maxReconnects} reconnections in a row have been made already. */
    boolean exhausted() {
        return inARow >= maxReconnects;
    }

    /**
     * The delay of the reconnection about to be made, which it counts: {@code retryMillis} (at least
     * {@code minRetryDelay}) after a working stream, then twice as long for each in a row, never more
     * than {@code maxRetryDelay} unless the retry delay itself is more.
     */
    long next(long retryMillis) {
        long base = Math.max(retryMillis, minMillis);
        long delay = base;
        if (inARow > 0) {
            long cap = Math.max(base, maxMillis);
            int doublings = Math.min(inARow, 40);
            delay = Math.min(cap, base > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : base << doublings);
        }
        inARow++;
        return delay;
    }
}
