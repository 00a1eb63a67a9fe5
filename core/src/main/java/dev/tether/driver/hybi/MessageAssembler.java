package dev.tether.driver.hybi;

import dev.tether.api.CloseCodes;
import dev.tether.message.BufferPool;
import dev.tether.message.MemoryBudget;
import dev.tether.message.MessageMemory;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.message.Utf8Validator;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles data frames into messages: enforces the message size limit before memory is taken,
 * validates text as UTF-8 chunk by chunk so bad text fails on the frame that carries it, and grows
 * its buffer only as bytes actually arrive: never past twice what has arrived and a few KiB, so a
 * peer that announces a huge frame and sends part of it makes this hold little more than it sent.
 * What the buffer takes is counted against a {@link MemoryBudget} shared by many connections: a
 * message that cannot get what it needs fails with 1013 (try again later), or 1009 if it is larger
 * than the whole budget.
 *
 * <p>A message whose first frame has RSV bits set belongs to an extension (it may be compressed), so
 * its text is validated after the extension pipeline instead.
 *
 * <p>Given a {@link BufferPool}, a binary message that comes in one frame of a size the pool holds
 * is assembled in a buffer taken from it, handed to the sink as a loan: whoever ends up with it gives
 * it back. The buffer is taken once half the frame has arrived, so a peer that announces frames and
 * stalls holds no more of the pool than twice what it sent, rounded up to the pool's sizes (powers of
 * two: up to four times, for a frame just past one). Before that, from half a piece on, what
 * arrives is kept in pieces of {@value BufferPool#SMALLEST} bytes from the same pool (which the
 * buffer then takes the place of), copied over once: an array grown to half the frame would cost
 * the JVM allocating, zeroing and collecting it (past half a G1 region, as a humongous object) for
 * every message, and copies at each growth. Pieces and lent buffers are bounded by the pool, not
 * counted against the budget. Other messages, and all of them once the pool is at its bound, get
 * buffers of their own.
 */
final class MessageAssembler {

    /** Receives each whole message. */
    interface MessageSink {
        /**
         * A whole message. A binary payload is the receiver's to keep, or lent from the pool if there
         * is one. A text payload may be a view of the input, valid only during the call;
         * {@code utf8Checked} tells whether it was validated.
         */
        void message(Message message, boolean utf8Checked) throws ProtocolException;
    }

    /** How far past twice what has arrived a buffer may reach, so that small messages grow in few steps. */
    private static final int GROWTH_STEP = 4 * 1024;
    /** Text buffers up to this size are kept for the next message; larger ones are let go. */
    private static final int RETAINED_CAPACITY = 16 * 1024;

    private final int maxLength;
    private final MessageSink sink;
    private final BufferPool lender;
    private final MemoryBudget budget;
    /** What this connection's buffers hold of {@link #budget}; made by the first buffer grown. */
    private MessageMemory memory;
    /** Made by the first text message checked: a connection that never receives one holds none. */
    private Utf8Validator utf8;

    private MessageType type;
    private int rsv;
    private boolean checkUtf8;
    private boolean singleFrame;
    private boolean frameFin;
    private long frameLength;
    private long frameRead;

    private byte[] buffer;
    /** The pooled buffer a binary message is being assembled in, instead of {@link #buffer}. */
    private ByteBuffer borrowed;
    /** The frame being read may still be moved to a pooled buffer. */
    private boolean lendable;
    /** What has arrived of a lendable frame before it moves to {@link #borrowed}: full pooled pieces, then the last one; null before the first. */
    private List<ByteBuffer> pieces;
    /** The pool had no piece to spare for this frame: its first half stays in the array. */
    private boolean noPieces;
    private int size;
    private byte[] retainedTextBuffer;

    /**
     * @param lender where large binary messages take their buffers; null for none
     * @param budget what the buffers of messages being assembled are counted against
     */
    MessageAssembler(int maxLength, MessageSink sink, BufferPool lender, MemoryBudget budget) {
        this.maxLength = maxLength;
        this.sink = sink;
        this.lender = lender;
        this.budget = budget;
    }

