package dev.tether.message;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FragmentTest {

    @Test
    void rsvHoldsRsvBitsOnly() {
        ByteBuffer payload = ByteBuffer.allocate(0);
        assertThrows(IllegalArgumentException.class, () -> new Fragment(MessageType.TEXT, 0x80, payload, true, true));
        assertThrows(IllegalArgumentException.class, () -> new Fragment(MessageType.TEXT, 0x01, payload, true, true));
        assertEquals(Message.RSV_MASK, new Fragment(MessageType.TEXT, Message.RSV_MASK, payload, true, true).rsv());
    }

    @Test
    void typeAndPayloadAreRequired() {
        assertThrows(NullPointerException.class, () -> new Fragment(null, 0, ByteBuffer.allocate(0), true, true));
        assertThrows(NullPointerException.class, () -> new Fragment(MessageType.BINARY, 0, null, true, true));
    }

    @Test
    void withKeepsTheFragmentsPlaceInItsMessage() {
        ByteBuffer other = ByteBuffer.allocate(3);
        Fragment fragment = new Fragment(MessageType.BINARY, Message.RSV1, ByteBuffer.allocate(1), false, true);
        Fragment changed = fragment.with(0, other);
        assertEquals(new Fragment(MessageType.BINARY, 0, other, false, true), changed);
        assertSame(other, changed.payload());
    }
}
