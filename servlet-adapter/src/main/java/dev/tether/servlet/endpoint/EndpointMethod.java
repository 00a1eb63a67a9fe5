package dev.tether.servlet.endpoint;

import dev.tether.api.HandshakeInfo;
import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocket;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One validated endpoint method, as a method handle adapted once to a fixed shape. Per connection,
 * {@link #bind} fixes the instance, the path values, the socket and its handshake, leaving the call
 * shape {@link #CALL}: {@code (Object event, boolean last)Object}, the same for every kind of method,
 * so a message costs one {@code invokeExact} and no argument array.
 */
final class EndpointMethod {
    /** The shape of a bound method: the event (message, close status, error or null) and the last flag. */
    static final MethodType CALL = MethodType.methodType(Object.class, Object.class, boolean.class);

    /** Where each parameter of an endpoint method takes its value from. */
    enum Source { SOCKET, HANDSHAKE, PATH, EVENT, LAST }

    private final String description;
    /** {@code (Endpoint receiver, path values..., WebSocket, HandshakeInfo, Object event, boolean last)Object}. */
    private final MethodHandle generic;
    private final List<String> pathNames;
    private final List<PathValueConverter> converters;
    private final MessageAdapter adapter;
    private final ReceiveMode mode;
    private final ReturnSender returns;

    private EndpointMethod(String description, MethodHandle generic, List<String> pathNames,
                           List<PathValueConverter> converters, MessageAdapter adapter, ReceiveMode mode,
                           ReturnSender returns) {
        this.description = description;
        this.generic = generic;
        this.pathNames = pathNames;
        this.converters = converters;
        this.adapter = adapter;
        this.mode = mode;
        this.returns = returns;
    }

    /**
     * Adapts {@code direct}, of type {@code (Endpoint, P1..Pn)R}, whose parameter {@code i} takes
     * its value from {@code sources[i]}; path parameters, in order, are named {@code pathNames}.
     * {@code mode} is how a message method takes its messages ({@code WHOLE} for the others).
     */
    static EndpointMethod adapt(String description, MethodHandle direct, Source[] sources,
                                List<String> pathNames, List<PathValueConverter> converters,
                                MessageAdapter adapter, ReceiveMode mode, ReturnSender returns) {
        MethodType type = direct.type();
        // The event travels as Object and the result comes back as Object (null from a void method).
        MethodType erased = type.changeReturnType(Object.class);
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] == Source.EVENT) {
                erased = erased.changeParameterType(i + 1, Object.class);
            }
        }
        MethodHandle h = direct.asType(erased);
        int paths = pathNames.size();
        List<Class<?>> shape = new ArrayList<>();
        shape.add(type.parameterType(0));
        int[] reorder = new int[sources.length + 1];
        int path = 0;
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] == Source.PATH) {
                shape.add(type.parameterType(i + 1));
                reorder[i + 1] = 1 + path++;
            }
        }
        shape.addAll(List.of(WebSocket.class, HandshakeInfo.class, Object.class, boolean.class));
        for (int i = 0; i < sources.length; i++) {
            switch (sources[i]) {
                case SOCKET -> reorder[i + 1] = 1 + paths;
                case HANDSHAKE -> reorder[i + 1] = 2 + paths;
                case EVENT -> reorder[i + 1] = 3 + paths;
                case LAST -> reorder[i + 1] = 4 + paths;
                case PATH -> { } // placed above
            }
        }
        MethodHandle generic = MethodHandles.permuteArguments(h, MethodType.methodType(Object.class, shape), reorder);
        return new EndpointMethod(description, generic, List.copyOf(pathNames), List.copyOf(converters), adapter, mode,
                returns);
    }

    /**
     * This method's path values, converted, for one connection.
     *
     * @throws IllegalArgumentException naming the variable and why its value does not convert
     */
    Object[] pathValues(Map<String, String> values) {
        Object[] converted = new Object[pathNames.size()];
        for (int i = 0; i < converted.length; i++) {
            String name = pathNames.get(i);
            try {
                converted[i] = converters.get(i).convert(values.get(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("path parameter {" + name + "}: " + e.getMessage(), e);
            }
        }
        return converted;
    }

    /** The handle for one connection, of type {@link #CALL}. */
    MethodHandle bind(Object instance, Object[] pathValues, WebSocket socket) {
        Object[] values = Arrays.copyOf(pathValues, pathValues.length + 2);
        values[pathValues.length] = socket;
        values[pathValues.length + 1] = socket.handshake();
        return MethodHandles.insertArguments(generic.bindTo(instance), 0, values);
    }

    MessageAdapter adapter() {
        return adapter;
    }

    /** How the connection delivers this method's messages: whole, in parts or as a stream. */
    ReceiveMode mode() {
        return mode;
    }

    /** How a returned value is sent, or null for a method that returns void. */
    ReturnSender returns() {
        return returns;
    }

    @Override
    public String toString() {
        return description;
    }
}
