package dev.tether.driver.handshake;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The draft-hixie-thewebsocketprotocol-76 challenge (§5.2): the server reads a number out of each
 * of {@code Sec-WebSocket-Key1} and {@code Sec-WebSocket-Key2}, and answers with the MD5 of both
 * numbers and the 8 bytes ({@code key3}) that follow the request head.
 */
public final class Hixie76Key {
    private static final long MAX_KEY_NUMBER = 0xFFFF_FFFFL;
    private static final int KEY3_BYTES = 8;

    private Hixie76Key() {
    }

    /**
     * The key's number: its digits read as one decimal number, divided by its number of spaces
     * (U+0020); every other character is ignored.
     *
     * @param key a {@code Sec-WebSocket-Key1} or {@code Sec-WebSocket-Key2} value
     * @return the key's number, 0 to 2^32-1
     * @throws IllegalArgumentException if the key has no spaces or no digits, if its digits overflow
     *                                  a long, if they are not an integral multiple of the spaces, or if
     *                                  the quotient exceeds 2^32-1
     */
    public static long keyNumber(String key) {
        Objects.requireNonNull(key, "key");
        long digits = 0;
        int digitCount = 0;
        int spaces = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == ' ') {
                spaces++;
            } else if (c >= '0' && c <= '9') {
                digitCount++;
                if (digits > (Long.MAX_VALUE - (c - '0')) / 10) {
                    throw new IllegalArgumentException("hixie-76 key's digits overflow: " + Quoted.quote(key));
                }
                digits = digits * 10 + (c - '0');
            }
        }
        if (spaces == 0) {
            throw new IllegalArgumentException("hixie-76 key has no spaces: " + Quoted.quote(key));
        }
        if (digitCount == 0) {
            throw new IllegalArgumentException("hixie-76 key has no digits: " + Quoted.quote(key));
        }
        if (digits % spaces != 0) {
            throw new IllegalArgumentException("hixie-76 key's number " + digits + " is not a multiple of its "
                    + spaces + " spaces: " + Quoted.quote(key));
        }
        long number = digits / spaces;
        if (number > MAX_KEY_NUMBER) {
            throw new IllegalArgumentException("hixie-76 key's number " + number + " exceeds 2^32-1: " + Quoted.quote(key));
        }
        return number;
    }

    /**
     * The 16-byte response the server sends after its handshake head: MD5 of key1's number and
     * key2's number, each as 32-bit big-endian, followed by {@code key3}.
     *
     * @param key1 the {@code Sec-WebSocket-Key1} value
     * @param key2 the {@code Sec-WebSocket-Key2} value
     * @param key3 the 8 bytes that follow the request head
     * @return the 16-byte MD5 digest to send
     * @throws IllegalArgumentException if a key is invalid (see {@link #keyNumber}) or {@code key3}
     *                                  is not 8 bytes
     */
    public static byte[] challengeResponse(String key1, String key2, byte[] key3) {
        Objects.requireNonNull(key3, "key3");
        if (key3.length != KEY3_BYTES) {
            throw new IllegalArgumentException("hixie-76 key3 must be 8 bytes, was " + key3.length);
        }
        ByteBuffer challenge = ByteBuffer.allocate(16)
                .putInt((int) keyNumber(key1))
                .putInt((int) keyNumber(key2))
                .put(key3);
        return md5().digest(challenge.array());
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    }
}
