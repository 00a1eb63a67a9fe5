package dev.tether.servlet.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.api.ConnectionClosedException;
import dev.tether.api.EventSource;
import dev.tether.api.ReadyState;
import dev.tether.servlet.sse.SseClient.Comment;
import dev.tether.servlet.sse.SseClient.Event;
import dev.tether.servlet.sse.SseClient.Retry;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import dev.tether.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One stream to one client: the response head, event framing, delivery, timeouts and the end. */
class EventSourceStreamTest {
    private static final EventSourceOptions QUIET = EventSourceOptions.builder().pingInterval(Duration.ZERO).build();
    private final HttpClient http = SseClient.newHttpClient();

    @ParameterizedTest
    @EnumSource(Container.class)
    void theHeadArrivesAtOnceWithTheEventStreamHeaders(Container container) throws Exception {
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder()
                .pingInterval(Duration.ZERO)
                .header("Access-Control-Allow-Origin", "https://app.example")
                .build());
        try (RunningServer server = container.start(r -> r.addServlet("/events", streams)); streams) {
            SseClient client = SseClient.connect(http, server.httpUri("/events"));
            EventSource source = streams.awaitOpen();
            // Nothing has been sent yet and the stream is held open: the head must be here already.
            HttpResponse.ResponseInfo head = client.awaitHead();
            assertEquals(200, head.statusCode());
            String contentType = head.headers().firstValue("Content-Type").orElseThrow().toLowerCase(Locale.ROOT).replace(" ", "");
            assertTrue(contentType.startsWith("text/event-stream;"), contentType);
            assertTrue(contentType.contains("charset=utf-8"), contentType);
            assertEquals("no-cache", head.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("no", head.headers().firstValue("X-Accel-Buffering").orElseThrow());
            assertEquals("https://app.example", head.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertFalse(head.headers().allValues("Connection").stream().anyMatch(v -> v.equalsIgnoreCase("close")),
                    head.headers().toString());
            assertEquals(ReadyState.OPEN, source.readyState());
            assertEquals(server.httpUri("/events").toString(), source.url());
            assertEquals("", source.lastEventId());
            source.close();
            client.ended.get(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void eventsAreFramedAsTheClientExpects(Container container) throws Exception {
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder()
                .pingInterval(Duration.ZERO).retry(Duration.ofMillis(1500)).build());
        try (RunningServer server = container.start(r -> r.addServlet("/events", streams)); streams) {
            SseClient client = SseClient.connect(http, server.httpUri("/events"));
            EventSource source = streams.awaitOpen();
            assertEquals(new Retry(1500), client.next(), "retry is sent first");

            source.send("line 1\nline 2\r\nline 3\rline 4").toCompletableFuture().get(10, TimeUnit.SECONDS);
            source.send("Breaking News!", "notification", "99");
            source.comment("hello\nworld");
            source.ping();
            source.send(SseEvent.of().id("100")); // moves the last event id, dispatches nothing
            source.send("h\u00e9llo \u2713 \ud83d\ude00");
            source.send(SseEvent.data("").event("empty"));

            assertEquals(new Event("message", "line 1\nline 2\nline 3\nline 4", ""), client.next());
            assertEquals(new Event("notification", "Breaking News!", "99"), client.next());
            assertEquals(new Comment("hello"), client.next());
            assertEquals(new Comment("world"), client.next());
            assertEquals(new Comment(""), client.next());
            assertEquals(new Event("message", "h\u00e9llo \u2713 \ud83d\ude00", "100"), client.next());
            // One empty data line: a browser dispatches an event with empty data.
            assertEquals(new Event("empty", "", "100"), client.next());
            source.send("last");
            assertEquals(new Event("message", "last", "100"), client.next());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void eachEventArrivesOnItsOwnWhileTheStreamStaysOpen(Container container) throws Exception {
        RecordingStreams streams = new RecordingStreams(QUIET);
        try (RunningServer server = container.start(r -> r.addServlet("/events", streams)); streams) {
            SseClient client = SseClient.connect(http, server.httpUri("/events"));
            EventSource source = streams.awaitOpen();
            CompletableFuture<Void> sent = null;
            for (int i = 1; i <= 5; i++) {
                // The server sends the next event only once the client has the previous one: nothing
                // else would push this one out of a buffer.
                sent = source.send("event " + i, null, Integer.toString(i)).toCompletableFuture();
                assertEquals(new Event("message", "event " + i, Integer.toString(i)), client.nextEvent());
                assertFalse(client.ended.isDone());
            }
            // The client may read the bytes before the server hears that its write completed: wait for that.
            sent.get(10, TimeUnit.SECONDS);
            assertEquals(0, source.bufferedAmount());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void chainedSendsDoNotGrowTheStack(Container container) throws Exception {
        int count = 200_000;
        RecordingStreams streams = new RecordingStreams(QUIET);
        try (RunningServer server = container.start(r -> r.addServlet("/events", streams)); streams) {
            HttpResponse<java.util.stream.Stream<String>> response = http.send(
                    java.net.http.HttpRequest.newBuilder(server.httpUri("/events")).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofLines());
            EventSource source = streams.awaitOpen();
            CompletableFuture<Void> allSent = new CompletableFuture<>();
            sendFrom(source, 0, count, allSent); // each send when the one before it has completed
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(
                    () -> response.body().filter("data: x"::equals).limit(count).count());
            allSent.get(30, TimeUnit.SECONDS); // a StackOverflowError in the chain fails it
            assertEquals(count, received.get(30, TimeUnit.SECONDS));
        }
    }

    private static void sendFrom(EventSource source, int sent, int count, CompletableFuture<Void> allSent) {
        if (sent == count) {
            allSent.complete(null);
            return;
        }
        source.send("x").thenRun(() -> sendFrom(source, sent + 1, count, allSent)).exceptionally(e -> {
            allSent.completeExceptionally(e);
            return null;
        });
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anEventLargerThanTheResponseBufferArrivesWholeOnItsOwn(Container container) throws Exception {
        RecordingStreams streams = new RecordingStreams(QUIET);
        try (RunningServer server = container.start(r -> r.addServlet("/events", streams)); streams) {
            SseClient client = SseClient.connect(http, server.httpUri("/events"));
            EventSource source = streams.awaitOpen();
            for (int size : new int[] {9_000, 100_000, 1 << 20}) {
                String big = "y".repeat(size);
                source.send(big, null, Integer.toString(size));
                assertEquals(new Event("message", big, Integer.toString(size)), client.nextEvent());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void closeEndsTheStreamAfterWhatIsQueuedAndFiresCloseOnce(Container container) throws Exception {
        RecordingStreams streams = new RecordingStreams(QUIET);
        try (RunningServer server = container.start(r -> r.addServlet("/events", streams)); streams) {
            SseClient client = SseClient.connect(http, server.httpUri("/events"));
            EventSource source = streams.awaitOpen();
            CompletableFuture<Void> last = source.send("last").toCompletableFuture();
            source.close();
            source.close();
            assertEquals(new Event("message", "last", ""), client.nextEvent());
            client.ended.get(10, TimeUnit.SECONDS);
            last.get(10, TimeUnit.SECONDS);
            assertEquals(source, streams.awaitClose());
            source.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(ReadyState.CLOSED, source.readyState());
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> source.send("too late").toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertInstanceOf(ConnectionClosedException.class, refused.getCause());
            assertEquals(1, streams.closes.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aClientThatGoesAwayIsNoticedByTheHeartbeat(Container container) throws Exception {
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder().pingInterval(Duration.ofMillis(50)).build());
        try (RunningServer server = container.start(r -> r.addServlet("/events", streams)); streams) {
            EventSource source;
            try (RawWebSocketClient raw = RawWebSocketClient.open(server.httpUri("/"))) {
                RawWebSocketClient.ResponseHead head = raw.sendRequestHead("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Accept: text/html, text/event-stream;q=0.9\r\n\r\n");
                assertEquals(200, head.status());
                source = streams.awaitOpen();
            } // the client vanishes without a word
            assertEquals(source, streams.awaitClose());
            source.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(ReadyState.CLOSED, source.readyState());
            assertEquals(0, source.bufferedAmount());
            // Later pings and sends fail quietly and fire nothing more.
            assertThrows(ExecutionException.class, () -> source.ping().toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertEquals(1, streams.closes.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theContainersAsyncTimeoutDoesNotEndAQuietStream(Container container) throws Exception {
        Duration shortTimeout = Duration.ofMillis(200);
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder().pingInterval(Duration.ofMillis(50)).build());
        HttpServlet impatient = new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                // An application (or a framework default) already started async with a short timeout.
                request.startAsync().setTimeout(shortTimeout.toMillis());
                EventSources.start(request, response, streams.options(), streams.newListener(request));
            }
        };
        try (RunningServer server = container.start(r -> r.addServlet("/events", impatient)); streams) {
            SseClient client = SseClient.connect(http, server.httpUri("/events"));
            EventSource source = streams.awaitOpen();
            // 20 pings, 50 ms apart: the stream lives five times the container's timeout.
            for (int pings = 0; pings < 20; pings++) {
                assertEquals(new Comment(""), client.next());
            }
            assertFalse(client.ended.isDone());
            assertEquals(ReadyState.OPEN, source.readyState());
            assertEquals(0, streams.closes.get());
            source.send("still here");
            assertEquals(new Event("message", "still here", ""), client.nextEvent());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void lastEventIdComesFromTheHeaderOrTheQuery(Container container) throws Exception {
        RecordingStreams streams = new RecordingStreams(QUIET);
        try (RunningServer server = container.start(r -> r.addServlet("/events", streams)); streams) {
            SseClient.connect(http, server.httpUri("/events"), "Last-Event-ID", "41");
            assertEquals("41", streams.awaitOpen().lastEventId());
            SseClient.connect(http, server.httpUri("/events?lastEventId=42&x=1"));
            EventSource polyfilled = streams.awaitOpen();
            assertEquals("42", polyfilled.lastEventId());
            assertEquals(server.httpUri("/events?lastEventId=42&x=1").toString(), polyfilled.url());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void otherRequestsAreNotAcceptable(Container container) throws Exception {
        RecordingStreams streams = new RecordingStreams(QUIET);
        try (RunningServer server = container.start(r -> r.addServlet("/events", streams)); streams) {
            HttpResponse<String> page = http.send(java.net.http.HttpRequest.newBuilder(server.httpUri("/events"))
                    .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(406, page.statusCode());
            assertTrue(streams.opened.isEmpty());
        }
    }
}
