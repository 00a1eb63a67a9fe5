package dev.tether.servlet.endpoint;

import java.nio.ByteBuffer;

/**
 * Turns the return value of an {@code @OnMessage} method into a binary message; as
 * {@link TextEncoder}, one thread-safe instance per endpoint.
 *
 * @param <T> the encoded type
 */
@FunctionalInterface
public interface BinaryEncoder<T> {

    /**
     * Encodes one value (the buffer is sent from position to limit and must not change afterwards).
     * As with {@link TextEncoder}, an exception goes to the endpoint's {@code @OnError} and nothing is sent.
     *
     * @param value what the {@code @OnMessage} method returned
     * @return the binary message to send
     * @throws Exception anything, when {@code value} cannot be encoded
     */
    ByteBuffer encode(T value) throws Exception;
}
