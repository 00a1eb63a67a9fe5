package dev.tether.driver.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptKeyTest {

    @Test
    void rfc6455Example() {
        // RFC 6455 §1.3 and §4.2.2
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", AcceptKey.accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void anotherKnownPair() {
        assertEquals("HSmrc0sMlYUkAGmm5OPpG2HaGWk=", AcceptKey.accept("x3JJHMbDL1EzLkh9GBhXDw=="));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dGhlIHNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAAAA==", "/////////////////////w==",
            "x3JJHMbDL1EzLkh9GBhXDw==", "+/+/+/+/+/+/+/+/+/+/+Q=="})
    void validKeys(String key) {
        assertTrue(AcceptKey.isValidKey(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "dGhlIHNhbXBsZSBub25jZQ",      // padding missing
            "dGhlIHNhbXBsZSBub25jZQ=",     // padding short
            "dGhlIHNhbXBsZSBub25jZQ===",   // too long
            " dGhlIHNhbXBsZSBub25jZQ==",   // leading space
            "dGhlIHNhbXBsZSBub25jZQ== ",   // trailing space
            "dGhlIHNhbXBs ZSBub25jZQ==",   // inner space
            "dGhlIHNhbXBsZSBub25jZQ-_",    // URL-safe alphabet, no padding
            "dGhlIHNhbXBsZSBub25jZ-==",    // URL-safe character
            "dGhlIHNhbXBsZSBub25jZQAA",    // 18 bytes
            "dGhlIHNhbXBsZSBub25j",        // 15 bytes
            "dGhlIHNhbXBsZSBub25jZQ=A",    // padding in the middle
    })
    void invalidKeys(String key) {
        assertFalse(AcceptKey.isValidKey(key));
    }

    @Test
    void nullIsNotAValidKey() {
        assertFalse(AcceptKey.isValidKey(null));
    }

    @Test
    void newKeyIsSixteenRandomBytesInBase64() {
        Random random = new Random(42);
        byte[] expected = new byte[16];
        new Random(42).nextBytes(expected);

        String key = AcceptKey.newKey(random);
        assertEquals(Base64.getEncoder().encodeToString(expected), key);
        assertTrue(AcceptKey.isValidKey(key));
        assertNotEquals(key, AcceptKey.newKey(random));
    }
}
