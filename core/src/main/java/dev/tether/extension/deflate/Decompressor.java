package dev.tether.extension.deflate;

import dev.tether.api.CloseCodes;
import dev.tether.extension.FragmentSink;
import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The receiving half of permessage-deflate (RFC 7692 §7.2.2): inflates the fragments of compressed
 * messages as they arrive, appending {@code 00 00 ff ff} at each message's end, and passes the
 * inflated bytes on in chunks.
 *
 * <p>Inflation is bounded: the inflated size of one message is counted while inflating, into
 * chunks never larger than what the limit still allows plus one byte, so a message that inflates
 * past {@code maxLength} fails with 1009 after at most {@code maxLength + 1} bytes of output, and
 * no more memory than that is ever taken for it. Invalid DEFLATE data fails with 1007, the code
 * for data inconsistent with its message (RFC 6455 §7.4.1), which ws and Jetty use as well.
 *
 * <p>A peer may end a message's DEFLATE stream with a block that has BFINAL set (RFC 7692
 * §7.2.3.4). What follows it may only be the empty block of §7.2.1 ({@code 00}) and the tail appended
 * here; anything else would be data thrown away, and fails with 1007. The peer's next message then
 * starts a new stream with an empty window: one that refers back past its own start fails with 1007
 * (no peer known to flush with BFINAL takes over its window afterwards).
 *
 * <p>The {@link Inflater} is created with the first compressed message and, when the peer does not
 * take over its context, ended after each message, so an idle connection holds no zlib memory.
 */
final class Decompressor {
    /** The largest chunk passed on: inflation output is cut into pieces of at most this size. */
    static final int CHUNK = 16 * 1024;
    private static final int FIRST_CHUNK_MIN = 256;
    /** What may follow a block with BFINAL: the empty block the sender appended (RFC 7692 §7.2.1), then our tail. */
    private static final byte[] AFTER_FINAL_BLOCK = {0x00, 0x00, 0x00, (byte) 0xff, (byte) 0xff};

    private final Zlib zlib;
    private final boolean contextPerMessage;
    private final long maxLength;
    private Inflater inflater;
    private boolean closed;

    // the message being inflated
    private long inflatedSize;
    private long compressedSize;
    /** The peer ended its DEFLATE stream (a block with BFINAL): the rest of the message is checked, not inflated. */
    private boolean streamEnded;
    /** How many bytes followed the block with BFINAL, and the first of them; more than these fail at once. */
    private int afterFinal;
    private final byte[] afterFinalBytes = new byte[AFTER_FINAL_BLOCK.length];
    private boolean firstOut = true;
    private int nextChunk;
    private byte[] chunk;
    private int filled;

    /**
     * @param contextPerMessage the peer does not take over its context: a fresh stream per message
     * @param maxLength         the largest inflated message accepted
     */
    Decompressor(Zlib zlib, boolean contextPerMessage, long maxLength) {
        this.zlib = zlib;
        this.contextPerMessage = contextPerMessage;
        this.maxLength = maxLength;
    }

    /**
     * Inflates one fragment of a compressed message and passes on what it gives, without RSV1: for
     * each message exactly one fragment with {@code first} and one with {@code last}, possibly
     * empty. The fragment's payload is consumed.
     *
     * @throws ProtocolException 1007 for invalid DEFLATE data, 1009 past {@code maxLength}
     * @throws IllegalStateException after {@link #close}
     */
    void inflate(Fragment fragment, FragmentSink next) throws ProtocolException {
        if (closed) {
            throw new IllegalStateException("permessage-deflate: inflating after close");
        }
        if (fragment.first()) {
            startMessage(fragment.payload().remaining());
        }
        int rsv = fragment.rsv() & ~Message.RSV1;
        ByteBuffer payload = fragment.payload();
        compressedSize += payload.remaining();
        if (payload.hasRemaining()) {
            run(payload, fragment, rsv, next);
        }
        if (fragment.last()) {
            if (compressedSize > 0) { // an empty compressed payload is an empty message (RFC 7692 §7.2.3.6)
                run(ByteBuffer.wrap(Compressor.TAIL), fragment, rsv, next);
            }
            if (streamEnded) {
                checkAfterFinalBlock();
            }
            emit(fragment, rsv, true, next);
            endMessage();
        } else if (filled > 0) {
            emit(fragment, rsv, false, next); // pass on what this fragment gave, for streaming
        }
    }

    private void startMessage(int firstPayload) {
        inflatedSize = 0;
        compressedSize = 0;
        streamEnded = false;
        afterFinal = 0;
        firstOut = true;
        chunk = null; // what a message that failed may have left
        filled = 0;
        nextChunk = (int) Math.min(CHUNK, Math.max(FIRST_CHUNK_MIN, 4L * firstPayload));
        if (inflater == null) {
            inflater = zlib.inflater();
        }
    }

