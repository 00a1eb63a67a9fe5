package dev.tether.servlet.endpoint;

import dev.tether.api.CloseStatus;
import dev.tether.api.HandshakeInfo;
import dev.tether.api.WebSocket;
import dev.tether.driver.handshake.HeaderTokens;
import dev.tether.servlet.HandshakeHook;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.endpoint.EndpointMethod.Source;
import dev.tether.servlet.endpoint.EndpointModel.Slot;
import dev.tether.servlet.endpoint.annotation.OnClose;
import dev.tether.servlet.endpoint.annotation.OnError;
import dev.tether.servlet.endpoint.annotation.OnMessage;
import dev.tether.servlet.endpoint.annotation.OnOpen;
import dev.tether.servlet.endpoint.annotation.PathParam;
import dev.tether.servlet.endpoint.annotation.WebSocketEndpoint;

import java.io.InputStream;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and validates an endpoint class into an {@link EndpointModel}, once, at registration. Every
 * rule broken is collected and reported together in one {@link EndpointDefinitionException}, each
 * naming the class, the method, the parameter and the rule, so nothing fails at the first message.
 */
final class EndpointIntrospector {
    private static final List<Class<? extends Annotation>> METHOD_ANNOTATIONS =
            List.of(OnOpen.class, OnMessage.class, OnClose.class, OnError.class);
    private static final Set<Class<?>> BOXES = Set.of(Boolean.class, Character.class, Byte.class, Short.class,
            Integer.class, Long.class, Float.class, Double.class);
    private static final String MESSAGE_TYPES =
            "String, Reader, byte[], ByteBuffer, InputStream, PongMessage or a type with a decoder";

    /** What each method annotation accepts besides WebSocket, HandshakeInfo and @PathParam. */
    private enum Kind {
        OPEN("@OnOpen", "WebSocket, HandshakeInfo"),
        MESSAGE("@OnMessage", "WebSocket, HandshakeInfo, boolean last, and one of " + MESSAGE_TYPES),
        CLOSE("@OnClose", "WebSocket, HandshakeInfo, CloseStatus"),
        ERROR("@OnError", "WebSocket, HandshakeInfo, Throwable");

        final String label;
        final String accepted;

        Kind(String label, String accepted) {
            this.label = label;
            this.accepted = accepted;
        }
    }

