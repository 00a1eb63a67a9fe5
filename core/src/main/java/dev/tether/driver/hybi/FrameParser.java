package dev.tether.driver.hybi;

import dev.tether.api.CloseCodes;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;

import java.nio.ByteBuffer;

/**
 * An incremental RFC 6455 frame parser: correct for any split of the input, down to one byte at a
 * time. Every header is validated before any of its payload is buffered (reserved opcodes, RSV bits
 * that no extension claimed, control frames that are fragmented or over 125 bytes, continuation
 * order, masking by role, minimal and non-negative lengths, and the size limit), so a hostile length
 * never causes an allocation.
 *
 * <p>Data payloads are unmasked in place in the caller's buffer and handed on in the chunks they
 * arrive in, without copying; control payloads (at most 125 bytes) are collected and handed on whole.
 */
final class FrameParser {

    /** Receives validated frames. Buffers passed in are valid only during the call. */
    interface FrameSink {
        /** A data frame (text, binary or continuation) begins; its payload follows in chunks. */
        void dataFrameStart(int opcode, boolean fin, int rsv, long length) throws ProtocolException;

        /** The next unmasked chunk of the current data frame's payload (never empty). */
        void dataPayload(ByteBuffer chunk) throws ProtocolException;

        /** The current data frame ended; {@code fin} tells whether its message ended too. */
        void dataFrameEnd(boolean fin) throws ProtocolException;

        /** A whole control frame (close, ping or pong), unmasked. */
        void controlFrame(int opcode, ByteBuffer payload) throws ProtocolException;
    }

    private static final int MAX_HEADER = 14;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final boolean expectMasked;
    private final int maxLength;
    private final FrameSink sink;
    private int allowedRsv;

    // Header bytes of a header split across reads.
    private byte[] header; // made by the first header split between two inputs
    // Bytes, as a header is 14 at most: every connection has a parser, idle ones too.
    private byte headerFilled;
    private byte headerSize = 2;

    // The frame being read.
    private boolean inPayload;
    private boolean fin;
    private int opcode;
    private int maskKey;
    private long payloadLength;
    private long payloadRead;

    private boolean inFragmentedMessage;
    private byte[] control; // allocated by the first control frame with a payload
    private boolean stopped;

    FrameParser(Role role, int maxLength, FrameSink sink) {
        this.expectMasked = role == Role.SERVER;
        this.maxLength = maxLength;
        this.sink = sink;
    }

    /** The RSV bits negotiated extensions claim; allowed on the first frame of a data message only. */
    void allowedRsv(int rsvBits) {
        this.allowedRsv = rsvBits;
    }

    /**
     * Consumes every byte of {@code in}, unmasking payloads in place, until {@link #stop() stopped}.
     *
     * @throws ProtocolException on the first violation; the parser is then unusable
     */
    void parse(ByteBuffer in) throws ProtocolException {
        while (in.hasRemaining() && !stopped) {
            if (inPayload) {
                readPayload(in);
            } else if (readHeader(in)) {
                beginPayload();
            }
        }
    }

    /** Reads nothing more, from this input or any later one: called by the sink at a close frame. */
    void stop() {
        stopped = true;
    }

    /** Reads a header from {@code in}; true when one is complete. */
    private boolean readHeader(ByteBuffer in) throws ProtocolException {
        int pos = in.position();
        if (headerFilled == 0 && in.remaining() >= 2) {
            // Fast path: the whole header is in this buffer, decode it where it lies.
            int b0 = in.get(pos) & 0xFF;
            int b1 = in.get(pos + 1) & 0xFF;
            checkFirstTwoBytes(b0, b1);
            int size = headerSize(b1);
            if (in.remaining() >= size) {
                decodeHeader(in, pos, b0, b1);
                in.position(pos + size);
                return true;
            }
        }
        if (header == null) {
            header = new byte[MAX_HEADER];
        }
        while (headerFilled < headerSize && in.hasRemaining()) {
            header[headerFilled++] = in.get();
            if (headerFilled == 2) {
                checkFirstTwoBytes(header[0] & 0xFF, header[1] & 0xFF);
                headerSize = (byte) headerSize(header[1] & 0xFF);
            }
        }
        if (headerFilled < headerSize) {
            return false;
        }
        decodeHeader(ByteBuffer.wrap(header), 0, header[0] & 0xFF, header[1] & 0xFF);
        headerFilled = 0;
        headerSize = 2;
        return true;
    }

