package dev.tether.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Fuzz target: the event stream, both ends. The first byte chooses the mode and the second seeds
 * the read cuts. Mode "any stream": the rest, as a server might send it, parses into the same
 * events whole and cut into reads, with no event over the limit and nothing thrown but
 * {@link EventTooLargeException}. Mode "round trip": the rest, read as UTF-8 text and cut at U+0001
 * into data, event type and id, is encoded by {@link SseEncoder} and parsed back: the client must
 * get exactly that data (line breaks as {@code \n}), type and id.
 */
public final class EventStreamFuzz {
    private static final int LIMIT = 4096;

    private EventStreamFuzz() {
    }

    public static void fuzzerTestOneInput(byte[] input) throws EventTooLargeException {
        if (input.length < 2) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 2, input.length);
        if ((input[0] & 1) == 0) {
            List<String> whole = parse(rest, new Random(0), false);
            List<String> cut = parse(rest, new Random(input[1]), true);
            if (!whole.equals(cut)) {
                throw new AssertionError("cut reads changed the events:\n" + whole + "\n" + cut);
            }
            return;
        }
        String[] fields = new String(rest, StandardCharsets.UTF_8).split("\u0001", 3);
        String data = fields[0];
        SseEvent event = SseEvent.data(data);
        String type = fields.length > 1 ? singleLine(fields[1]) : "";
        if (!type.isEmpty()) {
            event = event.event(type);
        }
        String id = fields.length > 2 ? singleLine(fields[2]).replace("\0", "") : null;
        if (id != null) {
            event = event.id(id);
        }
        List<ReceivedEvent> received = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(received::add, 1 << 20, "before");
        parser.parse(ByteBuffer.wrap(SseEncoder.encode(event)));
        ReceivedEvent expected = new ReceivedEvent(id == null ? "before" : id, type.isEmpty() ? ReceivedEvent.MESSAGE : type,
                data.replace("\r\n", "\n").replace('\r', '\n'));
        if (!received.equals(List.of(expected))) {
            throw new AssertionError("sent " + expected + ", received " + received);
        }
    }

    private static String singleLine(String text) {
        return text.replace("\r", "").replace("\n", "");
    }

    /** The events and retries the parser reports for {@code stream}, read whole or cut, then a reconnection. */
    private static List<String> parse(byte[] stream, Random cuts, boolean cut) {
        List<String> seen = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(new EventStreamParser.Listener() {
            @Override
            public void onEvent(ReceivedEvent event) {
                if (event.data().getBytes(StandardCharsets.UTF_8).length > LIMIT) {
                    throw new AssertionError("an event over the limit: " + event.data().length() + " chars");
                }
                seen.add(event.toString());
            }

            @Override
            public void onRetry(long millis) {
                seen.add("retry " + millis);
            }
        }, LIMIT, "");
        int at = 0;
        while (at < stream.length) {
            int n = cut ? 1 + cuts.nextInt(stream.length - at) : stream.length - at;
            try {
                parser.parse(ByteBuffer.wrap(stream, at, n));
            } catch (EventTooLargeException e) {
                seen.add("too large");
                parser.endOfStream();
                break; // what comes after depends on where the read ended: a client reconnects
            }
            at += n;
        }
        parser.endOfStream();
        seen.add("last id " + parser.lastEventId());
        return seen;
    }
}
