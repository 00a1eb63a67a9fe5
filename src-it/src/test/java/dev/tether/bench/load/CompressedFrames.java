package dev.tether.bench.load;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/**
 * The generator's outgoing messages, compressed once ahead of the run: each with a fresh raw DEFLATE
 * stream, flushed with SYNC_FLUSH and the trailing {@code 00 00 ff ff} removed (RFC 7692 §7.2.1), in a
 * masked text frame with RSV1 set. The frames lie end to end twice over in one direct buffer, so any
 * run of up to {@link #count()} consecutive frames, starting at any of them, can be written at once.
 */
final class CompressedFrames {
    private static final byte[] MASK = {0x12, 0x34, 0x56, 0x78};
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final List<byte[]> payloads;
    private final ByteBuffer frames;
    /** Where frame i starts in {@link #frames}, for i from 0 to 2 × count (the end). */
    private final int[] offsets;
    private final long wireBytes;

    CompressedFrames(List<byte[]> payloads) {
        this.payloads = List.copyOf(payloads);
        byte[][] framed = new byte[payloads.size()][];
        int total = 0;
        long compressed = 0;
        for (int i = 0; i < framed.length; i++) {
            byte[] deflated = compress(payloads.get(i));
            compressed += deflated.length;
            framed[i] = maskedFrame(deflated);
            total += framed[i].length;
        }
        this.wireBytes = compressed;
        this.frames = ByteBuffer.allocateDirect(2 * total);
        this.offsets = new int[2 * framed.length + 1];
        for (int i = 0; i < 2 * framed.length; i++) {
            offsets[i] = frames.position();
            frames.put(framed[i % framed.length]);
        }
        offsets[2 * framed.length] = frames.position();
    }

    int count() {
        return payloads.size();
    }

    /** The uncompressed message of frame {@code i}. */
    byte[] payload(int i) {
        return payloads.get(i);
    }

    /** The largest frame, in bytes on the wire. */
    int largestFrame() {
        int largest = 0;
        for (int i = 0; i < count(); i++) {
            largest = Math.max(largest, offsets[i + 1] - offsets[i]);
        }
        return largest;
    }

    /** Compressed payload bytes over uncompressed, for all the messages together. */
    double ratio() {
        long raw = 0;
        for (byte[] p : payloads) {
            raw += p.length;
        }
        return wireBytes / (double) raw;
    }

    /** A view of {@code n} frames from frame {@code first} (below {@link #count()}); n at most count(). */
    ByteBuffer run(int first, int n) {
        ByteBuffer view = frames.duplicate();
        view.limit(offsets[first + n]).position(offsets[first]);
        return view;
    }

    /** A fresh raw DEFLATE stream at the default level (zlib's 6), sync-flushed, without the empty block's tail. */
    static byte[] compress(byte[] payload) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(payload);
            ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length / 2 + 64);
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                int n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
                if (n < chunk.length) {
                    break; // SYNC_FLUSH filled less than the buffer: all input is out
                }
            }
            byte[] all = out.toByteArray();
            if (all.length < 4 || !Arrays.equals(all, all.length - 4, all.length, TAIL, 0, 4)) {
                throw new IllegalStateException("SYNC_FLUSH did not end with 00 00 ff ff");
            }
            return Arrays.copyOf(all, all.length - 4);
        } finally {
            deflater.end();
        }
    }

    /** FIN, RSV1 and the text opcode; the mask bit and the length; a fixed mask key and the masked payload. */
    private static byte[] maskedFrame(byte[] payload) {
        int lengthBytes = payload.length < 126 ? 0 : payload.length <= 0xFFFF ? 2 : 8;
        ByteBuffer frame = ByteBuffer.allocate(2 + lengthBytes + 4 + payload.length);
        frame.put((byte) (0x80 | 0x40 | 0x1));
        if (lengthBytes == 0) {
            frame.put((byte) (0x80 | payload.length));
        } else if (lengthBytes == 2) {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        frame.put(MASK);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ MASK[i & 3]));
        }
        return frame.array();
    }
}
