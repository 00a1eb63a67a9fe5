package dev.tether.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseEventTest {

    @Test
    void dataEventHasOnlyData() {
        SseEvent event = SseEvent.data("hello");
        assertEquals("hello", event.data());
        assertNull(event.event());
        assertNull(event.id());
        assertEquals(OptionalLong.empty(), event.retry());
    }

    @Test
    void ofHasNoFields() {
        SseEvent event = SseEvent.of();
        assertNull(event.data());
        assertNull(event.event());
        assertNull(event.id());
        assertEquals(OptionalLong.empty(), event.retry());
    }

    @Test
    void settersReturnNewEventsAndLeaveTheOriginalUnchanged() {
        SseEvent plain = SseEvent.data("x");
        SseEvent full = plain.event("update").id("7").retry(2500);

        assertEquals("update", full.event());
        assertEquals("7", full.id());
        assertEquals(OptionalLong.of(2500), full.retry());
        assertEquals("x", full.data());
        assertEquals(SseEvent.data("x"), plain);
    }

    @Test
    void idOnlyEvent() {
        SseEvent event = SseEvent.of().id("42");
        assertEquals("42", event.id());
        assertNull(event.data());
    }

    @Test
    void emptyIdAndZeroRetryAreAllowed() {
        assertEquals("", SseEvent.of().id("").id());
        assertEquals(OptionalLong.of(0), SseEvent.of().retry(0).retry());
    }

    @Test
    void dataMayContainAnyText() {
        String text = "a\r\nb\rc\nd\0e";
        assertEquals(text, SseEvent.data(text).data());
    }

    @Test
    void equalityIsByValue() {
        assertEquals(SseEvent.data("x").event("e").id("1").retry(5), SseEvent.data("x").event("e").id("1").retry(5));
        assertEquals(SseEvent.data("x").id("1").hashCode(), SseEvent.data("x").id("1").hashCode());
        assertNotEquals(SseEvent.data("x"), SseEvent.data("x").id("1"));
        assertNotEquals(SseEvent.data(""), SseEvent.of());
    }

    @Test
    void toStringShowsTheFieldsThatAreSet() {
        assertEquals("SseEvent[event=e, id=1, retry=5, data=\"a\\nb\"]",
                SseEvent.data("a\nb").event("e").id("1").retry(5).toString());
        assertEquals("SseEvent[]", SseEvent.of().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a\r\nb", "\n", "trailing\r"})
    void eventWithLineBreakIsRejected(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SseEvent.data("x").event(value));
        assertEquals("event must not contain CR or LF: " + escaped(value), e.getMessage());
    }

    @Test
    void emptyEventIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SseEvent.data("x").event(""));
        assertEquals("event must not be empty: clients would dispatch it as 'message'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1\n2", "1\r2", "1\r\n", "\n"})
    void idWithLineBreakIsRejected(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SseEvent.of().id(value));
        assertEquals("id must not contain CR or LF: " + escaped(value), e.getMessage());
    }

    @Test
    void idWithNulIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SseEvent.of().id("a\0b"));
        assertEquals("id must not contain NUL (U+0000): clients ignore such ids", e.getMessage());
    }

    @Test
    void negativeRetryIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SseEvent.of().retry(-1));
        assertEquals("retry must be >= 0 milliseconds, was -1", e.getMessage());
    }

    @Test
    void nullsAreRejectedWithTheFieldName() {
        assertEquals("data", assertThrows(NullPointerException.class, () -> SseEvent.data(null)).getMessage());
        assertEquals("event", assertThrows(NullPointerException.class, () -> SseEvent.of().event(null)).getMessage());
        assertEquals("id", assertThrows(NullPointerException.class, () -> SseEvent.of().id(null)).getMessage());
    }

    private static String escaped(String value) {
        return '"' + value.replace("\r", "\\r").replace("\n", "\\n") + '"';
    }
}