    private int headerSize(int b1) {
        int lengthByte = b1 & 0x7F;
        int extended = lengthByte == 126 ? 2 : lengthByte == 127 ? 8 : 0;
        return 2 + extended + ((b1 & 0x80) != 0 ? 4 : 0);
    }

    /** Everything that can be judged from the first two bytes, judged as soon as they are here. */
    private void checkFirstTwoBytes(int b0, int b1) throws ProtocolException {
        int op = b0 & 0x0F;
        int rsv = b0 & 0x70;
        boolean isFin = (b0 & 0x80) != 0;
        boolean masked = (b1 & 0x80) != 0;
        int lengthByte = b1 & 0x7F;
        if (!Opcode.isKnown(op)) {
            throw protocolError("reserved opcode 0x" + Integer.toHexString(op));
        }
        if (Opcode.isControl(op)) {
            if (!isFin) {
                throw protocolError("fragmented control frame (opcode 0x" + Integer.toHexString(op) + ")");
            }
            if (lengthByte > MAX_CONTROL_PAYLOAD) {
                throw protocolError("control frame payload over 125 bytes");
            }
            if (rsv != 0) {
                throw protocolError("RSV bits set on a control frame");
            }
        } else if (op == Opcode.CONTINUATION) {
            if (!inFragmentedMessage) {
                throw protocolError("continuation frame with no message to continue");
            }
            if (rsv != 0) {
                throw protocolError("RSV bits set on a continuation frame");
            }
        } else {
            if (inFragmentedMessage) {
                throw protocolError("new data frame inside a fragmented message");
            }
            if ((rsv & ~allowedRsv) != 0) {
                throw protocolError("RSV bits 0x" + Integer.toHexString(rsv >> 4) + " set without a negotiated extension");
            }
        }
        if (masked != expectMasked) {
            throw protocolError(expectMasked ? "unmasked frame from a client" : "masked frame from a server");
        }
    }

    private void decodeHeader(ByteBuffer src, int at, int b0, int b1) throws ProtocolException {
        fin = (b0 & 0x80) != 0;
        opcode = b0 & 0x0F;
        int lengthByte = b1 & 0x7F;
        int next = at + 2;
        long length;
        if (lengthByte == 126) {
            length = src.getShort(next) & 0xFFFF;
            next += 2;
            if (length < 126) {
                throw protocolError("payload length " + length + " not in its shortest form");
            }
        } else if (lengthByte == 127) {
            length = src.getLong(next);
            next += 8;
            if (length < 0) {
                throw protocolError("payload length with the most significant bit set");
            }
            if (length <= 0xFFFF) {
                throw protocolError("payload length " + length + " not in its shortest form");
            }
        } else {
            length = lengthByte;
        }
        if (length > maxLength) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                    "frame of " + length + " bytes exceeds the limit of " + maxLength);
        }
        maskKey = expectMasked ? src.getInt(next) : 0;
        payloadLength = length;
        payloadRead = 0;
        if (!Opcode.isControl(opcode)) {
            inFragmentedMessage = !fin;
            sink.dataFrameStart(opcode, fin, b0 & 0x70, length);
        }
    }

    private void beginPayload() throws ProtocolException {
        if (payloadLength == 0) {
            endFrame();
        } else {
            inPayload = true;
        }
    }

    private void readPayload(ByteBuffer in) throws ProtocolException {
        int pos = in.position();
        int n = (int) Math.min(payloadLength - payloadRead, in.remaining());
        int limit = in.limit();
        in.limit(pos + n);
        try {
            Masking.unmask(in, maskKey, (int) (payloadRead & 3));
            if (Opcode.isControl(opcode)) {
                if (control == null) {
                    control = new byte[MAX_CONTROL_PAYLOAD];
                }
                in.get(control, (int) payloadRead, n);
            } else {
                sink.dataPayload(in);
            }
        } finally {
            in.limit(limit); // the caller's buffer as it was, even when the sink throws
        }
        in.position(pos + n);
        payloadRead += n;
        if (payloadRead == payloadLength) {
            inPayload = false;
            endFrame();
        }
    }

    private void endFrame() throws ProtocolException {
        if (Opcode.isControl(opcode)) {
            sink.controlFrame(opcode, payloadLength == 0 ? ByteBuffer.allocate(0) : ByteBuffer.wrap(control, 0, (int) payloadLength));
        } else {
            sink.dataFrameEnd(fin);
        }
    }

    private static ProtocolException protocolError(String message) {
        return new ProtocolException(CloseCodes.PROTOCOL_ERROR, message);
    }
}
