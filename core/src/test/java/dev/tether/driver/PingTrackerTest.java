package dev.tether.driver;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PingTrackerTest {
    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    @Test
    @DisplayName("a pong acknowledges the oldest ping with the same payload; others stay pending")
    void matchesByPayloadOldestFirst() {
        PingTracker tracker = new PingTracker(10);
        CompletableFuture<Void> a1 = tracker.expect(bytes(1));
        CompletableFuture<Void> b = tracker.expect(bytes(2));
        CompletableFuture<Void> a2 = tracker.expect(bytes(1));
        assertSame(a1, tracker.acknowledge(bytes(1)));
        assertSame(a2, tracker.acknowledge(bytes(1)));
        assertEquals(1, tracker.size());
        assertSame(b, tracker.acknowledge(bytes(2)));
    }

    @Test
    @DisplayName("an unsolicited pong matches nothing")
    void unsolicited() {
        PingTracker tracker = new PingTracker(10);
        tracker.expect(bytes(1));
        assertNull(tracker.acknowledge(bytes(9)));
        assertNull(tracker.acknowledge(bytes()));
        assertEquals(1, tracker.size());
    }

    @Test
    @DisplayName("the payload is copied: changing the caller's buffer after the ping changes nothing")
    void payloadCopied() {
        PingTracker tracker = new PingTracker(10);
        ByteBuffer payload = bytes(5);
        CompletableFuture<Void> f = tracker.expect(payload);
        payload.put(0, (byte) 6);
        assertSame(f, tracker.acknowledge(bytes(5)));
    }

    @Test
    @DisplayName("pending pings are bounded; drain hands back every future for the caller to fail")
    void boundedAndDrained() {
        PingTracker tracker = new PingTracker(2);
        tracker.expect(bytes(1));
        tracker.expect(bytes(2));
        assertThrows(IllegalStateException.class, () -> tracker.expect(bytes(3)));
        assertEquals(2, tracker.drain().size());
        assertEquals(0, tracker.size());
    }
}
