package dev.tether.sse;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Encodes server-sent events to the {@code text/event-stream} wire format (WHATWG HTML,
 * "Server-sent events"): UTF-8, every line ended by {@code \n}.
 *
 * <p>Each method returns a fresh array of exactly the encoded size, computed before writing, so a
 * broadcaster can encode once and hand the same bytes to every subscriber.
 *
 * <p>Wire layout of {@link #encode(SseEvent)}, in this order, each line only when the field is set:
 * <pre>
 * event: &lt;event&gt;
 * id: &lt;id&gt;
 * retry: &lt;millis&gt;
 * data: &lt;line 1 of data&gt;
 * data: &lt;line 2 of data&gt;
 * &lt;blank line: dispatches the event&gt;
 * </pre>
 * The order (event, id, then data) is faye-websocket's; {@code retry} sits with the other single
 * fields. The field order has no effect on what clients dispatch.
 */
public final class SseEncoder {
    private static final byte[] EVENT = ascii("event:");
    private static final byte[] ID = ascii("id:");
    private static final byte[] RETRY = ascii("retry:");
    private static final byte[] DATA = ascii("data:");
    private static final byte[] COMMENT = ascii(":");

    private SseEncoder() {
    }

    /**
     * The event's field lines followed by the blank line that makes the client dispatch it.
     * Data is split on CRLF, CR and LF (each one break) into one {@code data: } line per line: a
     * trailing break yields a last, empty {@code data: } line and empty data one {@code data: } line,
     * so the client's {@code event.data} equals {@link SseEvent#data()} with breaks normalised to
     * {@code \n}. An event with no fields encodes as the blank line alone, which dispatches nothing.
     *
     * @param event the event to encode
     * @return the event's bytes on the stream, UTF-8, ending in the blank line
     */
    public static byte[] encode(SseEvent event) {
        Objects.requireNonNull(event, "event");
        String type = event.event();
        String id = event.id();
        String retry = event.retry().isPresent() ? Long.toString(event.retry().getAsLong()) : null;
        String data = event.data();

        int size = 1;
        if (type != null) size += linesLength(EVENT, type, true);
        if (id != null) size += linesLength(ID, id, true);
        if (retry != null) size += linesLength(RETRY, retry, true);
        if (data != null) size += linesLength(DATA, data, true);

        byte[] out = new byte[size];
        int pos = 0;
        if (type != null) pos = writeLines(EVENT, type, true, out, pos);
        if (id != null) pos = writeLines(ID, id, true, out, pos);
        if (retry != null) pos = writeLines(RETRY, retry, true, out, pos);
        if (data != null) pos = writeLines(DATA, data, true, out, pos);
        out[pos] = '\n';
        return out;
    }

    /**
     * Comment lines, which clients ignore: {@code : text\n} for each line of {@code text} (split like
     * data), or just {@code :\n} for an empty line, so {@code comment("")} is the 2-byte heartbeat
     * {@code :\n} that keeps proxies from timing the stream out.
     *
     * <p>No blank line follows: a comment is not an event, and a blank line would only dispatch an
     * event left unfinished, which {@link #encode(SseEvent)} never does. Comments may therefore be
     * written between any two encoded events.
     *
     * @param text the comment, any text; empty for a heartbeat
     * @return the comment lines as UTF-8
     */
    public static byte[] comment(String text) {
        Objects.requireNonNull(text, "text");
        byte[] out = new byte[linesLength(COMMENT, text, false)];
        writeLines(COMMENT, text, false, out, 0);
        return out;
    }

    /**
     * A {@code retry: millis} line and a blank line: sets the client's reconnection delay without
     * dispatching an event.
     *
     * @param millis the reconnection delay, in milliseconds
     * @return the two lines as ASCII bytes
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public static byte[] retry(long millis) {
        return encode(SseEvent.of().retry(millis));
    }

    /** Bytes for {@link #writeLines}: each line is prefix, space, text, LF. */
    private static int linesLength(byte[] prefix, String text, boolean spaceBeforeEmptyLine) {
        int length = 0;
        int start = 0;
        while (true) {
            int end = lineEnd(text, start);
            boolean space = spaceBeforeEmptyLine || end > start;
            length += prefix.length + (space ? 1 : 0) + Utf8.length(text, start, end) + 1;
            if (end == text.length()) return length;
            start = nextLineStart(text, end);
        }
    }

    private static int writeLines(byte[] prefix, String text, boolean spaceBeforeEmptyLine, byte[] out, int pos) {
        int start = 0;
        while (true) {
            int end = lineEnd(text, start);
            System.arraycopy(prefix, 0, out, pos, prefix.length);
            pos += prefix.length;
            if (spaceBeforeEmptyLine || end > start) out[pos++] = ' ';
            pos = Utf8.write(text, start, end, out, pos);
            out[pos++] = '\n';
            if (end == text.length()) return pos;
            start = nextLineStart(text, end);
        }
    }

    /** The index of the first CR or LF at or after {@code from}, or the text's length. */
    private static int lineEnd(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') return i;
        }
        return text.length();
    }

    /** The index after the line break at {@code breakAt}; CRLF is one break. */
    private static int nextLineStart(String text, int breakAt) {
        boolean crlf = text.charAt(breakAt) == '\r' && breakAt + 1 < text.length() && text.charAt(breakAt + 1) == '\n';
        return breakAt + (crlf ? 2 : 1);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
