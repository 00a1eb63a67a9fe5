package dev.tether.servlet.endpoint;

import dev.tether.api.CloseStatus;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * The four method annotations, in the order problems list them: what each accepts besides
 * WebSocket, HandshakeInfo and @PathParam, and the event parameter it takes, if any.
 */
enum HandlerKind {
    OPEN(OnOpen.class, "WebSocket, HandshakeInfo", null, null),
    MESSAGE(OnMessage.class, "WebSocket, HandshakeInfo, boolean last, and one of " + MessageTypes.ACCEPTED,
            null, "message parameter"),
    CLOSE(OnClose.class, "WebSocket, HandshakeInfo, CloseStatus", CloseStatus.class, "close status"),
    ERROR(OnError.class, "WebSocket, HandshakeInfo, Throwable", Throwable.class, "Throwable");

    private final Class<? extends Annotation> annotation;
    /** {@code @OnOpen}: how problems name the annotation. */
    final String label;
    /** The parameter types it accepts, as problems list them. */
    final String accepted;
    /** The type of its event parameter; null for OPEN (none) and MESSAGE (decided by {@link MessageTypes}). */
    final Class<?> eventType;
    /** How problems name a second event parameter. */
    final String eventNoun;

    HandlerKind(Class<? extends Annotation> annotation, String accepted, Class<?> eventType, String eventNoun) {
        this.annotation = annotation;
        this.label = "@" + annotation.getSimpleName();
        this.accepted = accepted;
        this.eventType = eventType;
        this.eventNoun = eventNoun;
    }

    /** The kinds whose annotation {@code method} carries, in declaration order; empty for a plain method. */
    static List<HandlerKind> on(Method method) {
        List<HandlerKind> found = new ArrayList<>();
        for (HandlerKind kind : values()) {
            if (method.isAnnotationPresent(kind.annotation)) {
                found.add(kind);
            }
        }
        return found;
    }
}
