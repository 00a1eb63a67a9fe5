package dev.tether.sse;

import static dev.tether.sse.EventStreams.message;
import static dev.tether.sse.EventStreams.read;
import static dev.tether.sse.EventStreams.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.sse.WhatwgEventStreamParser.Dispatched;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The parser's bounds and its life over several streams: the size limit, what happens after it,
 * {@code endOfStream()} between connections, a listener that throws, and random streams read the
 * same as by the step-by-step reference parser.
 */
class EventStreamParserLimitsTest {
    private static final int LIMIT = 16;

    @Test
    @DisplayName("a line of exactly the limit passes, one byte more fails at that byte")
    void longLine() {
        assertEquals(List.of(message("", "0123456789"), "last-event-id "),
                read(utf8("data: 0123456789\n\n"), LIMIT, ""));
        assertEquals(List.of(message("", "0123456789"), "too large", "last-event-id "),
                read(utf8("data: 0123456789\n\ndata: 0123456789A\n\n"), LIMIT, ""));
    }

    @Test
    @DisplayName("the limit counts UTF-8 bytes, not characters")
    void countsBytes() {
        // Each U+4E2D is 3 bytes: "data:" and three make 14, "data: " and four would make 18.
        assertEquals(List.of(message("", "\u4e2d".repeat(3)), "too large", "last-event-id "),
                read(utf8("data:\u4e2d\u4e2d\u4e2d\n\ndata: " + "\u4e2d".repeat(4) + "\n\n"), LIMIT, ""));
    }

    @Test
    @DisplayName("data lines add up (each value and its line feed) with the line being read")
    void dataAddsUp() {
        // "data: 0123" is 10 bytes and leaves 5 held: 5 + 10 fits, 10 + 7 ("data: 0") does not.
        assertEquals(List.of(message("", "0123\n0123"), "last-event-id "),
                read(utf8("data: 0123\ndata: 0123\n\n"), LIMIT, ""));
        assertEquals(List.of("too large", "last-event-id "),
                read(utf8("data: 0123\ndata: 0123\ndata: 0\n\n"), LIMIT, ""));
    }

    @Test
    @DisplayName("a line without an end fails once it outgrows the limit, whatever the field")
    void unendedLine() {
        assertEquals(List.of("too large", "last-event-id "), read(utf8(":" + "x".repeat(LIMIT)), LIMIT, ""));
        assertEquals(List.of("too large", "last-event-id "), read(utf8("x".repeat(LIMIT + 1)), LIMIT, ""));
    }

    @Test
    @DisplayName("comments, ids and dispatched events never add up: a long stream stays within a small limit")
    void longStreamOfSmallEvents() throws EventTooLargeException {
        List<ReceivedEvent> events = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(events::add, LIMIT, "");
        for (int i = 0; i < 10_000; i++) {
            parser.parse(ByteBuffer.wrap(utf8(": keepalive\nid: " + i + "\ndata: " + i + "\n\n")));
        }
        assertEquals(10_000, events.size());
        assertEquals(ReceivedEvent.message("9999", "9999"), events.get(9_999));
    }

    @Test
    @DisplayName("after the limit the parser refuses bytes until endOfStream(); the next stream starts clean")
    void failureLastsUntilEndOfStream() throws EventTooLargeException {
        List<ReceivedEvent> events = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(events::add, LIMIT, "");
        parser.parse(ByteBuffer.wrap(utf8("id: 5\ndata: a\n\nid: 6\ndata: ")));
        EventTooLargeException tooLarge = assertThrows(EventTooLargeException.class,
                () -> parser.parse(ByteBuffer.wrap(utf8("0123456789ABCDEF\n\n"))));
        assertEquals(LIMIT, tooLarge.limit());
        assertTrue(tooLarge.getMessage().contains("exceeded 16 bytes"), tooLarge.getMessage());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> parser.parse(ByteBuffer.wrap(utf8("\n"))));
        assertTrue(refused.getMessage().contains("call endOfStream()"), refused.getMessage());

        parser.endOfStream();
        parser.parse(ByteBuffer.wrap(utf8("\uFEFFdata: b\n\n")));
        assertEquals(List.of(ReceivedEvent.message("5", "a"), ReceivedEvent.message("5", "b")), events);
    }

    @Test
    @DisplayName("endOfStream() drops a half-read line, event and character, and a pending CR")
    void endOfStreamBetweenConnections() throws EventTooLargeException {
        List<ReceivedEvent> events = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(events::add);
        parser.parse(ByteBuffer.wrap(utf8("id: 1\nevent: t\ndata: a\r")));
        parser.parse(ByteBuffer.wrap(new byte[] {(byte) 0xE4, (byte) 0xB8}));
        parser.endOfStream();
        parser.parse(ByteBuffer.wrap(utf8("\ndata: b\n\n")));
        assertEquals(List.of(ReceivedEvent.message("", "b")), events);
        assertEquals("", parser.lastEventId());
    }

    @Test
    @DisplayName("a listener that throws: parse() throws, and the same buffer parses on from the next line")
    void throwingListener() throws EventTooLargeException {
        List<String> seen = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(event -> {
            seen.add(event.data());
            if (event.data().equals("boom")) throw new IllegalStateException("listener failed");
        });
        ByteBuffer stream = ByteBuffer.wrap(utf8("data: a\n\ndata: boom\r\n\r\ndata: c\n\n"));
        assertThrows(IllegalStateException.class, () -> parser.parse(stream));
        parser.parse(stream);
        assertEquals(List.of("a", "boom", "c"), seen);
    }

    @Test
    void argumentsAreChecked() {
        EventStreamParser.Listener ignore = event -> { };
        assertThrows(IllegalArgumentException.class, () -> new EventStreamParser(ignore, 0, ""));
        assertThrows(IllegalArgumentException.class, () -> new EventStreamParser(ignore, 10, "a\0b"));
        assertThrows(NullPointerException.class, () -> new EventStreamParser(null));
    }

    @Test
    @DisplayName("random streams: the same events, ids and retry as the step-by-step reference parser")
    void sameAsReference() throws EventTooLargeException {
        String[] pieces = {"data", "data:", "data: ", "event:", "event: t", "id:", "id: ", "id", "retry:", "retry: ",
                ":", "x", " ", "\u00e9", "\uD83D\uDE00", "\0", "12", "\r", "\n", "\r\n", "\n\n", "foo:", "\uFEFF"};
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(40); n > 0; n--) text.append(pieces[random.nextInt(pieces.length)]);
            byte[] stream = utf8(text.append('\n').toString());

            WhatwgEventStreamParser reference = new WhatwgEventStreamParser();
            List<Dispatched> expected = reference.parse(stream);
            List<Dispatched> actual = new ArrayList<>();
            long[] retry = {-1};
            EventStreamParser parser = new EventStreamParser(new EventStreamParser.Listener() {
                @Override
                public void onEvent(ReceivedEvent event) {
                    actual.add(new Dispatched(event.type(), event.data(), event.id()));
                }

                @Override
                public void onRetry(long millis) {
                    retry[0] = millis;
                }
            });
            for (int at = 0; at < stream.length; ) {
                int length = Math.min(stream.length - at, 1 + random.nextInt(8));
                parser.parse(ByteBuffer.wrap(stream, at, length));
                at += length;
            }
            String shown = EventStreams.escape(text.toString());
            assertEquals(expected, actual, shown);
            assertEquals(reference.lastEventId(), parser.lastEventId(), shown);
            assertEquals(reference.reconnectionTime(), retry[0], shown);
        }
    }
}
