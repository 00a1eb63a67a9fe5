package dev.tether.servlet.endpoint;

import dev.tether.driver.handshake.HeaderTokens;
import dev.tether.servlet.HandshakeHook;
import dev.tether.servlet.WebSocketOptions;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates an endpoint class into an {@link EndpointModel}, once, at registration. Every
 * rule broken is collected and reported together in one {@link EndpointDefinitionException}, each
 * naming the class, the method, the parameter and the rule, so nothing fails at the first message.
 * The class-level rules are here; the methods are found by {@link HandlerScanner} and bound by
 * {@link HandlerBinder}.
 */
final class EndpointIntrospector {
    private final Class<?> type;
    private final String name;
    private final List<String> problems = new ArrayList<>();

    private EndpointIntrospector(Class<?> type) {
        this.type = type;
        this.name = type.getSimpleName();
    }

    /**
     * Validates {@code type} and builds its model.
     *
     * @param override a configurator that replaces the one the annotation names, or null
     * @param hook     the handshake hook of every connection of the endpoint
     * @throws EndpointDefinitionException listing every rule the class breaks
     */
    static EndpointModel read(Class<?> type, EndpointConfigurator override, HandshakeHook hook) {
        return new EndpointIntrospector(type).read(override, hook);
    }

    private EndpointModel read(EndpointConfigurator override, HandshakeHook hook) {
        WebSocketEndpoint annotation = type.getAnnotation(WebSocketEndpoint.class);
        if (annotation == null) {
            throw new EndpointDefinitionException(type, List.of(name + " has no @WebSocketEndpoint annotation"));
        }
        checkClass();
        PathTemplate template = null;
        try {
            template = PathTemplate.parse(annotation.value());
        } catch (IllegalArgumentException e) {
            problems.add("@WebSocketEndpoint on " + name + ": " + e.getMessage());
        }
        List<String> subprotocols = subprotocols(annotation.subprotocols());
        EndpointConfigurator configurator = override != null ? override : configurator(annotation.configurator());
        if (configurator != null) {
            checkConstructor(configurator);
        }
        Codecs codecs = new Codecs(annotation.decoders(), annotation.encoders(), problems);
        HandlerBinder binder = new HandlerBinder(type, template, new MessageTypes(codecs, problems), problems);
        boolean any = new HandlerScanner(type, binder, problems).scan();
        if (!any && problems.isEmpty()) {
            problems.add(name + " has no @OnOpen, @OnMessage, @OnClose or @OnError method");
        }
        if (problems.isEmpty()) {
            WebSocketOptions options = options(configurator, hook);
            if (problems.isEmpty()) {
                return new EndpointModel(type, template, subprotocols, configurator, options, binder.methods());
            }
        }
        throw new EndpointDefinitionException(type, problems);
    }

    private void checkClass() {
        int modifiers = type.getModifiers();
        if (!Modifier.isPublic(modifiers)) {
            problems.add(name + " must be public");
        }
        if (type.isInterface() || Modifier.isAbstract(modifiers)) {
            problems.add(name + " must be a concrete class, not " + (type.isInterface() ? "an interface" : "abstract"));
        }
    }

    private List<String> subprotocols(String[] names) {
        Set<String> unique = new LinkedHashSet<>();
        for (String protocol : names) {
            if (!HeaderTokens.isToken(protocol)) {
                problems.add("@WebSocketEndpoint on " + name + ": subprotocol \"" + protocol + "\" is not an HTTP token");
            } else if (!unique.add(protocol)) {
                problems.add("@WebSocketEndpoint on " + name + ": subprotocol \"" + protocol + "\" is listed twice");
            }
        }
        return List.copyOf(unique);
    }

    private EndpointConfigurator configurator(Class<? extends EndpointConfigurator> configuratorClass) {
        if (configuratorClass == EndpointConfigurator.class) {
            return DefaultConfigurator.INSTANCE;
        }
        try {
            return configuratorClass.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            problems.add("configurator " + configuratorClass.getName() + " of " + name + " must have a public no-arg constructor");
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            problems.add("configurator " + configuratorClass.getName() + " of " + name + " could not be made: " + cause);
        }
        return null;
    }

    /** Without a configurator that supplies instances, Tether makes them: that needs a public no-arg constructor. */
    private void checkConstructor(EndpointConfigurator configurator) {
        if (suppliesInstances(configurator) || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            return;
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            String inner = type.isMemberClass() && !Modifier.isStatic(type.getModifiers())
                    ? " (it is an inner class: declare it static)" : "";
            problems.add(name + " has no public no-arg constructor" + inner
                    + ", and its configurator does not override newInstance to supply instances");
        }
    }

    private static boolean suppliesInstances(EndpointConfigurator configurator) {
        try {
            return configurator.getClass().getMethod("newInstance", Class.class, EndpointHandshake.class)
                    .getDeclaringClass() != EndpointConfigurator.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private WebSocketOptions options(EndpointConfigurator configurator, HandshakeHook hook) {
        WebSocketOptions.Builder builder = WebSocketOptions.builder();
        try {
            configurator.configure(type, builder);
        } catch (RuntimeException e) {
            problems.add("configurator " + configurator.getClass().getName() + " failed to configure " + name + ": " + e);
            return null;
        }
        return builder.handshakeHook(hook).build();
    }
}
