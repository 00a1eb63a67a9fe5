package dev.tether.servlet.endpoint;

import java.nio.ByteBuffer;

/**
 * A message that the endpoint's decoder refused, as {@code @OnError} receives it; the cause is what
 * the decoder threw. The connection is closed with 1007 (invalid payload data) after
 * {@code @OnError} returns.
 */
public final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient String text;
    private final transient ByteBuffer data;

    DecodeException(String message, String text, ByteBuffer data, Throwable cause) {
        super(message, cause);
        this.text = text;
        this.data = data;
    }

    /**
     * The text message that could not be decoded, or null for a binary one.
     *
     * @return the refused text message, or null
     */
    public String text() {
        return text;
    }

    /**
     * A read-only view of the binary message that could not be decoded, or null for a text one.
     *
     * @return a new read-only view of the refused binary message, or null
     */
    public ByteBuffer data() {
        return data == null ? null : data.asReadOnlyBuffer();
    }
}
