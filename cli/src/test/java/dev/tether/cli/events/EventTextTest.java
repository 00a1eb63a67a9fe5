package dev.tether.cli.events;

import dev.tether.cli.format.Printable;
import dev.tether.sse.ReceivedEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventTextTest {
    @Test
    @DisplayName("for people: the type, the id after #, the data with later lines indented and (at a terminal) controls escaped")
    void forPeople() {
        ReceivedEvent tick = new ReceivedEvent("5", "tick", "tick 5");
        assertEquals("tick #5", EventText.head(tick, Printable::escape));
        assertEquals("message", EventText.head(new ReceivedEvent("", "message", "x"), Printable::escape));
        assertEquals("tick #\\e[2J", EventText.head(new ReceivedEvent("\u001b[2J", "tick", "x"), Printable::escape));
        assertEquals("one\n  two", EventText.data(new ReceivedEvent("", "message", "one\ntwo"), Printable::escape));
        assertEquals("\\e[31mred", EventText.data(new ReceivedEvent("", "message", "\u001b[31mred"), Printable::escape));
        assertEquals("\u001b[31mred", EventText.data(new ReceivedEvent("", "message", "\u001b[31mred"), text -> text));
    }

    @Test
    @DisplayName("for scripts: one JSON object per event, every character JSON needs escaped escaped")
    void json() {
        assertEquals("{\"id\":\"5\",\"event\":\"tick\",\"data\":\"tick 5\"}", EventText.json(new ReceivedEvent("5", "tick", "tick 5")));
        assertEquals("{\"id\":\"\",\"event\":\"message\",\"data\":\"a \\\"q\\\" \\\\ b\\nc\\td\\u0007\\u2028\\u007f\\u009b\"}",
                EventText.json(new ReceivedEvent("", "message", "a \"q\" \\ b\nc\td\u0007\u2028\u007f\u009b")));
    }

    @Test
    @DisplayName("delays in seconds with one decimal")
    void seconds() {
        assertEquals("2.0 s", EventText.seconds(Duration.ofSeconds(2)));
        assertEquals("0.3 s", EventText.seconds(Duration.ofMillis(250)));
    }
}
