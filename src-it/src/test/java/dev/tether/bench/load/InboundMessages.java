package dev.tether.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One connection's messages from the server, read incrementally as bytes arrive: frames are parsed,
 * a message whose first frame has RSV1 is inflated (with one Inflater kept for the connection, as
 * context takeover needs, or a fresh context per message when the server answered
 * {@code server_no_context_takeover}), and every message, compressed or not, is compared byte for
 * byte with the one sent ({@link #expect} in the order of sending: an echo keeps it). A difference,
 * invalid DEFLATE data or a close frame fails with an IOException. Counts messages, compressed
 * messages, and payload bytes on the wire beside the bytes they carry. Not thread-safe.
 */
final class InboundMessages {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final boolean serverNoContextTakeover;
    /** Scratch for inflated bytes, shared by every connection of the (single) generator thread. */
    private final byte[] scratch;
    private final byte[][] expected;
    private int expectHead;
    private int expectTail;
    private int expectCount;
    private Inflater inflater;

    // the frame being read
    private final byte[] header = new byte[10];
    private int headerFilled;
    private int headerNeed = 2;
    private long payloadLeft;
    private boolean fin;
    private boolean control;
    // the message being read
    private boolean inMessage;
    private boolean compressed;
    private byte[] current;
    private int matched;

    long messages;
    long compressedMessages;
    long wireBytes;
    long rawBytes;

    /** {@code inflight}: the most messages sent and not yet echoed. */
    InboundMessages(boolean serverNoContextTakeover, int inflight, byte[] scratch) {
        this.serverNoContextTakeover = serverNoContextTakeover;
        this.expected = new byte[inflight][];
        this.scratch = scratch;
    }

    /** Notes that {@code payload} was sent: the next echo not yet expected must carry it. */
    void expect(byte[] payload) {
        if (expectCount == expected.length) {
            throw new IllegalStateException("more messages sent than the window allows");
        }
        expected[expectTail] = payload;
        expectTail = (expectTail + 1) % expected.length;
        expectCount++;
    }

    /** Reads what {@code in} holds (all of it) and returns how many messages it completed. */
    int read(ByteBuffer in) throws IOException {
        int completed = 0;
        while (in.hasRemaining()) {
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, in.remaining());
                ByteBuffer chunk = in.slice().limit(n);
                in.position(in.position() + n);
                payloadLeft -= n;
                if (!control) {
                    wireBytes += n;
                    payload(chunk);
                }
                if (payloadLeft == 0 && frameEnds()) {
                    completed++;
                }
                continue;
            }
            header[headerFilled++] = in.get();
            if (headerFilled == 2) {
                if ((header[1] & 0x80) != 0) {
                    throw new IOException("the server masked a frame");
                }
                int len = header[1] & 0x7F;
                headerNeed = len == 126 ? 4 : len == 127 ? 10 : 2;
            }
            if (headerFilled == headerNeed) {
                startFrame();
                if (payloadLeft == 0 && frameEnds()) {
                    completed++;
                }
            }
        }
        return completed;
    }

    /** Ends the Inflater, if any; the connection is done. */
    void close() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }

    private void startFrame() throws IOException {
        long len = header[1] & 0x7F;
        if (len == 126) {
            len = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        } else if (len == 127) {
            len = ByteBuffer.wrap(header, 2, 8).getLong();
        }
        headerFilled = 0;
        headerNeed = 2;
        payloadLeft = len;
        fin = (header[0] & 0x80) != 0;
        int opcode = header[0] & 0x0F;
        control = opcode >= 8;
        if (opcode == 8) {
            throw new IOException("the server closed the connection (close frame, " + len + " bytes)");
        }
        if (control) {
            return; // a ping or pong: passed over
        }
        if (opcode == 0 ? !inMessage : inMessage) {
            throw new IOException("frame out of order: opcode " + opcode + (inMessage ? " inside" : " outside") + " a message");
        }
        if (opcode != 0) {
            if (expectCount == 0) {
                throw new IOException("a message arrived that was not sent");
            }
            inMessage = true;
            compressed = (header[0] & 0x40) != 0;
            current = expected[expectHead];
            expected[expectHead] = null;
            expectHead = (expectHead + 1) % expected.length;
            expectCount--;
            matched = 0;
            if (compressed && inflater == null) {
                inflater = new Inflater(true);
            }
        } else if ((header[0] & 0x40) != 0) {
            throw new IOException("RSV1 on a continuation frame");
        }
    }

    /** Whether the frame just finished ends a message (then counted and checked whole). */
    private boolean frameEnds() throws IOException {
        if (control || !fin) {
            return false;
        }
        if (compressed) {
            inflate(ByteBuffer.wrap(TAIL));
            if (serverNoContextTakeover || inflater.finished()) {
                inflater.reset();
            }
        }
        if (matched != current.length) {
            throw new IOException("the echo was " + matched + " bytes where " + current.length + " were sent");
        }
        messages++;
        rawBytes += current.length;
        if (compressed) {
            compressedMessages++;
        }
        inMessage = false;
        current = null;
        return true;
    }

    private void payload(ByteBuffer chunk) throws IOException {
        if (compressed) {
            inflate(chunk);
            return;
        }
        while (chunk.hasRemaining()) {
            int n = Math.min(chunk.remaining(), scratch.length);
            chunk.get(scratch, 0, n);
            verify(n);
        }
    }

    private void inflate(ByteBuffer input) throws IOException {
        inflater.setInput(input);
        try {
            while (true) {
                int n = inflater.inflate(scratch);
                verify(n);
                if (n == 0) {
                    if (inflater.needsInput() || inflater.finished()) {
                        return;
                    }
                    throw new IOException("the inflater made no progress (needs a dictionary: " + inflater.needsDictionary() + ")");
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("invalid DEFLATE data from the server: " + e.getMessage(), e);
        }
    }

    /** Compares the next {@code n} bytes of the message, in {@link #scratch}, with what was sent. */
    private void verify(int n) throws IOException {
        if (n == 0) {
            return;
        }
        if (matched + n > current.length
                || Arrays.mismatch(scratch, 0, n, current, matched, matched + n) >= 0) {
            throw new IOException("the echo differs from the message sent, at or after byte " + matched);
        }
        matched += n;
    }
}
