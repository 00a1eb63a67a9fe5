package dev.tether.driver.handshake;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Hixie76KeyTest {
    // The handshake example of draft-hixie-thewebsocketprotocol-76 §1.3
    // (= draft-ietf-hybi-thewebsocketprotocol-00), checked independently with MD5.
    private static final String KEY1 = "4 @1  46546xW%0l 1 5";
    private static final String KEY2 = "12998 5 Y3 1  .P00";
    private static final byte[] KEY3 = "^n:ds[4U".getBytes(ISO_8859_1);
    private static final byte[] RESPONSE = "8jKS'y:G*Co,Wxa-".getBytes(ISO_8859_1);

    @Test
    void keyNumbersOfTheDraftExample() {
        assertEquals(4_146_546_015L / 5, Hixie76Key.keyNumber(KEY1));
        assertEquals(829_309_203L, Hixie76Key.keyNumber(KEY1));
        assertEquals(259_970_620L, Hixie76Key.keyNumber(KEY2));
    }

    @Test
    void challengeResponseOfTheDraftExample() {
        assertArrayEquals(RESPONSE, Hixie76Key.challengeResponse(KEY1, KEY2, KEY3));
    }

    @Test
    void largestKeyNumber() {
        assertEquals(4_294_967_295L, Hixie76Key.keyNumber("4294967295 "));
        assertEquals(4_294_967_295L, Hixie76Key.keyNumber(" 8589934590 "));
    }

    @Test
    void numbersAboveTwoToThe31AreWrittenAsUnsigned32Bits() {
        // MD5(ff ff ff ff 80 00 00 00 "^n:ds[4U"), computed independently
        assertArrayEquals(HexFormat.of().parseHex("c0d63238413c88afdce442b250941652"),
                Hixie76Key.challengeResponse("4294967295 ", "2147483648 ", KEY3));
    }

    @Test
    void keyWithoutSpacesIsRejected() {
        assertRejected("hixie-76 key has no spaces: \"12345\"", "12345");
    }

    @Test
    void keyWithoutDigitsIsRejected() {
        assertRejected("hixie-76 key has no digits: \"a b\"", "a b");
    }

    @Test
    void numberNotAMultipleOfTheSpacesIsRejected() {
        assertRejected("hixie-76 key's number 10 is not a multiple of its 3 spaces: \"1 0  \"", "1 0  ");
    }

    @Test
    void numberAbove32BitsIsRejected() {
        assertRejected("hixie-76 key's number 4294967296 exceeds 2^32-1: \"4294967296 \"", "4294967296 ");
    }

    @Test
    void digitsOverflowingALongAreRejected() {
        String key = "9".repeat(19) + "0 ";
        assertRejected("hixie-76 key's digits overflow: \"" + key + "\"", key);
    }

    @Test
    void key3MustBeEightBytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hixie76Key.challengeResponse(KEY1, KEY2, new byte[7]));
        assertEquals("hixie-76 key3 must be 8 bytes, was 7", e.getMessage());
    }

    @Test
    void invalidKeyInChallengeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hixie76Key.challengeResponse(KEY1, "nospaces1", KEY3));
        assertEquals("hixie-76 key has no spaces: \"nospaces1\"", e.getMessage());
    }

    private static void assertRejected(String message, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hixie76Key.keyNumber(key));
        assertEquals(message, e.getMessage());
    }
}
