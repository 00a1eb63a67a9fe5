package dev.tether.client;

import static dev.tether.client.EventLog.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.client.EventSourceConnection.State;
import dev.tether.client.EventSourceException.Reason;
import dev.tether.client.peers.TetherEventServer;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.servlet.testing.Container;
import dev.tether.sse.SseEvent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reconnection: backoff while a server is down and resuming when it is back, {@code maxReconnects},
 * {@code close()} while a reconnection waits, the connect timeout (and a quiet stream that outlives
 * it), and an event larger than {@code maxEventBytes}.
 */
class EventSourceReconnectTest {
    private static final Duration SERVER_RETRY = Duration.ofMillis(100);

    private final EventBroadcaster news = new EventBroadcaster(100, 1 << 20);
    private EventSourceClient client;

    @BeforeEach
    void startClient() {
        client = EventSourceClient.builder().proxy(ProxyOptions.none()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stopClient() {
        client.close();
        news.closeAll();
    }

    @Test
    void aServerRestartedOnTheSamePortIsReconnectedToWithBackoffAndResumed() throws Exception {
        try (TetherEventServer server = TetherEventServer.start(Container.JETTY, news, SERVER_RETRY, Duration.ZERO)) {
            EventLog log = new EventLog();
            EventSourceRequest request = EventSourceRequest.builder(server.uri("/events"))
                    .minRetryDelay(Duration.ofMillis(10)).maxRetryDelay(Duration.ofMillis(400)).build();
            EventSourceConnection events = client.connect(request, log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 100", log.next());
            server.nextSubscription();
            news.broadcast(SseEvent.data("before the restart").id("1"));
            assertEquals(event("1", "message", "before the restart"), log.next());

            server.stop();
            String ended = log.next();
            assertTrue(ended.equals("reconnecting ENDED") || ended.equals("reconnecting BROKEN"), ended);
            for (int refused = 0; refused < 3; refused++) assertEquals("reconnecting CONNECT", log.next());
            news.broadcast(SseEvent.data("while it was down").id("2"));
            server.restart();

            String line;
            while ((line = log.next()).equals("reconnecting CONNECT")) {
                // one more may have failed while the container started
            }
            assertEquals("open 200 /events", line);
            assertEquals("retry 100", log.next());
            assertEquals(event("2", "message", "while it was down"), log.next());
            assertEquals(State.OPEN, events.state());
            List<Duration> delays = log.reconnectDelays;
            assertEquals(List.of(100L, 200L, 400L, 400L), delays.subList(0, 4).stream().map(Duration::toMillis).toList(),
                    "the retry after an open stream, then doubling up to maxRetryDelay: " + delays);
            String refusedMessage = log.reconnectCauses.get(1).getMessage();
            assertTrue(refusedMessage.startsWith("cannot connect to 127.0.0.1:" + server.port() + ": "), refusedMessage);
        }
    }

    @Test
    void maxReconnectsGivesUpWithTheLastFailure() throws Exception {
        EventLog log = new EventLog();
        EventSourceRequest request = EventSourceRequest.builder(deadPort()).retry(Duration.ofMillis(10))
                .minRetryDelay(Duration.ofMillis(10)).maxReconnects(2).build();
        client.connect(request, log);
        assertEquals("reconnecting CONNECT", log.next());
        assertEquals("reconnecting CONNECT", log.next());
        assertEquals("close CONNECT", log.next());
        EventSourceException cause = log.awaitClose();
        assertTrue(cause.isFinal());
        assertTrue(cause.getMessage().startsWith("gave up after 2 reconnections in a row: cannot connect to 127.0.0.1:"),
                cause.getMessage());
    }

    @Test
    void closeDuringAPendingReconnectionStopsAtOnce() throws Exception {
        EventLog log = new EventLog();
        EventSourceRequest request = EventSourceRequest.builder(deadPort()).retry(Duration.ofMinutes(10)).build();
        EventSourceConnection events = client.connect(request, log);
        assertEquals("reconnecting CONNECT", log.next());
        assertEquals(Duration.ofMinutes(10), log.reconnectDelays.get(0));
        assertEquals(State.CONNECTING, events.state());
        events.close();
        assertEquals("close -", log.next());
        assertNull(log.awaitClose());
        events.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(State.CLOSED, events.state());
    }

    @Test
    void noAnswerWithinConnectTimeoutIsRetried() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             EventSourceClient impatient = EventSourceClient.builder().proxy(ProxyOptions.none())
                     .connectTimeout(Duration.ofMillis(300)).build()) {
            EventLog log = new EventLog();
            URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/events");
            EventSourceConnection events = impatient.connect(EventSourceRequest.builder(uri).retry(Duration.ofMillis(50)).build(), log);
            try (Socket accepted = silent.accept()) { // connected, never answered
                assertEquals("reconnecting TIMEOUT", log.next());
                assertEquals("no answer from " + uri + " within connectTimeout (300 ms)", log.reconnectCauses.get(0).getMessage());
                assertTrue(readUntilClosed(accepted).startsWith("GET /events HTTP/1.1\r\n"), "the timed-out request was dropped");
                events.close(); // the next attempt may be under way, or failed already: either way it stops
                assertNull(log.awaitClose());
            }
        }
    }

    @Test
    void closeCancelsTheRequestUnderWay() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            EventLog log = new EventLog();
            EventSourceConnection events = client.connect(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/events"), log);
            try (Socket accepted = silent.accept()) {
                accepted.getInputStream().read(); // the request is on its way
                events.close();
                assertEquals("close -", log.next());
                readUntilClosed(accepted); // closed well before the connect timeout (5 s), or this times out
            }
        }
    }

    @Test
    void aQuietStreamOutlivesTheConnectTimeout() throws Exception {
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try (TetherEventServer server = TetherEventServer.start(Container.JETTY, news, null, Duration.ZERO);
             EventSourceClient impatient = EventSourceClient.builder().proxy(ProxyOptions.none())
                     .connectTimeout(Duration.ofMillis(200)).build()) {
            EventLog log = new EventLog();
            impatient.connect(server.uri("/events"), log);
            assertEquals("open 200 /events", log.next());
            server.nextSubscription();
            CompletableFuture<Integer> sent = new CompletableFuture<>();
            later.schedule(() -> news.broadcast("a second later").thenAccept(sent::complete), 1, TimeUnit.SECONDS);
            assertEquals(event("", "message", "a second later"), log.next());
            assertEquals(1, sent.get(10, TimeUnit.SECONDS));
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void anEventLargerThanMaxEventBytesFailsTheStreamWhichReconnects() throws Exception {
        try (TetherEventServer server = TetherEventServer.start(Container.JETTY, news, null, Duration.ZERO)) {
            EventLog log = new EventLog();
            URI uri = server.uri("/once?data=" + "x".repeat(2000));
            EventSourceConnection events = client.connect(EventSourceRequest.builder(uri).maxEventBytes(1000)
                    .retry(Duration.ofMinutes(10)).build(), log);
            assertEquals("open 200 /once", log.next());
            assertEquals("reconnecting TOO_LARGE", log.next());
            String message = log.reconnectCauses.get(0).getMessage();
            assertTrue(message.startsWith("an event of the stream exceeded 1000 bytes"), message);
            assertTrue(message.contains("maxEventBytes 1000"), message);
            events.close();
            assertEquals("close -", log.next());
        }
    }

    private static String readUntilClosed(Socket socket) throws IOException {
        socket.setSoTimeout(1_500);
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** A port nothing listens on: one the OS chose a moment ago and that was released. */
    private static URI deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/events");
        }
    }
}
