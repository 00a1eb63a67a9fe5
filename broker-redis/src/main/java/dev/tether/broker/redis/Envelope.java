package dev.tether.broker.redis;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A message on a topic's pub/sub channel: one kind byte, the publishing node's 8-byte id (so a node
 * skips what it published itself: its own members were sent it directly), then the payload.
 */
record Envelope(byte kind, long origin, byte[] payload, int offset) {
    static final byte TEXT = 'T';
    static final byte BINARY = 'B';
    /** The topic's presence changed on the publishing node: look again. */
    static final byte PRESENCE = 'P';
    private static final int HEADER = 9;

    static byte[] encode(byte kind, long origin, byte[] payload) {
        return encode(kind, origin, ByteBuffer.wrap(payload));
    }

    static byte[] encode(byte kind, long origin, ByteBuffer payload) {
        byte[] bytes = new byte[HEADER + payload.remaining()];
        ByteBuffer.wrap(bytes).put(kind).putLong(origin).put(payload.duplicate());
        return bytes;
    }

    /** The envelope in {@code bytes}, or null when they are not one (another publisher's message). */
    static Envelope decode(byte[] bytes) {
        if (bytes.length < HEADER) return null;
        byte kind = bytes[0];
        if (kind != TEXT && kind != BINARY && kind != PRESENCE) return null;
        return new Envelope(kind, ByteBuffer.wrap(bytes, 1, 8).getLong(), bytes, HEADER);
    }

    int length() {
        return payload.length - offset;
    }

    byte[] body() {
        return Arrays.copyOfRange(payload, offset, payload.length);
    }
}
