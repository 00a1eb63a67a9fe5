package dev.tether.sse;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * One server-sent event (WHATWG HTML, "Server-sent events"): optional {@code data}, {@code event}
 * type, {@code id} and {@code retry} fields. Immutable: every setter returns a new event.
 *
 * <p>Fields are checked when set, so an event that exists can always be encoded without changing its
 * meaning. {@code data} may hold any text: line breaks become separate {@code data:} lines on the
 * wire and come back as {@code \n} in the browser. {@code event} and {@code id} are single-line.
 *
 * <pre>{@code
 * SseEvent.data("hello\nworld").event("greeting").id("42")
 * SseEvent.of().id("42")          // only moves the client's last-event-id; dispatches nothing
 * }</pre>
 */
public final class SseEvent {
    /** Stored in {@link #retry} when the event has no retry field. */
    private static final long NO_RETRY = -1;

    private static final SseEvent EMPTY = new SseEvent(null, null, null, NO_RETRY);

    private final String data;
    private final String event;
    private final String id;
    private final long retry;

    private SseEvent(String data, String event, String id, long retry) {
        this.data = data;
        this.event = event;
        this.id = id;
        this.retry = retry;
    }

    /**
     * An event carrying {@code data}, dispatched to the client's {@code message} listener unless an
     * {@link #event(String) event type} is set.
     *
     * @param data any text; CRLF, CR and LF each count as one line break. Empty data is allowed and
     *             dispatches an event with empty data.
     * @return a new event with that data and no other field
     * @throws NullPointerException if {@code data} is null
     */
    public static SseEvent data(String data) {
        Objects.requireNonNull(data, "data");
        return new SseEvent(data, null, null, NO_RETRY);
    }

    /**
     * An event with no fields yet. With no data the client dispatches nothing, so this is the start
     * of an event that only sets the last event id ({@code of().id("42")}) or the reconnection time.
     *
     * @return the event with no fields, a shared instance
     */
    public static SseEvent of() {
        return EMPTY;
    }

    /**
     * This event with the event type {@code event} (the client's listener name).
     *
     * @param event the event type, non-empty and on one line
     * @return a new event with this one's other fields
     * @throws IllegalArgumentException if {@code event} is empty (clients would read it as
     *                                  {@code message}) or contains CR or LF
     */
    public SseEvent event(String event) {
        Objects.requireNonNull(event, "event");
        if (event.isEmpty()) {
            throw new IllegalArgumentException("event must not be empty: clients would dispatch it as 'message'");
        }
        requireSingleLine("event", event);
        return new SseEvent(data, event, id, retry);
    }

    /**
     * This event with the id {@code id}, which becomes the client's last event id (sent back in
     * {@code Last-Event-ID} on reconnection). The empty string is allowed: it resets that id.
     *
     * @param id the event id, on one line
     * @return a new event with this one's other fields
     * @throws IllegalArgumentException if {@code id} contains CR, LF or NUL (clients ignore ids with NUL)
     */
    public SseEvent id(String id) {
        Objects.requireNonNull(id, "id");
        requireSingleLine("id", id);
        if (id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("id must not contain NUL (U+0000): clients ignore such ids");
        }
        return new SseEvent(data, event, id, retry);
    }

    /**
     * This event with a {@code retry} field: the client's reconnection delay in milliseconds.
     *
     * @param millis the reconnection delay in milliseconds, 0 or more
     * @return a new event with this one's other fields
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public SseEvent retry(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("retry must be >= 0 milliseconds, was " + millis);
        }
        return new SseEvent(data, event, id, millis);
    }

    /**
     * The data, or null when the event has no data lines.
     *
     * @return the data as given, line breaks not yet normalised; or null
     */
    public String data() {
        return data;
    }

    /**
     * The event type, or null when unset (clients then dispatch {@code message}).
     *
     * @return the event type, or null
     */
    public String event() {
        return event;
    }

    /**
     * The id, or null when the event has no id field.
     *
     * @return the id, possibly empty; or null
     */
    public String id() {
        return id;
    }

    /**
     * The reconnection delay in milliseconds, or empty when the event has no retry field.
     *
     * @return the delay, or an empty {@code OptionalLong}
     */
    public OptionalLong retry() {
        return retry == NO_RETRY ? OptionalLong.empty() : OptionalLong.of(retry);
    }

    private static void requireSingleLine(String field, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(field + " must not contain CR or LF: " + quote(value));
        }
    }

    private static String quote(String value) {
        return '"' + value.replace("\r", "\\r").replace("\n", "\\n") + '"';
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SseEvent that
                && Objects.equals(data, that.data)
                && Objects.equals(event, that.event)
                && Objects.equals(id, that.id)
                && retry == that.retry;
    }

    @Override
    public int hashCode() {
        return Objects.hash(data, event, id, retry);
    }

    @Override
    public String toString() {
        StringJoiner fields = new StringJoiner(", ", "SseEvent[", "]");
        if (event != null) fields.add("event=" + event);
        if (id != null) fields.add("id=" + id);
        if (retry != NO_RETRY) fields.add("retry=" + retry);
        if (data != null) fields.add("data=" + quote(data));
        return fields.toString();
    }
}
