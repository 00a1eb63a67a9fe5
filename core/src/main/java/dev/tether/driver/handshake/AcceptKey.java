package dev.tether.driver.handshake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Random;

/**
 * The RFC 6455 §4.2.2 key exchange: the client sends a random {@code Sec-WebSocket-Key}, the server
 * proves it understood WebSocket by answering with {@code Sec-WebSocket-Accept}.
 */
public final class AcceptKey {
    /** The GUID every RFC 6455 server appends to the key (§1.3). */
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int KEY_BYTES = 16;
    /** Base64 of 16 bytes: 22 data characters and "==". */
    private static final int KEY_CHARS = 24;
    /** One digest per thread: looking one up per handshake costs more than the hash (digest() resets it). */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(AcceptKey::newSha1);

    private AcceptKey() {
    }

    /**
     * The {@code Sec-WebSocket-Accept} value for {@code secWebSocketKey}: base64 of the SHA-1 of the
     * key (as sent, ISO-8859-1) followed by the WebSocket GUID.
     *
     * @param secWebSocketKey the client's {@code Sec-WebSocket-Key} value, as sent
     * @return the {@code Sec-WebSocket-Accept} value the server answers with
     */
    public static String accept(String secWebSocketKey) {
        Objects.requireNonNull(secWebSocketKey, "secWebSocketKey");
        byte[] input = (secWebSocketKey + WEBSOCKET_GUID).getBytes(StandardCharsets.ISO_8859_1);
        return Base64.getEncoder().encodeToString(SHA1.get().digest(input));
    }

    /**
     * Whether {@code key} is a valid {@code Sec-WebSocket-Key}: padded base64 in the standard alphabet
     * decoding to exactly 16 bytes, with nothing else (no whitespace, no missing padding). Like
     * {@link Base64#getDecoder()}, it does not insist that the unused low bits of the last character
     * be zero.
     *
     * @param key a {@code Sec-WebSocket-Key} value, or null
     * @return true when {@code key} is well-formed; false for null or anything else
     */
    public static boolean isValidKey(String key) {
        if (key == null || key.length() != KEY_CHARS || !key.endsWith("==")) return false;
        for (int i = 0; i < KEY_CHARS - 2; i++) {
            if (!isBase64Char(key.charAt(i))) return false;
        }
        return true;
    }

    /**
     * A fresh {@code Sec-WebSocket-Key}: 16 bytes from {@code random}, base64. Pass a {@link java.security.SecureRandom}.
     *
     * @param random the source of the key's bytes
     * @return a new key of 24 base64 characters
     */
    public static String newKey(Random random) {
        Objects.requireNonNull(random, "random");
        byte[] nonce = new byte[KEY_BYTES];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    private static boolean isBase64Char(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }
}
