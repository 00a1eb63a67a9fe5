package dev.tether.it.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The bytes of a streamed message, made on the fly and never stored: the 8 bytes at message offset
 * {@code 8w} are SplitMix64 of word index {@code w} and the seed, so every byte depends on where it
 * stands (a part echoed twice, left out or moved shows as a difference) and the receiver can make
 * the same bytes again to compare with what arrives.
 */
public final class StreamPattern {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long seed;

    public StreamPattern(long seed) {
        this.seed = seed;
    }

    /** The 8 bytes at word index {@code word} (message offset {@code 8 * word}), little-endian. */
    public long word(long word) {
        long z = seed + (word + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Writes the message's bytes from offset {@code from} ({@code from} a multiple of 8) into
     * {@code to[at … at+length)}, each word XORed with {@code mask} (0 for none): a client's masked
     * frame payload in one pass.
     */
    public void fill(long from, byte[] to, int at, int length, long mask) {
        if ((from & 7) != 0) throw new IllegalArgumentException("from must be a multiple of 8: " + from);
        long word = from >>> 3;
        int end = at + length;
        int i = at;
        for (; i + 8 <= end; i += 8) {
            LONGS.set(to, i, word(word++) ^ mask);
        }
        if (i < end) {
            long last = word(word) ^ mask;
            for (int b = 0; i < end; i++, b++) {
                to[i] = (byte) (last >>> (8 * b));
            }
        }
    }

    /**
     * Where in the message the 8 bytes {@code value} (a {@link #word}) stand, searching word indexes
     * within {@code span} of {@code near}: the message offset, or -1 when they are nowhere near.
     */
    public long locate(long value, long near, long span) {
        for (long w = Math.max(0, near - span); w <= near + span; w++) {
            if (word(w) == value) return 8 * w;
        }
        return -1;
    }

    /** The little-endian word at {@code at} in {@code bytes}. */
    public static long wordAt(byte[] bytes, int at) {
        return (long) LONGS.get(bytes, at);
    }

    /**
     * Writes the message's bytes at offsets {@code [from, from+length)}, for any {@code from}, into
     * {@code to[0 … length)}; {@code to} needs {@code length + 8} bytes of room.
     */
    public void bytesAt(long from, byte[] to, int length) {
        int skip = (int) (from & 7);
        if (skip == 0) {
            fill(from, to, 0, length, 0);
            return;
        }
        fill(from - skip, to, 0, length + skip, 0);
        System.arraycopy(to, skip, to, 0, length);
    }
}