    private final Class<?> type;
    private final String name;
    private final List<String> problems = new ArrayList<>();
    private final EndpointMethod[] methods = new EndpointMethod[Slot.values().length];
    private final String[] methodNames = new String[Slot.values().length];
    private PathTemplate template;
    private Codecs codecs;

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
        codecs = new Codecs(annotation.decoders(), annotation.encoders(), problems);
        checkNonPublicMethods();
        Method[] candidates = type.getMethods();
        Arrays.sort(candidates, Comparator.comparing(EndpointIntrospector::describeForSort));
        boolean any = false;
        for (Method method : candidates) {
            if (!method.isBridge() && !method.isSynthetic()) {
                any |= readMethod(method);
            }
        }
        if (!any && problems.isEmpty()) {
            problems.add(name + " has no @OnOpen, @OnMessage, @OnClose or @OnError method");
        }
        if (problems.isEmpty()) {
            WebSocketOptions options = options(configurator, hook);
            if (problems.isEmpty()) {
                return new EndpointModel(type, template, subprotocols, configurator, options, methods);
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

    private void checkNonPublicMethods() {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(method.getModifiers()) && !annotations(method).isEmpty()) {
                    problems.add(describe(method) + ": " + annotations(method).get(0) + " methods must be public");
                }
            }
        }
    }

    /** Reads one public method; returns whether it carries one of our annotations. */
    private boolean readMethod(Method method) {
        List<String> found = annotations(method);
        if (found.isEmpty()) {
            return false;
        }
        String where = describe(method);
        if (found.size() > 1) {
            problems.add(where + ": has " + String.join(" and ", found) + "; a method handles one event");
            return true;
        }
        Kind kind = method.isAnnotationPresent(OnOpen.class) ? Kind.OPEN
                : method.isAnnotationPresent(OnMessage.class) ? Kind.MESSAGE
                : method.isAnnotationPresent(OnClose.class) ? Kind.CLOSE : Kind.ERROR;
        if (Modifier.isStatic(method.getModifiers())) {
            problems.add(where + ": " + kind.label + " methods must not be static");
            return true;
        }
        new MethodReader(method, where, kind).read();
        return true;
    }

    /** Classifies the parameters and return type of one method and adapts its handle. */
    private final class MethodReader {
        private final Method method;
        private final String where;
        private final Kind kind;
        private final Class<?>[] types;
        private final Source[] sources;
        private final List<String> pathNames = new ArrayList<>();
        private final List<PathValueConverter> converters = new ArrayList<>();
        private int event = -1;
        private int last = -1;

        MethodReader(Method method, String where, Kind kind) {
            this.method = method;
            this.where = where;
            this.kind = kind;
            this.types = method.getParameterTypes();
            this.sources = new Source[types.length];
        }

        void read() {
            if (kind != Kind.MESSAGE && method.getReturnType() != void.class) {
                problems.add(where + ": " + kind.label + " methods must return void, not " + method.getReturnType().getSimpleName());
            }
            for (int i = 0; i < types.length; i++) {
                classify(i);
            }
            Slot slot = null;
            MessageAdapter adapter = MessageAdapter.IDENTITY;
            ReturnSender returns = null;
            switch (kind) {
                case OPEN -> slot = Slot.OPEN;
                case CLOSE -> slot = Slot.CLOSE;
                case ERROR -> {
                    slot = Slot.ERROR;
                    if (event < 0) {
                        problems.add(where + ": @OnError methods need a Throwable parameter");
                    }
                }
                case MESSAGE -> {
                    if (event < 0) {
                        problems.add(where + ": @OnMessage methods need one message parameter: " + MESSAGE_TYPES);
                    } else {
                        slot = messageSlot(types[event]);
                        adapter = messageAdapter(types[event]);
                        checkLastFlag();
                    }
                    returns = returnSender(method.getReturnType());
                }
            }
            if (slot != null && methodNames[slot.ordinal()] != null) {
                problems.add(where + ": a second " + slot.label + " method; " + methodNames[slot.ordinal()] + " is one already");
                return;
            }
            if (slot != null) {
                methodNames[slot.ordinal()] = where;
            }
            if (!problems.isEmpty() || slot == null) {
                return; // the class is refused anyway: no handle to build
            }
            MethodHandle direct;
            try {
                direct = MethodHandles.publicLookup().findVirtual(type, method.getName(),
                        MethodType.methodType(method.getReturnType(), types));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                problems.add(where + ": cannot be called from Tether: " + e.getMessage());
                return;
            }
            methods[slot.ordinal()] = EndpointMethod.adapt(where, direct, sources, pathNames, converters, adapter, returns);
        }

        private void classify(int i) {
            Class<?> t = types[i];
            PathParam path = method.getParameters()[i].getAnnotation(PathParam.class);
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
                    problems.add(where + ": " + parameter + " is a second " + eventNoun() + " after parameter " + (event + 1));
                }
                sources[i] = Source.EVENT;
                event = i;
            } else if (kind == Kind.MESSAGE && t == boolean.class) {
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

        private String variablesText() {
            List<String> variables = template.variables();
            return variables.isEmpty() ? "no variables"
                    : "only " + variables.stream().map(v -> "{" + v + "}").collect(Collectors.joining(", "));
        }

        private boolean isEvent(Class<?> t) {
            return switch (kind) {
                case OPEN -> false;
                case CLOSE -> t == CloseStatus.class;
                case ERROR -> t == Throwable.class;
                case MESSAGE -> t == String.class || t == Reader.class || t == byte[].class || t == ByteBuffer.class
                        || t == InputStream.class || t == PongMessage.class
                        || codecs.textDecoder(t) != null || codecs.binaryDecoder(t) != null;
            };
        }

        private String eventNoun() {
            return switch (kind) {
                case CLOSE -> "close status";
                case ERROR -> "Throwable";
                default -> "message parameter";
            };
        }

        private Slot messageSlot(Class<?> t) {
            if (t == String.class || t == Reader.class) {
                return Slot.TEXT;
            }
            if (t == byte[].class || t == ByteBuffer.class || t == InputStream.class) {
                return Slot.BINARY;
            }
            if (t == PongMessage.class) {
                return Slot.PONG;
            }
            if (codecs.textDecoder(t) != null && codecs.binaryDecoder(t) != null) {
                problems.add(where + ": parameter " + (event + 1) + " (" + t.getSimpleName()
                        + ") has both a text and a binary decoder; list one, or take text and binary in two methods");
                return null;
            }
            return codecs.textDecoder(t) != null ? Slot.TEXT : Slot.BINARY;
        }

        private MessageAdapter messageAdapter(Class<?> t) {
            if (t == String.class || t == ByteBuffer.class) {
                return MessageAdapter.IDENTITY;
            }
            if (t == Reader.class) {
                return MessageAdapter.READER;
            }
            if (t == byte[].class) {
                return MessageAdapter.BYTES;
            }
            if (t == InputStream.class) {
                return MessageAdapter.INPUT_STREAM;
            }
            if (t == PongMessage.class) {
                return MessageAdapter.PONG;
            }
            TextDecoder<?> text = codecs.textDecoder(t);
            return text != null ? MessageAdapter.decoding(text) : MessageAdapter.decoding(codecs.binaryDecoder(t));
        }

        private void checkLastFlag() {
            Class<?> t = types[event];
            if (last >= 0 && t != String.class && t != byte[].class && t != ByteBuffer.class) {
                problems.add(where + ": parameter " + (last + 1) + " (boolean) is a last-part flag, which goes only with a "
                        + "String, byte[] or ByteBuffer message, not " + t.getSimpleName());
            }
        }

        private ReturnSender returnSender(Class<?> r) {
            if (r == void.class) {
                return null;
            }
            if (r == String.class) {
                return ReturnSender.TEXT;
            }
            if (r == byte[].class) {
                return ReturnSender.BYTES;
            }
            if (r == ByteBuffer.class) {
                return ReturnSender.BUFFER;
            }
            if (r.isPrimitive() || BOXES.contains(r)) {
                return ReturnSender.AS_TEXT;
            }
            TextEncoder<?> text = codecs.textEncoder(r);
            BinaryEncoder<?> binary = codecs.binaryEncoder(r);
            if (text != null && binary != null) {
                problems.add(where + ": returns " + r.getSimpleName() + ", which has both a text and a binary encoder; list one");
                return null;
            }
            if (text != null) {
                return ReturnSender.encoding(text);
            }
            if (binary != null) {
                return ReturnSender.encoding(binary);
            }
            problems.add(where + ": returns " + r.getSimpleName() + ", which has no encoder: return void, String, byte[], "
                    + "ByteBuffer or a primitive, or list a TextEncoder<" + r.getSimpleName() + "> or BinaryEncoder<"
                    + r.getSimpleName() + "> in @WebSocketEndpoint(encoders)");
            return null;
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

    private static List<String> annotations(Method method) {
        List<String> found = new ArrayList<>();
        for (Class<? extends Annotation> annotation : METHOD_ANNOTATIONS) {
            if (method.isAnnotationPresent(annotation)) {
                found.add("@" + annotation.getSimpleName());
            }
        }
        return found;
    }

    /** {@code ChatEndpoint.onText(String, int)}: how problems name a method. */
    private String describe(Method method) {
        return name + "." + method.getName() + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }

    private static String describeForSort(Method method) {
        return method.getName() + Arrays.toString(method.getParameterTypes());
    }
}
