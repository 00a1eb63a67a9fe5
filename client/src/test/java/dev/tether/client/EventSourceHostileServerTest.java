package dev.tether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The EventSource client against raw servers on 127.0.0.1 that misbehave in ways a container
 * would not: an id and an oversized event in one chunk, and the like.
 */
class EventSourceHostileServerTest {
    private static final String STREAM_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";

    private EventSourceClient client;

    @BeforeEach
    void startClient() {
        client = EventSourceClient.builder().proxy(ProxyOptions.none()).build();
    }

    @AfterEach
    void stopClient() {
        client.close();
    }

    @Test
    void anIdBeforeAnOversizedEventInTheSameChunkIsKeptForTheReconnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> answer(socket, out,
                STREAM_HEAD + "id: 5\n\ndata: " + "x".repeat(2000) + "\n\n", false))) {
            EventLog log = new EventLog();
            EventSourceConnection events = client.connect(EventSourceRequest.builder(server.httpUri("/events"))
                    .maxEventBytes(1000).retry(Duration.ofMillis(10)).build(), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("reconnecting TOO_LARGE", log.next());
            assertEquals("5", events.lastEventId(), "the blank line after id: 5 confirmed it before the event that was too large");
            server.nextRequest();
            String reconnection = server.nextRequest();
            assertTrue(reconnection.contains("\r\nLast-Event-ID: 5\r\n"), reconnection);
        }
    }

    @Test
    void aRefusalIsReportedEvenWhenTheSchedulerRefusesToTimeItsBody() throws Exception {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdown();
        try (ScriptedServer server = ScriptedServer.answering("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 9\r\n\r\nno stream", false);
             EventSourceClient refusing = EventSourceClient.builder().proxy(ProxyOptions.none()).scheduler(stopped).build()) {
            EventLog log = new EventLog();
            refusing.connect(server.httpUri("/events"), log);
            EventSourceRefusedException refused = assertInstanceOf(EventSourceRefusedException.class, log.awaitClose());
            assertEquals(404, refused.status());
            assertEquals("close REFUSED", log.next());
        }
    }

    @Test
    void retryZeroAndStreamsThatEndAtOnceDoNotMakeATightLoop() throws Exception {
        List<Long> requestedAt = new CopyOnWriteArrayList<>();
        CountDownLatch threeRequests = new CountDownLatch(3);
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> {
            requestedAt.add(System.nanoTime()); // stamped by the server: the client's own clock is not trusted here
            threeRequests.countDown();
            answer(socket, out, STREAM_HEAD + "retry: 0\n\n", true);
        })) {
            EventLog log = new EventLog();
            EventSourceConnection events = client.connect(server.httpUri("/events"), log);
            assertTrue(threeRequests.await(20, TimeUnit.SECONDS), "three requests");
            events.close();
            long floor = TimeUnit.MILLISECONDS.toNanos(EventSourceRequest.DEFAULT_MIN_RETRY_DELAY.toMillis());
            long first = requestedAt.get(1) - requestedAt.get(0);
            long second = requestedAt.get(2) - requestedAt.get(1);
            assertTrue(first >= floor, "the first reconnection waited " + first / 1_000_000 + " ms");
            assertTrue(second >= 2 * floor, "a stream that delivered nothing counts as a failure: the backoff doubles,"
                    + " but the second reconnection waited " + second / 1_000_000 + " ms");
        }
    }

    @Test
    void aServersHugeRetryIsTakenAsAFewMinutesAtMost() throws Exception {
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) ->
                answer(socket, out, STREAM_HEAD + "retry: 31536000000\ndata: a\n\n", false))) {
            EventLog log = new EventLog();
            EventSourceConnection events = client.connect(server.httpUri("/events"), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry " + Duration.ofMinutes(5).toMillis(), log.next(), "a year's retry: is clamped");
            assertEquals(Duration.ofMinutes(5), events.retryDelay());
            events.close();
        }
    }

    @Test
    void maxServerRetryBoundsTheReconnectionAServerAsksFor() throws Exception {
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) ->
                answer(socket, out, STREAM_HEAD + "retry: 86400000\ndata: a\n\n", true))) {
            EventLog log = new EventLog();
            EventSourceConnection events = client.connect(EventSourceRequest.builder(server.httpUri("/events"))
                    .maxServerRetry(Duration.ofMillis(50)).minRetryDelay(Duration.ofMillis(1)).build(), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 50", log.next());
            assertEquals(EventLog.event("", "message", "a"), log.next());
            assertEquals("reconnecting ENDED", log.next());
            assertEquals(Duration.ofMillis(50), log.reconnectDelays.get(0), "a day's retry: waits maxServerRetry");
            assertEquals("open 200 /events", log.next(), "and reconnects then");
            events.close();
        }
    }

    @Test
    void streamsThatEndWithoutAnEventCountTowardsMaxReconnects() throws Exception {
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) ->
                answer(socket, out, STREAM_HEAD + "retry: 0\n: a comment is not an event\n\n", true))) {
            EventLog log = new EventLog();
            client.connect(EventSourceRequest.builder(server.httpUri("/events")).maxReconnects(2).build(), log);
            EventSourceException cause = log.awaitClose();
            assertTrue(cause.getMessage().startsWith("gave up after 2 reconnections in a row: the server ended the stream"),
                    cause.getMessage());
        }
    }

    @Test
    void aStreamThatFallsSilentIsAbandonedAfterIdleTimeoutAndReconnected() throws Exception {
        CountDownLatch droppedByTheClient = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> {
            answer(socket, out, STREAM_HEAD + "data: hello\n\n", false); // then nothing, as over a half-open connection
            if (socket.getInputStream().read() == -1) droppedByTheClient.countDown();
        })) {
            EventLog log = new EventLog();
            EventSourceConnection events = client.connect(EventSourceRequest.builder(server.httpUri("/events"))
                    .idleTimeout(Duration.ofMillis(300)).build(), log);
            assertEquals("open 200 /events", log.next());
            assertEquals(EventLog.event("", "message", "hello"), log.next());
            assertEquals("reconnecting TIMEOUT", log.next());
            String message = log.reconnectCauses.get(0).getMessage();
            assertTrue(message.startsWith("no data from " + server.httpUri("/events") + " for idleTimeout (300 ms)"), message);
            assertTrue(droppedByTheClient.await(10, TimeUnit.SECONDS), "the silent connection was closed");
            assertEquals("open 200 /events", log.next(), "and a new one made");
            events.close();
        }
    }

    @Test
    void aStreamThatKeepsTalkingOutlivesItsIdleTimeout() throws Exception {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> {
            answer(socket, out, STREAM_HEAD, false);
            pacer.scheduleAtFixedRate(() -> {
                try {
                    answer(socket, out, ":\n", false);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e); // the client went away: stop
                }
            }, 0, 25, TimeUnit.MILLISECONDS);
        })) {
            EventLog log = new EventLog();
            EventSourceConnection events = client.connect(EventSourceRequest.builder(server.httpUri("/events"))
                    .idleTimeout(Duration.ofMillis(500)).build(), log);
            assertEquals("open 200 /events", log.next());
            for (int i = 0; i < 60; i++) assertEquals("comment ", log.next(), "comments every 25 ms, for 1.5 s in all");
            assertEquals(EventSourceConnection.State.OPEN, events.state());
        } finally {
            pacer.shutdownNow();
        }
    }

    @Test
    void closingTheClientClosesTheOpenStreamsTcpConnection() throws Exception {
        CountDownLatch droppedByTheClient = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> {
            answer(socket, out, STREAM_HEAD + "data: hello\n\n", false);
            if (socket.getInputStream().read() == -1) droppedByTheClient.countDown();
        })) {
            EventLog log = new EventLog();
            client.connect(server.httpUri("/events"), log);
            assertEquals("open 200 /events", log.next());
            assertEquals(EventLog.event("", "message", "hello"), log.next());
            client.close();
            assertEquals("close -", log.next());
            assertTrue(droppedByTheClient.await(10, TimeUnit.SECONDS), "the stream's connection is closed, not kept");
        }
    }

    /** Writes {@code response} in one write (one chunk for the client, as far as TCP goes), then closes if asked. */
    private static void answer(Socket socket, OutputStream out, String response, boolean thenClose) throws java.io.IOException {
        out.write(response.getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (thenClose) socket.close();
    }
}
