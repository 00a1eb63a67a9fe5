package dev.tether.extension.deflate;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * The sending half of permessage-deflate (RFC 7692 §7.2.1): compresses a message, whole or part by
 * part, into one DEFLATE stream per connection (context takeover) or per message.
 *
 * <p>Each part is compressed with a sync flush, so what is sent for a part can be inflated as soon
 * as it arrives; at the message's end the flush's trailing {@code 00 00 ff ff} is left out, as the
 * receiver appends it. The {@link Deflater} is created when the first message is compressed (a
 * connection that never compresses never holds one) and, without context takeover, ended after each
 * message, so an idle connection holds no zlib memory.
 *
 * <p>Each Deflater is held on a permit of the {@link CompressionContexts} budget shared by the
 * sessions of one {@link PerMessageDeflate}: taken before it is created, given back when it is
 * ended, so exactly once for each Deflater whatever ends it. When no permit is free,
 * {@link #startMessage} says so and the message goes uncompressed; the next one tries again.
 */
final class Compressor {
    /** The empty stored block's LEN/NLEN that ends a sync flush (RFC 7692 §7.2.1). */
    static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
    /** Given to a stream as input once it is used up, so it holds no reference to the caller's buffer. */
    static final byte[] NO_INPUT = new byte[0];

    private final Zlib zlib;
    private final CompressionContexts contexts;
    private final int level;
    private final boolean contextPerMessage;
    private final boolean huffmanOnly;
    private Deflater deflater;
    private boolean closed;

    /**
     * @param contexts          the budget each Deflater takes a permit of
     * @param contextPerMessage no context takeover: every message starts a fresh DEFLATE stream
     * @param huffmanOnly       the peer's window is smaller than the 15 bits java.util.zip matches
     *                          strings in: Huffman coding only, which refers back to nothing and so
     *                          fits any window
     */
    Compressor(Zlib zlib, CompressionContexts contexts, int level, boolean contextPerMessage, boolean huffmanOnly) {
        this.zlib = zlib;
        this.contexts = contexts;
        this.level = level;
        this.contextPerMessage = contextPerMessage;
        this.huffmanOnly = huffmanOnly;
    }

    /**
     * Called before a message is compressed: makes sure a Deflater is held, creating one on a permit
     * of the budget if there is none yet.
     *
     * @return whether the message can be compressed; false when no Deflater is held and every permit
     *         is out: send this message uncompressed (RFC 7692 §6 allows it)
     * @throws IllegalStateException after {@link #close}
     */
    boolean startMessage() {
        if (closed) {
            throw new IllegalStateException("permessage-deflate: compressing after close");
        }
        if (deflater != null) {
            return true;
        }
        if (!contexts.tryAcquire()) {
            return false;
        }
        try {
            deflater = zlib.deflater(level);
            if (huffmanOnly) {
                deflater.setStrategy(Deflater.HUFFMAN_ONLY);
            }
        } catch (Throwable e) {
            contexts.release(); // no Deflater, no permit
            throw e;
        }
        return true;
    }

    /** Unused room a compressed part may keep in its array before it is copied to its size. */
    private static final int SPARE_ALLOWED = 4096;

    /**
     * Compresses the next part of a message begun with a successful {@link #startMessage}.
     *
     * @param data the bytes, from position to limit; read, not changed
     * @param last whether the message ends with this part
     * @return the compressed bytes to send; for the last part never empty (an empty stored block's
     *         first byte {@code 00} when nothing is left to flush, RFC 7692 §7.2.3.6)
     * @throws IllegalStateException after {@link #close}, or without a Deflater (no
     *                               {@link #startMessage}, or it returned false)
     */
    ByteBuffer compress(ByteBuffer data, boolean last) {
        if (closed) {
            throw new IllegalStateException("permessage-deflate: compressing after close");
        }
        if (deflater == null) {
            throw new IllegalStateException("permessage-deflate: compressing without a compression context");
        }
        try {
            deflater.setInput(data.duplicate()); // the duplicate's position moves, the caller's does not
            int length = data.remaining();
            byte[] out = new byte[length + (length >> 12) + (length >> 14) + 64]; // zlib's deflateBound, and a flush
            int n = 0;
            while (true) {
                n += deflater.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
                if (n < out.length && deflater.needsInput()) {
                    break; // with room left and the input taken, zlib has finished the flush
                }
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                // else: a strategy just set takes effect in a call of its own, before the input is read
            }
            deflater.setInput(NO_INPUT); // all of it was read: let go of the caller's buffer
            if (last) {
                n = endOfMessage(out, n);
                if (contextPerMessage) {
                    release();
                }
            }
            // The frame may wait in the outbound queue: it holds what it compressed to, not the message's size.
            return ByteBuffer.wrap(out.length - n > SPARE_ALLOWED ? Arrays.copyOf(out, n) : out, 0, n);
        } catch (RuntimeException | Error e) {
            // The Deflater took input the peer will never see: with context takeover its next message
            // could refer back to it. A fresh stream (and the permit back) keeps both ends in step.
            release();
            throw e;
        }
    }

    /** Leaves out the flush's tail; when the stream was already flushed, sends the {@code 00} it needs. */
    private static int endOfMessage(byte[] out, int n) {
        if (n == 0) {
            out[0] = 0x00; // with the receiver's 00 00 ff ff: an empty stored block
            return 1;
        }
        if (n < TAIL.length || !endsWithTail(out, n)) {
            throw new IllegalStateException("permessage-deflate: a sync flush did not end with 00 00 ff ff");
        }
        return n - TAIL.length;
    }

    private static boolean endsWithTail(byte[] out, int n) {
        for (int i = 0; i < TAIL.length; i++) {
            if (out[n - TAIL.length + i] != TAIL[i]) {
                return false;
            }
        }
        return true;
    }

    /** Ends the Deflater if one is held, and gives its permit back. */
    private void release() {
        if (deflater != null) {
            Deflater held = deflater;
            deflater = null; // before end(): never ended twice, even if end() throws
            try {
                held.end();
            } finally {
                contexts.release(); // once per Deflater, as it is ended once
            }
        }
    }

    /** Whether a Deflater is held now (its native memory). */
    boolean holdsContext() {
        return deflater != null;
    }

    /** Ends the Deflater, once; compressing afterwards throws. Idempotent. */
    void close() {
        closed = true;
        release();
    }
}
