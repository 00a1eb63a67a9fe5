package dev.tether.servlet.endpoint;

/**
 * Turns a text message into the type an {@code @OnMessage} method takes. Listed in
 * {@code @WebSocketEndpoint(decoders = ...)}; one instance serves every connection of the endpoint,
 * from several threads at once, so it must be thread-safe (stateless is simplest).
 *
 * @param <T> the decoded type; implement this interface with a concrete type argument, e.g.
 *            {@code TextDecoder<ChatMessage>}, so the type can be read at registration
 */
@FunctionalInterface
public interface TextDecoder<T> {

    /**
     * Decodes one whole text message. Any exception refuses the message: the endpoint's
     * {@code @OnError} receives a {@link DecodeException} and the connection is closed with 1007.
     *
     * @param text the whole text message
     * @return the value passed to the {@code @OnMessage} method
     * @throws Exception anything, when {@code text} cannot be decoded
     */
    T decode(String text) throws Exception;
}
