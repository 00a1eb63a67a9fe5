package dev.tether.servlet.endpoint;


import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as a WebSocket endpoint served by Tether at a path template, e.g.
 * {@code @WebSocketEndpoint("/chat/{room}")}. The class must be public, concrete and top level (or a
 * static member class), with public methods annotated {@link OnOpen}, {@link OnMessage},
 * {@link OnClose} and {@link OnError}.
 *
 * <p>This is deliberately not {@code jakarta.websocket.server.ServerEndpoint}: the containers' own
 * JSR-356 implementations never see this annotation, so they never deploy the class themselves.
 * Register the class with {@code EndpointRegistry.register(servletContext, ChatEndpoint.class)},
 * list it in an {@code EndpointServlet}'s init parameter, or let {@code EndpointInitializer} find it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WebSocketEndpoint {

    /**
     * The path template, relative to the web application's context path: literal segments and
     * whole-segment variables, e.g. {@code /chat/{room}} or {@code /games/{id}/moves}.
     *
     * @return the path template, starting with {@code /}
     */
    String value();

    /**
     * The subprotocols this endpoint speaks. When not empty, a client must offer one of them to be
     * routed here, and the first one it offers that is among them is chosen; when empty, the endpoint takes any request and selects
     * no subprotocol.
     *
     * @return the subprotocols; empty for none
     */
    String[] subprotocols() default {};

    /**
     * The configurator that checks handshakes, supplies instances and sets connection options;
     * instantiated once, with its public no-arg constructor. The default accepts every handshake
     * and makes a new instance per connection.
     *
     * @return the configurator class; {@code EndpointConfigurator.class} itself for the defaults
     */
    Class<? extends EndpointConfigurator> configurator() default EndpointConfigurator.class;

    /**
     * Decoders ({@code TextDecoder}, {@code BinaryDecoder}) for the message types of
     * {@link OnMessage} methods; each is instantiated once and shared by all connections.
     *
     * @return the decoder classes; empty for none
     */
    Class<?>[] decoders() default {};

    /**
     * Encoders ({@code TextEncoder}, {@code BinaryEncoder}) for the return types of
     * {@link OnMessage} methods; each is instantiated once and shared by all connections.
     *
     * @return the encoder classes; empty for none
     */
    Class<?>[] encoders() default {};
}
