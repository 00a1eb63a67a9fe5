package dev.tether.driver.hybi;

import dev.tether.driver.WireOutput;
import dev.tether.protocol.Role;

import java.nio.ByteBuffer;
import java.util.function.IntSupplier;

/**
 * Turns frames into bytes. In the server role a payload goes out as it is, after its small header
 * (a gathering write: no copy to put a header in front of it), except that tiny payloads are copied
 * next to their header because one small buffer is cheaper than two. In the client role each frame
 * is masked with a fresh key into one new buffer, leaving the caller's payload untouched.
 */
final class FrameWriter {
    /** Below this size a server payload is copied next to its header instead of gathered. */
    static final int GATHER_THRESHOLD = 256;

    private final boolean mask;
    private final IntSupplier maskKeys;
    private final WireOutput out;

    FrameWriter(Role role, IntSupplier maskKeys, WireOutput out) {
        this.mask = role == Role.CLIENT;
        this.maskKeys = maskKeys;
        this.out = out;
    }

    /** Writes one frame; the payload is read from position to limit and its position is not moved. */
    void write(WireOutput.Kind kind, boolean fin, int rsv, int opcode, ByteBuffer payload) {
        int length = payload.remaining();
        int headerSize = 2 + (length < 126 ? 0 : length <= 0xFFFF ? 2 : 8) + (mask ? 4 : 0);
        if (mask) {
            ByteBuffer frame = ByteBuffer.allocate(headerSize + length);
            int key = maskKeys.getAsInt();
            putHeader(frame, fin, rsv, opcode, length);
            frame.putInt(key);
            Masking.mask(payload.duplicate(), frame, key);
            out.write(kind, frame.flip());
        } else if (length < GATHER_THRESHOLD) {
            ByteBuffer frame = ByteBuffer.allocate(headerSize + length);
            putHeader(frame, fin, rsv, opcode, length);
            frame.put(payload.duplicate());
            out.write(kind, frame.flip());
        } else {
            ByteBuffer header = ByteBuffer.allocate(headerSize);
            putHeader(header, fin, rsv, opcode, length);
            out.write(kind, header.flip(), payload.slice());
        }
    }

    private void putHeader(ByteBuffer buf, boolean fin, int rsv, int opcode, int length) {
        buf.put((byte) ((fin ? 0x80 : 0) | rsv | opcode));
        int maskBit = mask ? 0x80 : 0;
        if (length < 126) {
            buf.put((byte) (maskBit | length));
        } else if (length <= 0xFFFF) {
            buf.put((byte) (maskBit | 126));
            buf.putShort((short) length);
        } else {
            buf.put((byte) (maskBit | 127));
            buf.putLong(length);
        }
    }
}
