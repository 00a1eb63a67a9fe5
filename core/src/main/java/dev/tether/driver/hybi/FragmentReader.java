package dev.tether.driver.hybi;

import dev.tether.api.CloseCodes;
import dev.tether.extension.FragmentSink;
import dev.tether.message.Fragment;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns the data frames the parser validated into {@link Fragment}s: one per frame, or, for a frame
 * over the fragment size, one per piece of that size counted from the frame's start. The pieces
 * depend only on the bytes, never on how the input was split into reads. A piece's buffer is taken
 * when its first bytes arrive and grows with them, never past twice what has arrived and 4 KiB nor
 * past the piece, so a peer that announces a huge frame and sends little of it costs little. Each
 * fragment's payload is a buffer of its own, handed over to the sink.
 *
 * <p>The message size limit is checked at each frame's header, before its payload is read, as
 * {@link MessageAssembler} does.
 */
final class FragmentReader {
    private static final byte[] EMPTY = new byte[0];
    /** How far past twice what has arrived a piece's buffer may reach. */
    private static final int GROWTH_STEP = 4 * 1024;

    private final MessageLimits limits;
    private final int fragmentSize;
    private final FragmentSink sink;

    private MessageType type;
    private int rsv;
    /** The next fragment handed on begins its message. */
    private boolean first;
    /** The message's size so far, counting every frame announced, to check the limit. */
    private long size;
    private long frameUnread;
    private byte[] piece;
    /** The size the piece being read will have once whole. */
    private int pieceSize;
    private int filled;

    FragmentReader(MessageLimits limits, int fragmentSize, FragmentSink sink) {
        this.limits = limits;
        this.fragmentSize = fragmentSize;
        this.sink = sink;
    }

    void frameStart(int opcode, boolean fin, int frameRsv, long length) throws ProtocolException {
        if (opcode != Opcode.CONTINUATION) {
            type = opcode == Opcode.TEXT ? MessageType.TEXT : MessageType.BINARY;
            rsv = frameRsv;
            first = true;
            size = 0;
        }
        long limit = limits.of(type);
        if (length > limit - size) { // no overflow: size never passes the limit
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                    "message of at least " + (size + length) + " bytes exceeds the limit of " + limit);
        }
        size += length;
        frameUnread = length;
    }

    /** The next chunk of the frame's payload; read where it lies, its position left as it was. */
    void payload(ByteBuffer chunk) throws ProtocolException {
        int at = chunk.position();
        int end = chunk.limit();
        while (at < end) {
            int available = end - at;
            if (piece == null) {
                pieceSize = (int) Math.min(fragmentSize, frameUnread);
                piece = new byte[bufferFor(available)];
                filled = 0;
            } else if (filled == piece.length) {
                piece = Arrays.copyOf(piece, bufferFor(filled + (long) available));
            }
            int n = Math.min(piece.length - filled, available);
            chunk.get(at, piece, filled, n);
            at += n;
            filled += n;
            frameUnread -= n;
            if (filled == pieceSize && frameUnread > 0) {
                hand(false); // a full piece with more of the frame to come
            }
        }
    }

    /** The size of the buffer the piece being read is in, 0 without one; for tests. */
    int pieceCapacity() {
        return piece == null ? 0 : piece.length;
    }

    /** The buffer for a piece of which {@code arrived} bytes are here. */
    private int bufferFor(long arrived) {
        return (int) Math.min(pieceSize, 2 * arrived + GROWTH_STEP);
    }

    /** The frame ended: its last piece (or, for an empty frame, an empty one) is handed on. */
    void frameEnd(boolean fin) throws ProtocolException {
        hand(fin);
    }

    private void hand(boolean last) throws ProtocolException {
        byte[] bytes = piece == null ? EMPTY : piece;
        int length = piece == null ? 0 : filled;
        piece = null;
        Fragment fragment = new Fragment(type, rsv, ByteBuffer.wrap(bytes, 0, length), first, last);
        first = false;
        sink.accept(fragment);
    }
}
