package dev.tether.broker.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** A pub/sub message as bytes: kind, the publishing node, the payload. */
class EnvelopeTest {

    @Test
    void aTextMessageIsItsKindTheNodeAndTheUtf8() {
        byte[] bytes = Envelope.encode(Envelope.TEXT, 0x0102030405060708L, new byte[] {'h', 'i'});
        assertArrayEquals(new byte[] {'T', 1, 2, 3, 4, 5, 6, 7, 8, 'h', 'i'}, bytes);
        Envelope envelope = Envelope.decode(bytes);
        assertEquals(Envelope.TEXT, envelope.kind());
        assertEquals(0x0102030405060708L, envelope.origin());
        assertArrayEquals(new byte[] {'h', 'i'}, envelope.body());
    }

    @Test
    void aBinaryPayloadIsTakenFromPositionToLimitWithoutMovingIt() {
        ByteBuffer data = ByteBuffer.wrap(new byte[] {9, 8, 7, 6});
        data.position(1).limit(3);
        byte[] bytes = Envelope.encode(Envelope.BINARY, -1L, data);
        assertArrayEquals(new byte[] {8, 7}, Envelope.decode(bytes).body());
        assertEquals(1, data.position());
    }

    @Test
    void anotherPublishersMessageIsNotOne() {
        assertNull(Envelope.decode(new byte[] {'T', 1, 2}));
        assertNull(Envelope.decode("hello from redis-cli".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(0, Envelope.decode(Envelope.encode(Envelope.PRESENCE, 7, new byte[0])).length());
    }
}
