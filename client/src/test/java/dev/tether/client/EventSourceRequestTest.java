package dev.tether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request's defaults, and what its builder refuses, with messages that say why. */
class EventSourceRequestTest {
    private static final URI EVENTS = URI.create("https://example.com/events");

    @Test
    void defaults() {
        EventSourceRequest request = EventSourceRequest.of(EVENTS);
        assertEquals(EVENTS, request.uri());
        assertEquals(Map.of(), request.headers());
        assertEquals("", request.lastEventId());
        assertEquals(Duration.ofSeconds(3), request.retry());
        assertEquals(Duration.ofMillis(500), request.minRetryDelay());
        assertEquals(Duration.ofSeconds(30), request.maxRetryDelay());
        assertEquals(Integer.MAX_VALUE, request.maxReconnects());
        assertEquals(1 << 20, request.maxEventBytes());
        assertEquals(Duration.ofMinutes(5), request.idleTimeout());
        assertEquals(5, request.maxRedirects());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://example.com/events", "ftp://example.com/", "/events", "http:///events",
            "http://example.com/events#top"})
    void onlyHttpAndHttpsUrisWithAHostAndNoFragment(String uri) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventSourceRequest.of(URI.create(uri)));
        assertTrue(e.getMessage().contains(uri), e.getMessage());
    }

    @Test
    void headersReplaceByNameAndTheClientsOwnAreRefused() {
        EventSourceRequest request = EventSourceRequest.builder(EVENTS).header("Authorization", "Bearer a")
                .header("authorization", "Bearer b").header("Cache-Control", "max-age=0").build();
        assertEquals(Map.of("authorization", "Bearer b", "Cache-Control", "max-age=0"), request.headers());
        assertFalse(request.toString().contains("Bearer"), "header values are not shown: " + request);
        EventSourceRequest.Builder builder = EventSourceRequest.builder(EVENTS);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.header("Accept", "*/*")).getMessage()
                .contains("always text/event-stream"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.header("Last-Event-ID", "7")).getMessage()
                .contains("lastEventId"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.header("Host", "other")).getMessage()
                .startsWith("header Host cannot be sent: "));
        assertThrows(IllegalArgumentException.class, () -> builder.header("X-Bad", "a\r\nb"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"caf\u00e9", "\u00a0nbsp", "\u00ff", "\u0080", "\u4e2d", "a\u007fb"})
    void headerValuesJavaNetHttpWouldNotSendAsTheyAreAreRefused(String value) {
        EventSourceRequest.Builder builder = EventSourceRequest.builder(EVENTS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.header("X-Name", value));
        assertTrue(e.getMessage().startsWith("header X-Name cannot be sent: ") && e.getMessage().contains("printable ASCII"),
                e.getMessage());
        assertFalse(e.getMessage().contains(value), "the value may be a secret: " + e.getMessage());
        assertEquals("a\tb ~", builder.header("X-Name", "a\tb ~").build().headers().get("X-Name"));
    }

    @Test
    void numbersAndIdsAreChecked() {
        EventSourceRequest.Builder builder = EventSourceRequest.builder(EVENTS);
        assertThrows(IllegalArgumentException.class, () -> builder.retry(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> builder.maxRetryDelay(Duration.ofMillis(-1)));
        // durations beyond what milliseconds and nanoseconds hold are refused here, not failed later in connect()
        for (Duration forever : new Duration[]{java.time.temporal.ChronoUnit.FOREVER.getDuration(), Duration.ofDays(366)}) {
            assertThrows(IllegalArgumentException.class, () -> builder.idleTimeout(forever));
            assertThrows(IllegalArgumentException.class, () -> builder.retry(forever));
            assertThrows(IllegalArgumentException.class, () -> builder.maxRetryDelay(forever));
            assertThrows(IllegalArgumentException.class, () -> builder.minRetryDelay(forever));
        }
        builder.idleTimeout(Duration.ofDays(365));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.minRetryDelay(Duration.ZERO)).getMessage()
                .contains("at least 1 ms"));
        assertThrows(IllegalArgumentException.class, () -> builder.minRetryDelay(Duration.ofNanos(999_999)));
        assertThrows(IllegalArgumentException.class, () -> builder.maxReconnects(-1));
        assertThrows(IllegalArgumentException.class, () -> builder.maxEventBytes(0));
        assertThrows(IllegalArgumentException.class, () -> builder.idleTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> builder.maxRedirects(-1));
        assertEquals(0, EventSourceRequest.builder(EVENTS).maxRedirects(0).build().toBuilder().build().maxRedirects());
        assertEquals(Duration.ZERO, EventSourceRequest.builder(EVENTS).idleTimeout(Duration.ZERO).build().toBuilder().build()
                .idleTimeout(), "zero: never");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.lastEventId("caf\u00e9")).getMessage()
                .contains("printable ASCII"));
        EventSourceRequest request = builder.retry(Duration.ZERO).minRetryDelay(Duration.ofMillis(1)).maxReconnects(0)
                .lastEventId("41").build();
        assertEquals(Duration.ofMillis(1), request.toBuilder().build().minRetryDelay());
        assertEquals(request.toString(), request.toBuilder().build().toString());
        assertEquals("41", request.toBuilder().build().lastEventId());
    }
}
