package dev.tether.sse;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Reads a {@code text/event-stream} as an EventSource client does (WHATWG HTML §9.2.6,
 * "Interpreting an event stream"): bytes in through {@link #parse(ByteBuffer)}, split anywhere,
 * events out to a {@link Listener}. No threads, no I/O; not thread-safe (one stream, one caller at
 * a time).
 *
 * <p>Exactly the specification's rules:
 * <ul>
 *   <li>bytes are decoded as UTF-8, each invalid sequence becoming U+FFFD (the WHATWG Encoding
 *       standard's decoder, so a character split across two calls is still one character), and one
 *       byte order mark at the start of the stream is dropped;</li>
 *   <li>a line ends at CRLF, LF or CR; a CR ending one buffer and an LF starting the next are one
 *       line end;</li>
 *   <li>a line starting with {@code ':'} is a comment; any other line is {@code field:value}, with
 *       one space after the colon dropped, or a field alone (its value empty) when it has no colon;</li>
 *   <li>{@code data} appends its value and a line feed to the event's data; {@code event} sets its
 *       type; {@code id} sets the last event id unless the value contains U+0000; {@code retry}
 *       gives a new reconnection time when the value is all ASCII digits (one too large for a
 *       {@code long} is ignored, as Chromium does); other fields are ignored;</li>
 *   <li>a blank line dispatches the event: the last event id becomes the newest {@code id} value
 *       (also when nothing is dispatched), and an event with data is delivered, its data without
 *       the final line feed, its type {@code "message"} unless set; then data and type start
 *       empty again;</li>
 *   <li>an event the stream ends in the middle of is discarded: {@link #endOfStream()}.</li>
 * </ul>
 *
 * <p>Memory is bounded: the data of the event being read (the UTF-8 bytes of its data values, one
 * more for each line feed) plus the line being read may not exceed {@link #maxEventBytes()};
 * {@code parse} throws {@link EventTooLargeException} the moment it would. A stream of comments or
 * of events with small data never grows the parser, however long it runs.
 *
 * <pre>{@code
 * List<ReceivedEvent> events = new ArrayList<>();
 * EventStreamParser parser = new EventStreamParser(events::add);
 * parser.parse(ByteBuffer.wrap("data: hello\n\n".getBytes(StandardCharsets.UTF_8)));   // events: [message, "hello"]
 * parser.endOfStream();          // the connection ended; the next bytes are a new stream
 * String resumeFrom = parser.lastEventId();
 * }</pre>
 *
 * @see ReceivedEvent
 * @see SseEncoder the server's side
 */
public final class EventStreamParser {
    /** The default limit of {@link #maxEventBytes()}: 1 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;

    /** A buffer that grew beyond this many characters for one large event is dropped after it. */
    private static final int KEEP_CAPACITY = 16 * 1024;
    private static final int REPLACEMENT_CHARACTER = 0xFFFD;
    private static final int BYTE_ORDER_MARK = 0xFEFF;

    /**
     * What the parser found. Calls come from inside {@link #parse}; an exception thrown here leaves
     * {@code parse} at once, with the parser in a consistent state and the buffer positioned just
     * after the line that was being handled, so parsing can go on with the same buffer.
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * An event was dispatched (a blank line ended an event with data).
         *
         * @param event the event, with the last event id as it stands after it
         */
        void onEvent(ReceivedEvent event);

        /**
         * A {@code retry} field set the reconnection time, in milliseconds. Does nothing by default.
         *
         * @param millis the new reconnection time, 0 or more
         */
        default void onRetry(long millis) {
        }

        /**
         * A comment line (the server's keepalive, often), without its colon and one space after it.
         * Does nothing by default.
         *
         * @param text the comment's text; empty for a line that is only {@code ':'}
         */
        default void onComment(String text) {
        }
    }

    private final Listener listener;
    private final int maxEventBytes;

    // The WHATWG UTF-8 decoder's state.
    private int codePoint;
    private int bytesNeeded;
    private int bytesSeen;
    private int lowerBoundary = 0x80;
    private int upperBoundary = 0xBF;

    /** No code point has been decoded yet on this stream: a byte order mark would be dropped. */
    private boolean streamStart = true;
    /** The last code point was a CR: an LF right after it ends nothing more. */
    private boolean afterCr;
    private boolean failed;

    private StringBuilder line = new StringBuilder();
    private int lineBytes;
    private StringBuilder data = new StringBuilder();
    private int dataBytes;
    private String eventType = "";
    private String lastEventIdBuffer;
    private String lastEventId;

    /**
     * A parser with the {@linkplain #DEFAULT_MAX_EVENT_BYTES default limit} and no last event id.
     *
     * @param listener what receives the events, {@code retry} values and comments found
     */
    public EventStreamParser(Listener listener) {
        this(listener, DEFAULT_MAX_EVENT_BYTES, "");
    }

    /**
     * A parser holding at most {@code maxEventBytes} for one event, starting with the last event id
     * {@code lastEventId} (the one a client sent in {@code Last-Event-ID}, so events without an
     * {@code id} field carry it, as browsers do after reconnecting; {@code ""} for none).
     *
     * @param listener      what receives the events, {@code retry} values and comments found
     * @param maxEventBytes the most one event may hold, in UTF-8 bytes (see the class comment); at
     *                      least 1
     * @param lastEventId   the last event id to start from; {@code ""} for none
     * @throws IllegalArgumentException if {@code maxEventBytes} is not positive, or
     *                                  {@code lastEventId} contains U+0000 (no id field can set that)
     */
    public EventStreamParser(Listener listener, int maxEventBytes, String lastEventId) {
        this.listener = Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(lastEventId, "lastEventId");
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be at least 1: " + maxEventBytes);
        }
        if (lastEventId.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a last event id cannot contain U+0000 (NUL)");
        }
        this.maxEventBytes = maxEventBytes;
        this.lastEventIdBuffer = lastEventId;
        this.lastEventId = lastEventId;
    }

    /**
     * Reads every remaining byte of {@code in}, calling the listener for what completes.
     *
     * @param in the next bytes of the stream, from position to limit; the position moves to the limit
     *           unless a listener or this method throws
     * @throws EventTooLargeException when the event being read outgrows {@link #maxEventBytes()};
     *                                {@code in} is left just after the last byte of the character
     *                                that exceeded it (not at that byte), and
     *                                the parser refuses more bytes until {@link #endOfStream()}
     * @throws IllegalStateException  when the parser already threw {@code EventTooLargeException}
     *                                on this stream
     */
    public void parse(ByteBuffer in) throws EventTooLargeException {
        if (failed) {
            throw new IllegalStateException("this stream already exceeded " + maxEventBytes
                    + " bytes for one event; call endOfStream() before parsing another stream");
        }
        while (in.hasRemaining()) {
            int position = in.position();
            int b = in.get(position) & 0xFF;
            if (bytesNeeded == 0) {
                in.position(position + 1);
                if (b < 0x80) {
                    codePoint(b);
                } else if (b >= 0xC2 && b <= 0xDF) {
                    startSequence(1, b & 0x1F);
                } else if (b >= 0xE0 && b <= 0xEF) {
                    if (b == 0xE0) lowerBoundary = 0xA0;
                    if (b == 0xED) upperBoundary = 0x9F;
                    startSequence(2, b & 0x0F);
                } else if (b >= 0xF0 && b <= 0xF4) {
                    if (b == 0xF0) lowerBoundary = 0x90;
                    if (b == 0xF4) upperBoundary = 0x8F;
                    startSequence(3, b & 0x07);
                } else {
                    codePoint(REPLACEMENT_CHARACTER);
                }
            } else if (b < lowerBoundary || b > upperBoundary) {
                // The sequence is broken: U+FFFD for it, and this byte starts afresh (not consumed).
                resetDecoder();
                codePoint(REPLACEMENT_CHARACTER);
            } else {
                in.position(position + 1);
                lowerBoundary = 0x80;
                upperBoundary = 0xBF;
                codePoint = codePoint << 6 | b & 0x3F;
                if (++bytesSeen == bytesNeeded) {
                    int decoded = codePoint;
                    resetDecoder();
                    codePoint(decoded);
                }
            }
        }
    }

    /**
     * The stream ended (or failed): the event it ended in the middle of is discarded, unseen, and
     * the parser is ready for the next stream (a reconnection), which starts with a fresh decoder,
     * may have its own byte order mark, and starts from {@link #lastEventId()}. Also clears the
     * failure after an {@link EventTooLargeException}.
     */
    public void endOfStream() {
        resetDecoder();
        streamStart = true;
        afterCr = false;
        failed = false;
        clearLine();
        clearData();
        eventType = "";
        lastEventIdBuffer = lastEventId;
    }

    /**
     * The last event id: the newest {@code id} value that a blank line has confirmed (the one a
     * reconnecting client sends in {@code Last-Event-ID}), or the one the parser started with.
     * Empty when there is none.
     *
     * @return the last event id, never null
     */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * The most bytes one event may hold: its data so far and the line being read, as UTF-8.
     *
     * @return the limit given at construction, or {@link #DEFAULT_MAX_EVENT_BYTES}
     */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    private void startSequence(int needed, int bits) {
        bytesNeeded = needed;
        codePoint = bits;
    }

    private void resetDecoder() {
        codePoint = 0;
        bytesNeeded = 0;
        bytesSeen = 0;
        lowerBoundary = 0x80;
        upperBoundary = 0xBF;
    }

    /** One decoded code point: a line end, or a character of the current line. */
    private void codePoint(int c) throws EventTooLargeException {
        if (streamStart) {
            streamStart = false;
            if (c == BYTE_ORDER_MARK) return;
        }
        if (c == '\n') {
            if (afterCr) {
                afterCr = false; // the LF of a CRLF
                return;
            }
            endLine();
        } else if (c == '\r') {
            afterCr = true;
            endLine();
        } else {
            afterCr = false;
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if ((long) dataBytes + lineBytes + size > maxEventBytes) {
                failed = true;
                throw new EventTooLargeException(maxEventBytes);
            }
            lineBytes += size;
            line.appendCodePoint(c);
        }
    }

    private void endLine() {
        int length = line.length();
        if (length == 0) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            String comment = line.substring(valueStart(0));
            clearLine();
            listener.onComment(comment);
            return;
        }
        int colon = line.indexOf(":");
        int fieldEnd = colon < 0 ? length : colon;
        int valueStart = colon < 0 ? length : valueStart(colon);
        if (isField("data", fieldEnd)) {
            data.append(line, valueStart, length).append('\n');
            dataBytes += lineBytes - valueStart + 1; // "data: " is ASCII: one byte a character
            clearLine();
        } else if (isField("event", fieldEnd)) {
            eventType = line.substring(valueStart);
            clearLine();
        } else if (isField("id", fieldEnd)) {
            String id = line.substring(valueStart);
            if (id.indexOf('\0') < 0) lastEventIdBuffer = id;
            clearLine();
        } else if (isField("retry", fieldEnd)) {
            long millis = digits(valueStart);
            clearLine();
            if (millis >= 0) listener.onRetry(millis);
        } else {
            clearLine(); // an unknown field
        }
    }

    /** Where the value after the colon at {@code colon} starts: one space after it is skipped. */
    private int valueStart(int colon) {
        int start = colon + 1;
        return start < line.length() && line.charAt(start) == ' ' ? start + 1 : start;
    }

    private boolean isField(String name, int fieldEnd) {
        if (fieldEnd != name.length()) return false;
        for (int i = 0; i < fieldEnd; i++) {
            if (line.charAt(i) != name.charAt(i)) return false;
        }
        return true;
    }

    /** The value from {@code start} as a decimal number, or -1 unless it is only ASCII digits and fits a long. */
    private long digits(int start) {
        if (start == line.length()) return -1;
        long value = 0;
        for (int i = start; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') return -1;
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private void dispatch() {
        lastEventId = lastEventIdBuffer;
        if (data.length() == 0) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1); // the line feed of the last data line
        ReceivedEvent event = new ReceivedEvent(lastEventId, eventType.isEmpty() ? ReceivedEvent.MESSAGE : eventType,
                data.toString());
        clearData();
        eventType = "";
        listener.onEvent(event);
    }

    private void clearLine() {
        if (line.capacity() > KEEP_CAPACITY) line = new StringBuilder();
        else line.setLength(0);
        lineBytes = 0;
    }

    private void clearData() {
        if (data.capacity() > KEEP_CAPACITY) data = new StringBuilder();
        else data.setLength(0);
        dataBytes = 0;
    }
}
