package dev.tether.client.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The little DER the key reader needs, as bytes. */
class DerTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void shortLongAndTwoByteLengthsAreWrittenMinimally() {
        assertEquals("0403010203", HEX.formatHex(Der.encode(Der.OCTET_STRING, new byte[] {1, 2, 3})));
        assertEquals("047f", HEX.formatHex(Der.encode(Der.OCTET_STRING, new byte[127])).substring(0, 4));
        assertEquals("048180", HEX.formatHex(Der.encode(Der.OCTET_STRING, new byte[128])).substring(0, 6));
        assertEquals("04820100", HEX.formatHex(Der.encode(Der.OCTET_STRING, new byte[256])).substring(0, 8));
        assertEquals(4 + 256, Der.encode(Der.OCTET_STRING, new byte[256]).length);
    }

    @Test
    void aSequenceHoldsItsPartsInOrder() {
        byte[] sequence = Der.encode(Der.SEQUENCE, new byte[] {2, 1, 0}, new byte[] {5, 0});
        assertEquals("3005020100" + "0500", HEX.formatHex(sequence));
        Der.Reader fields = new Der.Reader(sequence).next(Der.SEQUENCE, "test").children();
        assertArrayEquals(new byte[] {0}, fields.next(Der.INTEGER, "version").contents());
        assertEquals(Der.NULL, fields.next("null").tag());
        assertFalse(fields.hasMore());
    }

    @Test
    void readingChecksTagsAndLengths() {
        assertEquals("key: expected tag 0x30, found 0x4",
                assertThrows(IllegalArgumentException.class, () -> new Der.Reader(HEX.parseHex("0400")).next(Der.SEQUENCE, "key"))
                        .getMessage());
        assertEquals("key: truncated DER",
                assertThrows(IllegalArgumentException.class, () -> new Der.Reader(HEX.parseHex("3005020100")).next("key"))
                        .getMessage());
        assertEquals("key: truncated DER",
                assertThrows(IllegalArgumentException.class, () -> new Der.Reader(HEX.parseHex("3082ff")).next("key")).getMessage());
        assertEquals("key: unsupported length encoding",
                assertThrows(IllegalArgumentException.class, () -> new Der.Reader(HEX.parseHex("3080")).next("key")).getMessage());
    }

    @Test
    void objectIdentifiersReadAsDottedText() {
        assertEquals("1.2.840.10045.2.1", Der.oidToString(HEX.parseHex("2a8648ce3d0201")));
        assertEquals("1.2.840.113549.1.1.1", Der.oidToString(HEX.parseHex("2a864886f70d010101")));
        assertEquals("1.3.101.112", Der.oidToString(HEX.parseHex("2b6570")));
        assertEquals("2.999.3", Der.oidToString(HEX.parseHex("883703")));
        assertThrows(IllegalArgumentException.class, () -> Der.oidToString(HEX.parseHex("2a86")));
    }
}
