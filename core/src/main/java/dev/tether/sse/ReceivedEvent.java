package dev.tether.sse;

import java.util.Objects;

/**
 * One event as an EventSource client receives it: what {@link EventStreamParser} dispatches at the
 * blank line that ends an event, with the fields a browser's {@code MessageEvent} has. The
 * counterpart of {@link SseEvent}, which is what a server sends.
 *
 * @param id   the stream's last event id when the event was dispatched: the value of the newest
 *             {@code id} field so far (this event's own, or an earlier one's), or the empty string
 *             when there has been none or the newest was empty; what a reconnecting client sends as
 *             {@code Last-Event-ID}
 * @param type the event type: the event's {@code event} field, or {@code "message"} when it had
 *             none (or an empty one)
 * @param data the event's {@code data} lines joined with {@code "\n"} (never ending in that
 *             trailing line feed); may be empty
 */
public record ReceivedEvent(String id, String type, String data) {
    /** The type of an event with no {@code event} field. */
    public static final String MESSAGE = "message";

    /**
     * Checks that no component is null.
     *
     * @param id   the stream's last event id when the event was dispatched; empty for none
     * @param type the event type
     * @param data the event's data lines joined with {@code "\n"}
     * @throws NullPointerException if any component is null
     */
    public ReceivedEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    /**
     * An event of type {@code message} with this data and last event id.
     *
     * @param id   the stream's last event id; empty for none
     * @param data the event's data lines joined with {@code "\n"}
     * @return the event, of type {@link #MESSAGE}
     */
    public static ReceivedEvent message(String id, String data) {
        return new ReceivedEvent(id, MESSAGE, data);
    }
}
