package dev.tether.message;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Buffers for large incoming messages, lent to whoever receives the message and given back when it
 * is done with them. Taking a fresh array for every large message costs more than the message's
 * parsing: the JVM zeroes it, and past half a G1 region it is a humongous allocation; a direct
 * buffer can moreover be written to a socket without the JDK's copy into direct memory.
 *
 * <p>Buffer sizes are powers of two from {@value #SMALLEST} bytes up to the pool's largest. The
 * pool is bounded: the buffers it has made and still accounts for, lent and free together, never
 * pass {@code maxBytes}. Past that, {@link #take} answers null and the caller allocates an
 * ordinary buffer of its own, as it does for sizes outside the pool's (and when the JVM has no
 * direct memory left). Thread-safe; buffers are made outside its lock.
 */
public final class BufferPool {
    /** The smallest buffer: below it a fresh array costs little. */
    public static final int SMALLEST = 64 * 1024;

    private final boolean direct;
    private final int largest;
    private final long maxBytes;
    /** Free buffers by size class: index 0 holds {@link #SMALLEST} bytes, each next one twice that. */
    private final List<ArrayDeque<ByteBuffer>> free = new ArrayList<>();
    private final Set<ByteBuffer> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Bytes of every buffer lent or free. */
    private long bytes;

    /**
     * @param direct   whether the buffers are direct (for a transport that writes them without a copy)
     *                 or heap buffers
     * @param largest  the largest buffer, a power of two of at least {@value #SMALLEST} bytes
     * @param maxBytes the most this pool holds, lent and free together
     */
    public BufferPool(boolean direct, int largest, long maxBytes) {
        if (largest < SMALLEST || Integer.bitCount(largest) != 1) {
            throw new IllegalArgumentException("largest must be a power of two of at least " + SMALLEST + ": " + largest);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        this.direct = direct;
        this.largest = largest;
        this.maxBytes = maxBytes;
        for (int i = 0; i <= sizeClass(largest); i++) {
            free.add(new ArrayDeque<>(2));
        }
    }

    /**
     * Whether this pool lends direct buffers.
     *
     * @return true for direct buffers, false for heap buffers
     */
    public boolean isDirect() {
        return direct;
    }

    /**
     * The largest buffer this pool lends.
     *
     * @return the largest size {@link #take} serves, in bytes; a power of two
     */
    public int largest() {
        return largest;
    }

    /**
     * A buffer of {@code size} bytes (position 0, limit {@code size}, big-endian; its capacity may be
     * larger, and what lies past the limit is left from earlier use), or null when {@code size} is
     * outside this pool's sizes, the pool is at its bound, or the memory cannot be had.
     *
     * @param size the bytes needed, {@value #SMALLEST} to {@link #largest()} for a pooled buffer
     * @return the buffer, lent until {@link #release}; or null, and the caller allocates its own
     */
    public ByteBuffer take(int size) {
        return take(size, List.of(), true);
    }

    /**
     * As {@link #take}, but only from what the pool has to spare: a free buffer of the size, or room
     * under the bound; never by dropping free buffers of other sizes, which the next large message
     * would then have to make again.
     *
     * @param size the bytes needed, as for {@link #take}
     * @return the buffer, lent until {@link #release}; or null
     */
    public ByteBuffer takeSpare(int size) {
        return take(size, List.of(), false);
    }

    private ByteBuffer take(int size, List<ByteBuffer> inPlaceOf, boolean dropping) {
        if (size < SMALLEST || size > largest) {
            return null;
        }
        int sizeClass = sizeClass(size);
        int capacity = SMALLEST << sizeClass;
        ByteBuffer buffer;
        synchronized (this) {
            buffer = free.get(sizeClass).poll();
            if (buffer == null) {
                if (bytes + capacity > maxBytes && !(dropping && dropFreeBuffers(bytes + capacity - maxBytes))
                        && !forget(inPlaceOf, capacity)) {
                    return null;
                }
                bytes += capacity; // counted now, made below: allocating (and zeroing) takes no lock
            }
        }
        if (buffer == null) {
            try {
                buffer = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
            } catch (OutOfMemoryError noMemory) {
                synchronized (this) {
                    bytes -= capacity;
                }
                return null; // the caller makes do with an array of its own
            }
        }
        synchronized (this) {
            lent.add(buffer);
        }
        return buffer.clear().order(ByteOrder.BIG_ENDIAN).limit(size);
    }

    /** Under the lock: stops counting the lent buffers among {@code held} when that makes room for {@code capacity} more bytes; whether it did. */
    private boolean forget(List<ByteBuffer> held, int capacity) {
        long heldBytes = 0;
        for (ByteBuffer b : held) {
            if (lent.contains(b)) {
                heldBytes += b.capacity();
            }
        }
        long over = bytes - heldBytes + capacity - maxBytes;
        if (heldBytes == 0 || (over > 0 && !dropFreeBuffers(over))) {
            return false;
        }
        for (ByteBuffer b : held) {
            if (lent.remove(b)) {
                bytes -= b.capacity();
            }
        }
        return true;
    }

    /**
     * As {@link #take}, for a caller about to copy buffers this pool lent it into the new one: when
     * the pool is at its bound only because of them, they stop counting, so that moving into one
     * large buffer never needs room for both. Those are dropped, not freed for reuse (the caller
     * reads them after this returns, then lets them go); when the new buffer fits beside them they
     * stay lent, and the caller gives them back as usual.
     *
     * @param size      the bytes needed, as for {@link #take}
     * @param inPlaceOf buffers this pool lent the caller, whose room the new buffer may take
     * @return the buffer, lent until {@link #release}; or null, and the caller allocates its own (and
     *         gives the held buffers back as usual: a buffer the pool no longer counts is ignored)
     */
    public ByteBuffer takeInPlaceOf(int size, List<ByteBuffer> inPlaceOf) {
        return take(size, inPlaceOf, true);
    }

    /**
     * Gives back a buffer from {@link #take}; the caller must not use it again. A buffer this pool
     * did not lend (or that was given back already) is ignored, so a receiver may give back every
     * message buffer it got, pooled or not.
     *
     * @param buffer the buffer to give back
     */
    public synchronized void release(ByteBuffer buffer) {
        if (lent.remove(buffer)) {
            free.get(sizeClass(buffer.capacity())).push(buffer);
        }
    }

    /**
     * Bytes of the buffers lent and free; for tests and monitoring.
     *
     * @return the capacity of every buffer the pool accounts for, at most {@code maxBytes}
     */
    public synchronized long bytes() {
        return bytes;
    }

    /**
     * Buffers lent and not yet given back; for tests and monitoring.
     *
     * @return the number of buffers lent now
     */
    public synchronized int lentCount() {
        return lent.size();
    }

    /** Lets free buffers go (to the garbage collector) until {@code needed} bytes are freed; false if they don't add up. */
    private boolean dropFreeBuffers(long needed) {
        long freeBytes = 0;
        for (int i = 0; i < free.size(); i++) {
            freeBytes += (long) free.get(i).size() * (SMALLEST << i);
        }
        if (freeBytes < needed) {
            return false;
        }
        long dropped = 0;
        for (int i = 0; i < free.size() && dropped < needed; i++) {
            while (!free.get(i).isEmpty() && dropped < needed) {
                free.get(i).pop();
                dropped += SMALLEST << i;
            }
        }
        bytes -= dropped;
        return true;
    }

    private static int sizeClass(int size) {
        int roundedUp = Integer.highestOneBit(size) == size ? size : Integer.highestOneBit(size) << 1;
        return Integer.numberOfTrailingZeros(roundedUp) - Integer.numberOfTrailingZeros(SMALLEST);
    }
}
