package dev.tether.servlet.endpoint;

import dev.tether.api.HandshakeInfo;
import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocket;
import dev.tether.servlet.endpoint.EndpointMethod.Source;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where each parameter of one handler method takes its value from, by the rules of its
 * {@link HandlerKind}: path variables (checked against the path template), the socket, the
 * handshake, the event and the last-part flag. Problems go to the endpoint's list.
 */
final class HandlerParameters {
    private final String where;
    private final HandlerKind kind;
    private final PathTemplate template;
    private final MessageTypes messageTypes;
    private final List<String> problems;
    private final Class<?>[] types;
    private final Source[] sources;
    private final List<String> pathNames = new ArrayList<>();
    private final List<PathValueConverter> converters = new ArrayList<>();
    private int event = -1;
    private int last = -1;

    /**
     * Classifies the parameters of {@code method}.
     *
     * @param where    how problems name the method
     * @param template the endpoint's path template, or null when it did not parse
     */
    HandlerParameters(Method method, String where, HandlerKind kind, PathTemplate template,
                      MessageTypes messageTypes, List<String> problems) {
        this.where = where;
        this.kind = kind;
        this.template = template;
        this.messageTypes = messageTypes;
        this.problems = problems;
        this.types = method.getParameterTypes();
        this.sources = new Source[types.length];
        Parameter[] parameters = method.getParameters();
        for (int i = 0; i < types.length; i++) {
            classify(i, parameters[i].getAnnotation(PathParam.class));
        }
    }

    /** The parameter types, in order. */
    Class<?>[] types() {
        return types;
    }

    /**
     * Adapts {@code direct}, the handle of this method, to an endpoint method whose parameters take
     * their values as classified here, and whose messages arrive as {@code mode} says.
     */
    EndpointMethod adapt(MethodHandle direct, MessageAdapter adapter, ReceiveMode mode, ReturnSender returns) {
        return EndpointMethod.adapt(where, direct, sources, pathNames, converters, adapter, mode, returns);
    }

    /** The position of the event parameter (message, close status or Throwable), or -1. */
    int event() {
        return event;
    }

    /** The position of the last-part flag, or -1. */
    int last() {
        return last;
    }

    private void classify(int i, PathParam path) {
        Class<?> t = types[i];
        String parameter = "parameter " + (i + 1) + " ("
                + (path != null ? "@PathParam(\"" + path.value() + "\") " : "") + t.getSimpleName() + ")";
        if (path != null) {
            if (template != null && !template.variables().contains(path.value())) {
                problems.add(where + ": " + parameter + " names {" + path.value() + "}, but the path template "
                        + template + " has " + variablesText());
            }
            PathValueConverter converter = PathValueConverter.forType(t);
            if (converter == null) {
                problems.add(where + ": " + parameter
                        + " cannot take a path value: use String, a primitive, a boxed primitive or an enum");
            }
            sources[i] = Source.PATH;
            pathNames.add(path.value());
            converters.add(converter);
        } else if (t == WebSocket.class) {
            sources[i] = Source.SOCKET;
        } else if (t == HandshakeInfo.class) {
            sources[i] = Source.HANDSHAKE;
        } else if (isEvent(t)) {
            if (event >= 0) {
                problems.add(where + ": " + parameter + " is a second " + kind.eventNoun + " after parameter " + (event + 1));
            }
            sources[i] = Source.EVENT;
            event = i;
        } else if (kind == HandlerKind.MESSAGE && t == boolean.class) {
            if (last >= 0) {
                problems.add(where + ": " + parameter + " is a second last-part flag after parameter " + (last + 1));
            }
            sources[i] = Source.LAST;
            last = i;
        } else {
            problems.add(where + ": " + parameter + " has no @PathParam and is not a type " + kind.label
                    + " accepts (" + kind.accepted + ")");
        }
    }

    private boolean isEvent(Class<?> t) {
        return kind == HandlerKind.MESSAGE ? messageTypes.isMessage(t) : t == kind.eventType;
    }

    private String variablesText() {
        List<String> variables = template.variables();
        return variables.isEmpty() ? "no variables"
                : "only " + variables.stream().map(v -> "{" + v + "}").collect(Collectors.joining(", "));
    }
}