    void frameStart(int opcode, boolean fin, int frameRsv, long length) throws ProtocolException {
        if (opcode != Opcode.CONTINUATION) {
            type = opcode == Opcode.TEXT ? MessageType.TEXT : MessageType.BINARY;
            rsv = frameRsv;
            checkUtf8 = type == MessageType.TEXT && frameRsv == 0;
            singleFrame = fin;
            size = 0;
            buffer = type == MessageType.TEXT ? retainedTextBuffer : null;
            if (checkUtf8) {
                if (utf8 == null) {
                    utf8 = new Utf8Validator();
                } else {
                    utf8.reset();
                }
            }
        }
        if (size + length > maxLength) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                    "message of at least " + (size + length) + " bytes exceeds the limit of " + maxLength);
        }
        frameLength = length;
        frameRead = 0;
        frameFin = fin;
        lendable = lender != null && opcode == Opcode.BINARY && fin && rsv == 0
                && length >= BufferPool.SMALLEST && length <= lender.largest();
        noPieces = false;
    }

    void payload(ByteBuffer chunk) throws ProtocolException {
        int n = chunk.remaining();
        if (lendable) {
            if (2L * (size + n) >= frameLength) {
                borrow();
            } else if (heldInPieces(chunk)) {
                return;
            }
        }
        if (borrowed != null) {
            borrowed.put(size, chunk, chunk.position(), n);
            size += n;
            frameRead += n;
            return;
        }
        if (checkUtf8 && !utf8.update(chunk)) {
            throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text message is not valid UTF-8");
        }
        if (singleFrame && type == MessageType.TEXT && frameRead == 0 && n == frameLength) {
            // The whole message lies in the input: decode it from there, no copy.
            frameRead = n;
            deliver(chunk);
            return;
        }
        // A message that goes on past this frame may grow to the limit: sizing its buffer to each
        // fragment in turn would copy it whole once per fragment.
        ensureCapacity(size + n, frameFin ? size + (frameLength - frameRead) : maxLength);
        chunk.get(chunk.position(), buffer, size, n);
        size += n;
        frameRead += n;
    }

    void frameEnd(boolean fin) throws ProtocolException {
        if (!fin) {
            return;
        }
        if (singleFrame && type == MessageType.TEXT && frameLength > 0 && frameRead == frameLength && size == 0) {
            return; // delivered straight from the input
        }
        if (borrowed != null) {
            ByteBuffer loan = borrowed.limit(size);
            borrowed = null;
            size = 0;
            deliver(loan);
            return;
        }
        releaseMemory(); // the buffer is the receiver's now, or retained: it holds at most a small text
        byte[] bytes = buffer == null ? new byte[0] : buffer;
        if (type == MessageType.TEXT) {
            retainedTextBuffer = bytes.length <= RETAINED_CAPACITY ? buffer : null;
        } else if (bytes.length != size) {
            bytes = Arrays.copyOf(bytes, size); // the receiver keeps it: no slack
        }
        buffer = null;
        int length = size;
        size = 0;
        deliver(ByteBuffer.wrap(bytes, 0, length));
    }

    private void deliver(ByteBuffer payload) throws ProtocolException {
        if (checkUtf8 && !utf8.isComplete()) {
            throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
        sink.message(new Message(type, rsv, payload), checkUtf8);
    }

    /** Moves the frame to a pooled buffer, with what has arrived; without one, to a buffer of its own. */
    private void borrow() throws ProtocolException {
        lendable = false; // asked once
        borrowed = lender.takeInPlaceOf((int) frameLength, pieces == null ? List.of() : pieces); // null when the pool is at its bound
        if (borrowed == null) {
            piecesToOwnBuffer();
            return;
        }
        if (buffer != null) { // less than half a piece had come
            moveArrayTo(borrowed);
        } else {
            copyPiecesTo(borrowed);
        }
        releasePieces();
    }

    /**
     * Keeps a chunk of a lendable frame's first half in pooled pieces; false, with the chunk left as
     * it is, for the caller to keep in an array: before half a piece has arrived (so that the pool
     * never holds more than twice what a peer sent), and when the pool has no piece to spare (what
     * arrived before moves to the array, where the rest of the first half goes too; at half the
     * frame may still take a free buffer of its size).
     */
    private boolean heldInPieces(ByteBuffer chunk) throws ProtocolException {
        int n = chunk.remaining();
        if (noPieces) {
            return false;
        }
        if (pieces == null) {
            if (size + n < BufferPool.SMALLEST / 2) {
                return false;
            }
            pieces = new ArrayList<>(8);
        }
        while ((long) pieces.size() * BufferPool.SMALLEST < size + n) {
            ByteBuffer piece = lender.takeSpare(BufferPool.SMALLEST); // never at the cost of a free buffer the frame could take
            if (piece == null) {
                noPieces = true;
                piecesToOwnBuffer();
                return false;
            }
            pieces.add(piece);
        }
        if (buffer != null) { // what came before half a piece
            moveArrayTo(pieces.get(0));
        }
        for (int from = chunk.position(), left = n; left > 0; ) {
            int at = size % BufferPool.SMALLEST;
            int k = Math.min(BufferPool.SMALLEST - at, left);
            pieces.get(size / BufferPool.SMALLEST).put(at, chunk, from, k);
            size += k;
            from += k;
            left -= k;
        }
        frameRead += n;
        return true;
    }

    /** Copies what the pieces hold (if what has come is there, not still in the array) to a buffer of this assembler's own, counted against the budget, and gives them back. */
    private void piecesToOwnBuffer() throws ProtocolException {
        if (pieces == null) {
            return;
        }
        try {
            if (buffer == null && size > 0) {
                ensureCapacity(size, frameLength);
                copyPiecesTo(ByteBuffer.wrap(buffer));
            }
        } finally {
            releasePieces();
        }
    }

    /** Copies the {@link #size} bytes the pieces hold to the start of {@code to}. */
    private void copyPiecesTo(ByteBuffer to) {
        for (int i = 0, at = 0; at < size; i++, at += BufferPool.SMALLEST) {
            to.put(at, pieces.get(i), 0, Math.min(BufferPool.SMALLEST, size - at));
        }
    }

    /** Moves the {@link #size} bytes the array holds to the start of {@code to}, and lets the array go. */
    private void moveArrayTo(ByteBuffer to) {
        to.put(0, buffer, 0, size);
        buffer = null;
        releaseMemory();
    }

    private void releasePieces() {
        if (pieces != null) {
            for (ByteBuffer piece : pieces) {
                lender.release(piece);
            }
            pieces = null;
        }
    }

    /** Gives back the buffer of a message that will not be finished (the connection ended). */
    void discard() {
        lendable = false;
        releasePieces();
        if (borrowed != null) {
            lender.release(borrowed);
            borrowed = null;
        }
        buffer = null;
        releaseMemory();
    }

    private void releaseMemory() {
        if (memory != null) {
            memory.release();
        }
    }

    /**
     * Makes room for {@code needed} bytes of a message that may grow to {@code bound}: as
     * {@link #capacityFor} says, or less if the budget has less left.
     *
     * @throws ProtocolException 1013 when the budget has not even {@code needed} left, 1009 when the
     *                           whole budget is less
     */
    private void ensureCapacity(int needed, long bound) throws ProtocolException {
        if (buffer != null && buffer.length >= needed) {
            return;
        }
        if (memory == null) {
            memory = new MessageMemory(budget);
        }
        int capacity = memory.grow(needed, capacityFor(needed, bound));
        buffer = buffer == null || size == 0 ? new byte[capacity] : Arrays.copyOf(buffer, capacity);
    }

    /** The capacity of the buffer being filled, 0 without one; for tests. */
    int capacity() {
        return buffer == null ? 0 : buffer.length;
    }

    /**
     * The buffer to hold {@code needed} bytes of a message that may grow to {@code bound} (at most
     * {@code Integer.MAX_VALUE}): never less than needed nor more than the bound, and otherwise twice
     * what has arrived and {@value #GROWTH_STEP} bytes. A large message is copied a few times as it
     * grows (each copy twice the last, so less than twice its size in all), while a peer that only
     * announces one, or sends part of it, gets no more than twice what it sent.
     */
    static int capacityFor(int needed, long bound) {
        long ahead = 2L * needed + GROWTH_STEP;
        return Math.toIntExact(Math.max(needed, Math.min(ahead, bound)));
    }
}
