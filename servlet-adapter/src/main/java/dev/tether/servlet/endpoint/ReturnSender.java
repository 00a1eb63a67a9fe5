package dev.tether.servlet.endpoint;

import dev.tether.api.WebSocket;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * Sends the value an {@code @OnMessage} method returned back on its connection. Chosen once per
 * method at registration from the declared return type; never called with null.
 */
@FunctionalInterface
interface ReturnSender {
    ReturnSender TEXT = (socket, value) -> socket.send((String) value);
    ReturnSender BYTES = (socket, value) -> socket.send((byte[]) value);
    ReturnSender BUFFER = (socket, value) -> socket.send((ByteBuffer) value);
    /** Primitives and their boxes go as text, as JSR-356 does. */
    ReturnSender AS_TEXT = (socket, value) -> socket.send(String.valueOf(value));

    CompletionStage<Void> send(WebSocket socket, Object value) throws Exception;

    @SuppressWarnings("unchecked") // the encoder's type was matched to the method's return type at registration
    static ReturnSender encoding(TextEncoder<?> encoder) {
        TextEncoder<Object> typed = (TextEncoder<Object>) encoder;
        return (socket, value) -> socket.send(typed.encode(value));
    }

    @SuppressWarnings("unchecked") // as above
    static ReturnSender encoding(BinaryEncoder<?> encoder) {
        BinaryEncoder<Object> typed = (BinaryEncoder<Object>) encoder;
        return (socket, value) -> socket.send(typed.encode(value));
    }
}
