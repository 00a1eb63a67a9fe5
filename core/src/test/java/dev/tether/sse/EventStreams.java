package dev.tether.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Feeds event-stream byte vectors to fresh {@link EventStreamParser}s in every way a network may
 * split them: whole, split in two at every offset, and one byte at a time. Every way must give the
 * same transcript: one line per listener call ({@code event id=… type=… data=…}, {@code retry …},
 * {@code comment …}), {@code too large} when the parser threw {@link EventTooLargeException} (no
 * more bytes are fed after it), and last {@code last-event-id …}.
 */
final class EventStreams {
    private EventStreams() {
    }

    /** The transcript of {@code input} with the default limit and no last event id. */
    static List<String> read(String input) {
        return read(utf8(input), EventStreamParser.DEFAULT_MAX_EVENT_BYTES, "");
    }

    static List<String> read(byte[] input) {
        return read(input, EventStreamParser.DEFAULT_MAX_EVENT_BYTES, "");
    }

    /** Returns the transcript of the whole run after checking every other run matches it. */
    static List<String> read(byte[] input, int maxEventBytes, String lastEventId) {
        List<String> whole = run(maxEventBytes, lastEventId, feed -> feed.accept(ByteBuffer.wrap(input.clone())));
        for (int split = 1; split < input.length; split++) {
            int at = split;
            List<String> twoParts = run(maxEventBytes, lastEventId, feed -> {
                byte[] copy = input.clone();
                feed.accept(ByteBuffer.wrap(copy, 0, at).slice());
                feed.accept(ByteBuffer.wrap(copy, at, copy.length - at)); // a buffer not starting at 0
            });
            assertEquals(whole, twoParts, "fed split at " + split);
        }
        List<String> oneByOne = run(maxEventBytes, lastEventId, feed -> {
            for (byte b : input) feed.accept(ByteBuffer.wrap(new byte[] {b}));
        });
        assertEquals(whole, oneByOne, "fed one byte at a time");
        return whole;
    }

    private static List<String> run(int maxEventBytes, String lastEventId, Consumer<Consumer<ByteBuffer>> chunks) {
        Transcript transcript = new Transcript();
        EventStreamParser parser = new EventStreamParser(transcript, maxEventBytes, lastEventId);
        boolean[] failed = new boolean[1];
        chunks.accept(chunk -> {
            if (failed[0]) return;
            try {
                parser.parse(chunk);
            } catch (EventTooLargeException e) {
                assertEquals(maxEventBytes, e.limit());
                transcript.lines.add("too large");
                failed[0] = true;
            }
        });
        transcript.lines.add("last-event-id " + parser.lastEventId());
        return transcript.lines;
    }

    /** The transcript line of an event. */
    static String event(String id, String type, String data) {
        return "event id=" + id + " type=" + type + " data=" + escape(data);
    }

    /** The transcript line of a {@code message} event. */
    static String message(String id, String data) {
        return event(id, ReceivedEvent.MESSAGE, data);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    /** Line ends and NUL made visible, so transcripts compare readably. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
    }

    static final class Transcript implements EventStreamParser.Listener {
        final List<String> lines = new ArrayList<>();

        @Override
        public void onEvent(ReceivedEvent event) {
            lines.add(event(event.id(), event.type(), event.data()));
        }

        @Override
        public void onRetry(long millis) {
            lines.add("retry " + millis);
        }

        @Override
        public void onComment(String text) {
            lines.add("comment " + escape(text));
        }
    }
}
