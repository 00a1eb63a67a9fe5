package dev.tether.servlet.endpoint;

import java.nio.ByteBuffer;

/**
 * Turns a binary message into the type an {@code @OnMessage} method takes; as {@link TextDecoder},
 * one thread-safe instance per endpoint, implemented with a concrete type argument.
 *
 * @param <T> the decoded type
 */
@FunctionalInterface
public interface BinaryDecoder<T> {

    /**
     * Decodes one whole binary message (the buffer is the decoder's to read). Any exception refuses
     * the message: {@code @OnError} receives a {@link DecodeException}, the connection is closed with 1007.
     *
     * @param data the whole binary message, from position to limit
     * @return the value passed to the {@code @OnMessage} method
     * @throws Exception anything, when {@code data} cannot be decoded
     */
    T decode(ByteBuffer data) throws Exception;
}
