package dev.tether.extension.deflate;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The budget of compression contexts (Deflaters) shared by every session of one
 * {@link PerMessageDeflate}: a session takes a permit before it creates its Deflater and gives it
 * back when it ends it. Thread-safe: sessions of different connections run on different threads.
 */
final class CompressionContexts {
    private final int max;
    private final AtomicInteger inUse = new AtomicInteger();

    /** @param max the most permits out at once; 0 gives none */
    CompressionContexts(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        this.max = max;
    }

    /** Takes a permit if one is free; false, taking nothing, when all {@link #max} are out. */
    boolean tryAcquire() {
        while (true) {
            int current = inUse.get();
            if (current >= max) {
                return false;
            }
            if (inUse.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives back a permit taken by {@link #tryAcquire}; exactly once for each. */
    void release() {
        while (true) {
            int current = inUse.get();
            if (current == 0) {
                throw new IllegalStateException("permessage-deflate: a compression context given back twice");
            }
            if (inUse.compareAndSet(current, current - 1)) {
                return;
            }
        }
    }

    /** The permits out now. */
    int inUse() {
        return inUse.get();
    }

    /** The most permits out at once. */
    int max() {
        return max;
    }
}
