package dev.tether.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-only client-side parser that follows the WHATWG HTML "interpreting an event stream"
 * algorithm step by step, to check what a browser would make of the encoder's bytes, and the
 * reference the incremental {@link EventStreamParser} is compared with on random streams.
 */
final class WhatwgEventStreamParser {

    /** What a browser's EventSource dispatches: the {@code MessageEvent}'s type, data and lastEventId. */
    record Dispatched(String type, String data, String lastEventId) {
    }

    private final StringBuilder dataBuffer = new StringBuilder();
    private String eventTypeBuffer = "";
    private String lastEventIdBuffer = "";
    private String lastEventId = "";
    private long reconnectionTime = -1;

    /** Parses a whole stream (it must end on a line break); returns the events dispatched, in order. */
    List<Dispatched> parse(byte[] stream) {
        String text = new String(stream, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<Dispatched> dispatched = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\r' && c != '\n') continue;
            processLine(text.substring(start, i), dispatched);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
            start = i + 1;
        }
        if (start != text.length()) throw new AssertionError("stream ends inside a line: " + text.substring(start));
        return dispatched;
    }

    String lastEventId() {
        return lastEventId;
    }

    long reconnectionTime() {
        return reconnectionTime;
    }

    private void processLine(String line, List<Dispatched> dispatched) {
        if (line.isEmpty()) {
            dispatch(dispatched);
        } else if (line.startsWith(":")) {
            return; // comment
        } else {
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            processField(field, value);
        }
    }

    private void processField(String field, String value) {
        switch (field) {
            case "event" -> eventTypeBuffer = value;
            case "data" -> dataBuffer.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) lastEventIdBuffer = value;
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    reconnectionTime = Long.parseLong(value);
                }
            }
            default -> {
                // unknown fields are ignored
            }
        }
    }

    private void dispatch(List<Dispatched> dispatched) {
        lastEventId = lastEventIdBuffer;
        if (dataBuffer.length() == 0) {
            eventTypeBuffer = "";
            return;
        }
        dataBuffer.setLength(dataBuffer.length() - 1);
        String type = eventTypeBuffer.isEmpty() ? "message" : eventTypeBuffer;
        dispatched.add(new Dispatched(type, dataBuffer.toString(), lastEventId));
        dataBuffer.setLength(0);
        eventTypeBuffer = "";
    }
}
