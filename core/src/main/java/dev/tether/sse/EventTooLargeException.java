package dev.tether.sse;

/**
 * An event stream held more than {@link EventStreamParser}'s limit for one event: the data of an
 * event still open plus the line being read. A client treats it as a failed stream (and may
 * reconnect); the parser refuses further bytes until {@link EventStreamParser#endOfStream()}.
 */
public final class EventTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The limit that was exceeded, in bytes; see {@link #limit()}. */
    private final int limit;

    /**
     * With a message naming {@code limit}.
     *
     * @param limit the parser's limit for one event, in bytes
     */
    public EventTooLargeException(int limit) {
        super("an event of the stream exceeded " + limit + " bytes (its data lines so far and the line being read,"
                + " as UTF-8): a stream that never ends its event or its line, or a limit set too low for this server");
        this.limit = limit;
    }

    /**
     * The limit that was exceeded, in bytes.
     *
     * @return the parser's limit for one event, as given at construction
     */
    public int limit() {
        return limit;
    }
}
