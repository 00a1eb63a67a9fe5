package dev.tether.servlet.endpoint;

import dev.tether.servlet.WebSocketOptions;

import java.util.List;

/**
 * A validated endpoint class: where it is served, how its connections are made, and its methods by
 * {@link Slot}. Built once at registration by {@link EndpointIntrospector}; immutable.
 */
final class EndpointModel {

    /** The events an endpoint can handle, one method each at most. */
    enum Slot {
        OPEN("@OnOpen"), TEXT("@OnMessage for text"), BINARY("@OnMessage for binary"),
        PONG("@OnMessage for pongs"), CLOSE("@OnClose"), ERROR("@OnError");

        final String label;

        Slot(String label) {
            this.label = label;
        }
    }

    private final Class<?> type;
    private final PathTemplate template;
    private final List<String> subprotocols;
    private final EndpointConfigurator configurator;
    private final WebSocketOptions options;
    private final EndpointMethod[] methods;

    EndpointModel(Class<?> type, PathTemplate template, List<String> subprotocols, EndpointConfigurator configurator,
                  WebSocketOptions options, EndpointMethod[] methods) {
        this.type = type;
        this.template = template;
        this.subprotocols = List.copyOf(subprotocols);
        this.configurator = configurator;
        this.options = options;
        this.methods = methods.clone();
    }

    Class<?> type() {
        return type;
    }

    PathTemplate template() {
        return template;
    }

    /** The subprotocols declared, in preference order; empty when the endpoint takes any request. */
    List<String> subprotocols() {
        return subprotocols;
    }

    EndpointConfigurator configurator() {
        return configurator;
    }

    WebSocketOptions options() {
        return options;
    }

    /** The method for {@code slot}, or null when the endpoint has none. */
    EndpointMethod method(Slot slot) {
        return methods[slot.ordinal()];
    }

    @Override
    public String toString() {
        return type.getName() + " at " + template + (subprotocols.isEmpty() ? "" : " " + subprotocols);
    }
}
