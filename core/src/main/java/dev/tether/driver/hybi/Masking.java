package dev.tether.driver.hybi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;

/**
 * RFC 6455 §5.3 payload masking: every payload byte {@code i} is XORed with byte {@code i mod 4}
 * of a 4-byte mask key. Masking and unmasking are the same operation.
 *
 * <p>The mask key is passed as an {@code int} in network order: the first mask byte on the wire
 * is the high 8 bits. Both methods work 8 bytes at a time with the key spread over a
 * {@code long}, so they run close to memory bandwidth on large payloads.
 */
public final class Masking {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    // Native order on both views: the spread mask is built once for that order, whatever order
    // the caller's ByteBuffer is set to.
    private static final VarHandle ARRAY_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, NATIVE);
    private static final VarHandle BUFFER_LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, NATIVE);
    /** From this many bytes on, a buffer without an array is masked through one (see the buffer version of xor). */
    private static final int THROUGH_AN_ARRAY = 256;
    /** The scratch array's size: a multiple of 4, so that every piece starts at key byte 0. */
    private static final int SCRATCH = 4096;

    private Masking() {
    }

    /**
     * Unmasks (or masks) the bytes from {@code buf.position()} to {@code buf.limit()} in place,
     * without moving position or limit.
     *
     * @param buf        the payload bytes; heap or direct, not read-only
     * @param maskKey    the 4-byte mask key, first wire byte in the high 8 bits
     * @param maskOffset index (0..3) into the mask key of the byte at {@code buf.position()}, that
     *                   is the payload offset of that byte mod 4; lets a payload that arrives in
     *                   several reads be unmasked chunk by chunk
     * @throws ReadOnlyBufferException  if {@code buf} is read-only and the key is not zero
     * @throws IllegalArgumentException if {@code maskOffset} is not in 0..3
     */
    public static void unmask(ByteBuffer buf, int maskKey, int maskOffset) {
        if ((maskOffset & ~3) != 0) {
            throw new IllegalArgumentException("maskOffset must be 0..3: " + maskOffset);
        }
        if (maskKey == 0) {
            return; // XOR with zero changes nothing: an unmasked (client-side) read-only input is fine
        }
        if (buf.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        // Rotate so the key byte for buf.position() is the high byte: from here on offset is 0.
        int key = Integer.rotateLeft(maskKey, 8 * maskOffset);
        int position = buf.position();
        int length = buf.limit() - position;
        if (buf.hasArray()) {
            int start = buf.arrayOffset() + position;
            xor(buf.array(), start, buf.array(), start, length, key);
        } else {
            xor(buf, position, buf, position, length, key);
        }
    }

    /**
     * Copies the {@code src.remaining()} bytes of {@code src} into {@code dst}, masked, leaving
     * {@code src}'s bytes untouched (a client must not change the caller's data). Mask offset 0 is
     * at {@code src.position()}. Both positions advance by the number of bytes copied.
     *
     * @param src     the bytes to mask; not modified
     * @param dst     where the masked bytes go; must not overlap {@code src} other than exactly
     * @param maskKey the 4-byte mask key, first wire byte in the high 8 bits
     * @throws BufferOverflowException  if {@code dst} has less room than {@code src.remaining()}
     * @throws ReadOnlyBufferException  if {@code dst} is read-only
     * @throws IllegalArgumentException if {@code src} and {@code dst} are the same buffer object
     */
    public static void mask(ByteBuffer src, ByteBuffer dst, int maskKey) {
        if (src == dst) {
            throw new IllegalArgumentException("src and dst are the same buffer");
        }
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int length = src.remaining();
        if (dst.remaining() < length) {
            throw new BufferOverflowException();
        }
        int srcPosition = src.position();
        int dstPosition = dst.position();
        if (src.hasArray() && dst.hasArray()) {
            xor(src.array(), src.arrayOffset() + srcPosition, dst.array(), dst.arrayOffset() + dstPosition,
                    length, maskKey);
        } else {
            xor(src, srcPosition, dst, dstPosition, length, maskKey);
        }
        src.position(srcPosition + length);
        dst.position(dstPosition + length);
    }

    /** dst[dstAt + i] = src[srcAt + i] ^ key byte (i mod 4); src and dst may be the same region. */
    private static void xor(byte[] src, int srcAt, byte[] dst, int dstAt, int length, int key) {
        long wideKey = spread(key);
        int i = 0;
        // Keep this loop plain: C2 vectorizes it (SuperWord) as is; unrolled by hand it ran 2-3x slower.
        for (int end = length - 7; i < end; i += 8) {
            ARRAY_LONGS.set(dst, dstAt + i, (long) ARRAY_LONGS.get(src, srcAt + i) ^ wideKey);
        }
        // i is a multiple of 8 here, so the tail starts again at key byte 0.
        for (int shift = 24; i < length; i++, shift = (shift - 8) & 31) {
            dst[dstAt + i] = (byte) (src[srcAt + i] ^ (key >>> shift));
        }
    }

    /**
     * The same as the array version, on absolute buffer indices, for buffers without an accessible
     * array (direct or read-only). Going long by long through a buffer's accessors runs about ten
     * times slower than the array loop, which the JIT vectorizes; so the bytes go through an array:
     * copied in bulk (a memory copy) into the destination's own array, or a small scratch array that
     * stays in the L1 cache, and masked there.
     */
    private static void xor(ByteBuffer src, int srcAt, ByteBuffer dst, int dstAt, int length, int key) {
        if (length < THROUGH_AN_ARRAY) {
            long wideKey = spread(key);
            int i = 0;
            for (int end = length - 7; i < end; i += 8) {
                BUFFER_LONGS.set(dst, dstAt + i, (long) BUFFER_LONGS.get(src, srcAt + i) ^ wideKey);
            }
            for (int shift = 24; i < length; i++, shift = (shift - 8) & 31) {
                dst.put(dstAt + i, (byte) (src.get(srcAt + i) ^ (key >>> shift)));
            }
            return;
        }
        if (dst.hasArray()) {
            int at = dst.arrayOffset() + dstAt;
            src.get(srcAt, dst.array(), at, length);
            xor(dst.array(), at, dst.array(), at, length, key);
            return;
        }
        byte[] scratch = new byte[Math.min(SCRATCH, length)];
        // Each piece starts a multiple of 4 bytes in, at key byte 0 again.
        for (int done = 0; done < length; done += scratch.length) {
            int n = Math.min(scratch.length, length - done);
            if (src.hasArray()) {
                xor(src.array(), src.arrayOffset() + srcAt + done, scratch, 0, n, key);
            } else {
                src.get(srcAt + done, scratch, 0, n);
                xor(scratch, 0, scratch, 0, n, key);
            }
            dst.put(dstAt + done, scratch, 0, n);
        }
    }

    /**
     * Repeats the key twice in a long laid out so that, read from memory in native order, byte
     * {@code i} of the long lines up with key byte {@code i mod 4}.
     */
    private static long spread(int key) {
        int inMemoryOrder = NATIVE == ByteOrder.BIG_ENDIAN ? key : Integer.reverseBytes(key);
        return (inMemoryOrder & 0xFFFF_FFFFL) | ((long) inMemoryOrder << 32);
    }
}
