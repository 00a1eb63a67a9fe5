package dev.tether.servlet.endpoint;

import java.nio.ByteBuffer;

/**
 * Turns what the connection delivers (a whole message or a part as {@code String} or
 * {@code ByteBuffer}, a stream as {@code Reader} or {@code InputStream}) into what an
 * {@code @OnMessage} method takes. Chosen once per method at registration.
 */
@FunctionalInterface
interface MessageAdapter {
    MessageAdapter IDENTITY = message -> message;
    MessageAdapter BYTES = message -> bytes((ByteBuffer) message);
    MessageAdapter PONG = message -> new PongMessage((ByteBuffer) message);

    Object adapt(Object message) throws DecodeException;

    static MessageAdapter decoding(TextDecoder<?> decoder) {
        return message -> {
            try {
                return decoder.decode((String) message);
            } catch (Exception e) {
                throw new DecodeException("text message not decoded by " + decoder.getClass().getName() + ": " + e,
                        (String) message, null, e);
            }
        };
    }

    static MessageAdapter decoding(BinaryDecoder<?> decoder) {
        return message -> {
            ByteBuffer data = (ByteBuffer) message;
            try {
                return decoder.decode(data.duplicate());
            } catch (Exception e) {
                throw new DecodeException("binary message not decoded by " + decoder.getClass().getName() + ": " + e,
                        null, data, e);
            }
        };
    }

    /** The buffer's bytes: its own array when it wraps exactly one, else a copy. */
    private static byte[] bytes(ByteBuffer data) {
        if (data.hasArray() && data.arrayOffset() == 0 && data.position() == 0 && data.remaining() == data.array().length) {
            return data.array();
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return copy;
    }
}
