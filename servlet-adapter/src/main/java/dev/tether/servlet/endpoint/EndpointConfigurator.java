package dev.tether.servlet.endpoint;

import dev.tether.servlet.WebSocketOptions;

/**
 * How an endpoint's connections are made: their options, the check of each handshake, and where
 * the endpoint instances come from (e.g. a DI container). Every method has a default; the defaults
 * accept every handshake and make a new instance per connection with the public no-arg constructor.
 *
 * <p>Name the implementation in {@code @WebSocketEndpoint(configurator = ...)} (it is then made
 * once with its public no-arg constructor), or pass an instance to
 * {@link EndpointRegistry#register(jakarta.servlet.ServletContext, EndpointConfigurator, Class[])},
 * which takes precedence. One configurator serves all connections, from several threads.
 */
public interface EndpointConfigurator {

    /**
     * Sets the options of the endpoint's connections, once, at registration. The endpoint's
     * subprotocols and the handshake hook are set by Tether afterwards; use
     * {@link #beforeHandshake} rather than a {@code handshakeHook}. For an endpoint whose
     * {@link OnMessage} methods take messages in parts or as streams, e.g.
     * {@code options.maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT)} lets those messages be of any
     * size, and {@code streamBufferSize} sets how much of a streamed message is read ahead of its
     * method.
     *
     * @param endpointClass the endpoint class being registered
     * @param options       the builder of its connections' options, holding the defaults
     */
    default void configure(Class<?> endpointClass, WebSocketOptions.Builder options) {
    }

    /**
     * Checks a handshake routed to the endpoint before it is answered: origin, authentication,
     * subprotocol. Returning without {@link EndpointHandshake#reject} accepts it; an exception
     * refuses it with 500.
     *
     * @param handshake the handshake routed to the endpoint, and where the decisions are recorded
     * @throws Exception anything; the handshake is then refused with 500
     */
    default void beforeHandshake(EndpointHandshake handshake) throws Exception {
    }

    /**
     * The endpoint instance for one accepted handshake. The default makes a new one per connection
     * with the public no-arg constructor; a DI container may return a managed (even shared) instance.
     * An exception refuses the handshake with 500.
     *
     * @param <T>           the endpoint type
     * @param endpointClass the endpoint class the handshake was routed to
     * @param handshake     the accepted handshake
     * @return the endpoint instance that will receive the connection's events, not null
     * @throws Exception anything; the handshake is then refused with 500
     */
    default <T> T newInstance(Class<T> endpointClass, EndpointHandshake handshake) throws Exception {
        return endpointClass.getConstructor().newInstance();
    }
}
