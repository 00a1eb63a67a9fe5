package dev.tether.cli.format;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BinaryFormatTest {
    private static final byte[] HELLO = {'h', 'e', 'l', 'l', 'o', 0, (byte) 0xff};

    @Test
    @DisplayName("hex: two lower-case digits per byte, spaced; Base64 with padding; both from position to limit")
    void formats() {
        ByteBuffer data = ByteBuffer.wrap(HELLO);
        assertEquals("68 65 6c 6c 6f 00 ff", BinaryFormat.HEX.format(data));
        assertEquals("aGVsbG8A/w==", BinaryFormat.BASE64.format(data));
        ByteBuffer middle = ByteBuffer.wrap(HELLO, 1, 2);
        assertEquals("65 6c", BinaryFormat.HEX.format(middle));
        assertEquals("ZWw=", BinaryFormat.BASE64.format(middle));
        assertEquals(1, middle.position(), "the buffer is left as it was");
    }

    @Test
    @DisplayName("a received message is described with its size, singular and plural, and empty")
    void describe() {
        assertEquals("[binary, 1 byte] 2a", BinaryFormat.HEX.describe(ByteBuffer.wrap(new byte[]{42})));
        assertEquals("[binary, 2 bytes] KgA=", BinaryFormat.BASE64.describe(ByteBuffer.wrap(new byte[]{42, 0})));
        assertEquals("[binary, 0 bytes]", BinaryFormat.HEX.describe(ByteBuffer.allocate(0)));
    }

    @Test
    @DisplayName("a large message shows its first 1024 bytes and how many more there are")
    void largeMessagesAreCut() {
        String shown = BinaryFormat.HEX.describe(ByteBuffer.allocate(64 << 20));
        assertEquals("[binary, 67108864 bytes] " + "00 ".repeat(1023) + "00 … (67107840 more)", shown);
    }
}
