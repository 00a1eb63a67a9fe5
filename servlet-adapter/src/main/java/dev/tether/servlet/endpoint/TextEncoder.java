package dev.tether.servlet.endpoint;

/**
 * Turns the return value of an {@code @OnMessage} method into a text message. Listed in
 * {@code @WebSocketEndpoint(encoders = ...)}; one thread-safe instance serves every connection.
 *
 * @param <T> the encoded type; implement with a concrete type argument, e.g. {@code TextEncoder<ChatMessage>}
 */
@FunctionalInterface
public interface TextEncoder<T> {

    /**
     * Encodes one value; an exception goes to the endpoint's {@code @OnError} and nothing is sent.
     *
     * @param value what the {@code @OnMessage} method returned
     * @return the text message to send
     * @throws Exception anything, when {@code value} cannot be encoded
     */
    String encode(T value) throws Exception;
}