    private void run(ByteBuffer input, Fragment fragment, int rsv, FragmentSink next) throws ProtocolException {
        if (streamEnded) {
            collectAfterFinalBlock(input);
            return;
        }
        inflater.setInput(input);
        while (true) {
            if (chunk == null) {
                // at most one byte past the limit: enough to know the message is too big
                chunk = new byte[(int) Math.min(nextChunk, roomPastLimit())];
                filled = 0;
            }
            int n;
            try {
                // a chunk used again may be larger than what is left: still at most one byte past the limit
                n = inflater.inflate(chunk, filled, (int) Math.min(chunk.length - filled, roomPastLimit()));
            } catch (DataFormatException e) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD,
                        "permessage-deflate: invalid compressed data: " + e.getMessage());
            }
            filled += n;
            inflatedSize += n;
            if (inflatedSize > maxLength) {
                throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                        "inflated message exceeds the limit of " + maxLength + " bytes");
            }
            if (inflater.finished()) {
                streamEnded = true;
                collectAfterFinalBlock(input); // the inflater has read up to the end of the stream
                return;
            }
            if (inflater.needsDictionary()) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD,
                        "permessage-deflate: invalid compressed data: a preset dictionary is asked for");
            }
            if (filled == chunk.length) {
                nextChunk = Math.min(CHUNK, nextChunk * 2); // it filled up: the next may be larger
                emit(fragment, rsv, false, next);
            } else if (n == 0 || inflater.needsInput()) {
                return; // input used up (zlib fills the output first)
            }
        }
    }

    private void collectAfterFinalBlock(ByteBuffer input) throws ProtocolException {
        while (input.hasRemaining()) {
            if (afterFinal == afterFinalBytes.length) {
                throw dataAfterFinalBlock();
            }
            afterFinalBytes[afterFinal++] = input.get();
        }
    }

    /**
     * What followed the block with BFINAL must be nothing (the block took our tail), our tail, or
     * the sender's empty block and our tail: all a compliant sender can leave.
     */
    private void checkAfterFinalBlock() throws ProtocolException {
        boolean compliant = afterFinal == 0 || afterFinal >= Compressor.TAIL.length && Arrays.equals(
                afterFinalBytes, 0, afterFinal, AFTER_FINAL_BLOCK, AFTER_FINAL_BLOCK.length - afterFinal, AFTER_FINAL_BLOCK.length);
        if (!compliant) {
            throw dataAfterFinalBlock();
        }
    }

    private static ProtocolException dataAfterFinalBlock() {
        return new ProtocolException(CloseCodes.INVALID_PAYLOAD,
                "permessage-deflate: invalid compressed data: data after the final block");
    }

    /**
     * Passes on what was inflated since the last time. A full chunk goes as it is; a partly filled
     * one goes as a copy of just its bytes and is used again, so a message in many tiny frames costs
     * memory in proportion to what it inflates to, not a chunk per frame.
     */
    private void emit(Fragment fragment, int rsv, boolean last, FragmentSink next) throws ProtocolException {
        ByteBuffer out;
        if (chunk == null) {
            out = ByteBuffer.allocate(0);
        } else if (filled == chunk.length) {
            out = ByteBuffer.wrap(chunk);
            chunk = null;
        } else {
            out = ByteBuffer.wrap(Arrays.copyOf(chunk, filled));
            if (last) chunk = null; // an idle connection keeps no chunk
        }
        filled = 0;
        boolean first = firstOut;
        firstOut = false;
        next.accept(new Fragment(fragment.type(), rsv, out, first, last));
    }

    private void endMessage() {
        if (inflater != null) {
            inflater.setInput(Compressor.NO_INPUT); // let go of the last fragment's buffer
        }
        if (contextPerMessage) {
            release();
        } else if (streamEnded) {
            inflater.reset(); // the peer ended its stream: its next message starts a new one
        }
    }

    private void release() {
        if (inflater != null) {
            Inflater held = inflater;
            inflater = null; // before end(): never ended twice, even if end() throws
            held.end();
        }
    }

    /** Whether an Inflater is held now (its native memory). */
    boolean holdsContext() {
        return inflater != null;
    }

    /** Ends the Inflater, once; inflating afterwards throws. Idempotent. */
    void close() {
        closed = true;
        chunk = null;
        release();
    }

    /** What may still be inflated: up to one byte past the limit, enough to know a message is too big; no limit, none. */
    private long roomPastLimit() {
        long left = maxLength - inflatedSize;
        return left == Long.MAX_VALUE ? left : left + 1;
    }
}
