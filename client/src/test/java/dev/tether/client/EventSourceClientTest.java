package dev.tether.client;

import static dev.tether.client.EventLog.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.client.EventSourceConnection.State;
import dev.tether.client.peers.TetherEventServer;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.runtime.broadcast.EventTopic.Joined;
import dev.tether.servlet.testing.Container;
import dev.tether.sse.ReceivedEvent;
import dev.tether.sse.SseEvent;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The EventSource client against Tether's own event streams on embedded Jetty and Tomcat: events in
 * order, the server's {@code retry:}, reconnection with {@code Last-Event-ID} and the broadcaster's
 * replay, redirects, a listener that throws, {@code close()}.
 */
class EventSourceClientTest {
    private static final Duration SERVER_RETRY = Duration.ofMillis(150);

    private EventSourceClient client;
    private final EventBroadcaster news = new EventBroadcaster(100, 1 << 20);

    @BeforeEach
    void startClient() {
        client = EventSourceClient.builder().proxy(ProxyOptions.none()).build();
    }

    @AfterEach
    void stopClient() {
        client.close();
        news.closeAll();
    }

    private TetherEventServer server(Container container) throws Exception {
        return TetherEventServer.start(container, news, SERVER_RETRY, Duration.ZERO);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void eventsWithIdsTypesAndMultiLineDataArriveInOrder(Container container) throws Exception {
        try (TetherEventServer server = server(container)) {
            EventLog log = new EventLog();
            EventSourceConnection events = client.connect(server.uri("/events"), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 150", log.next());
            assertEquals(State.OPEN, events.state());
            Map<String, String> request = server.nextRequest();
            assertEquals("text/event-stream", request.get("accept"));
            assertEquals("no-cache", request.get("cache-control"));
            assertFalse(request.containsKey("last-event-id"), request.toString());
            assertEquals(Joined.FIRST, server.nextSubscription());

            news.broadcast(SseEvent.data("first").id("1"));
            news.broadcast(SseEvent.data("line one\nline two\r\nline three").event("update").id("2"));
            news.broadcast(SseEvent.data("no id of its own"));
            news.broadcast(SseEvent.data("\u00e9t\u00e9 \u4e2d \uD83D\uDE00").event("unicode").id("4"));
            assertEquals(event("1", "message", "first"), log.next());
            assertEquals(event("2", "update", "line one\nline two\nline three"), log.next());
            assertEquals(event("2", "message", "no id of its own"), log.next());
            assertEquals(event("4", "unicode", "\u00e9t\u00e9 \u4e2d \uD83D\uDE00"), log.next());
            assertEquals("4", events.lastEventId());
            assertEquals(SERVER_RETRY, events.retryDelay());
            assertTrue(log.threads.stream().noneMatch(name -> name.startsWith("HttpClient")), log.threads.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theServerEndingTheStreamIsFollowedByExactlyTheMissedEvents(Container container) throws Exception {
        try (TetherEventServer server = server(container)) {
            EventLog log = new EventLog() {
                @Override
                public void onReconnecting(EventSourceConnection connection, Duration delay, EventSourceException cause) {
                    // Published while the client is away: only the broadcaster's replay can bring them.
                    news.broadcast(SseEvent.data("missed a").id("3"));
                    news.broadcast(SseEvent.data("missed b").id("4"));
                    super.onReconnecting(connection, delay, cause);
                }
            };
            EventSourceConnection events = client.connect(EventSourceRequest.builder(server.uri("/events"))
                    .minRetryDelay(Duration.ofMillis(10)).build(), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 150", log.next());
            assertEquals(Joined.FIRST, server.nextSubscription());
            news.broadcast(SseEvent.data("one").id("1"));
            news.broadcast(SseEvent.data("two").id("2"));
            assertEquals(event("1", "message", "one"), log.next());
            assertEquals(event("2", "message", "two"), log.next());

            server.endStreams();
            assertEquals("reconnecting ENDED", log.next());
            assertEquals(SERVER_RETRY, log.reconnectDelays.get(0), "the first reconnection waits the server's retry");
            assertTrue(log.reconnectCauses.get(0).getMessage().contains("the server ended the stream"));
            // As onReconnecting heard it: by now the reconnection may have opened already.
            assertEquals(State.CONNECTING, log.reconnectStates.get(0));
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 150", log.next());
            assertEquals(event("3", "message", "missed a"), log.next());
            assertEquals(event("4", "message", "missed b"), log.next());
            assertEquals(Joined.RESUMED, server.nextSubscription());
            server.nextRequest();
            assertEquals("2", server.nextRequest().get("last-event-id"));

            news.broadcast(SseEvent.data("live again").id("5"));
            assertEquals(event("5", "message", "live again"), log.next());
            assertEquals(0, log.rest().size(), "no duplicates: " + log.rest());
        }
    }

    @Test
    void theFirstLastEventIdComesFromTheRequestAndRedirectsAreFollowed() throws Exception {
        try (TetherEventServer server = server(Container.JETTY)) {
            news.broadcast(SseEvent.data("before").id("a"));
            news.broadcast(SseEvent.data("after").id("b"));
            EventLog log = new EventLog();
            EventSourceRequest request = EventSourceRequest.builder(server.uri("/redirect"))
                    .lastEventId("a").header("Authorization", "Bearer test").build();
            client.connect(request, log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 150", log.next());
            assertEquals(event("b", "message", "after"), log.next());
            Map<String, String> redirected = server.nextRequest();
            assertEquals("/redirect", redirected.get(":path"));
            assertEquals("a", redirected.get("last-event-id"));
            Map<String, String> followed = server.nextRequest();
            assertEquals("/events", followed.get(":path"));
            assertEquals("Bearer test", followed.get("authorization"));
        }
    }

    @Test
    void keepaliveCommentsAreHeard() throws Exception {
        try (TetherEventServer server = TetherEventServer.start(Container.JETTY, news, null, Duration.ofMillis(50))) {
            EventLog log = new EventLog();
            client.connect(server.uri("/events"), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("comment ", log.next());
            assertEquals("comment ", log.next());
        }
    }

    @Test
    void aLastEventIdJavaNetHttpCannotSendIsLeftOutOfTheReconnection() throws Exception {
        try (TetherEventServer server = server(Container.JETTY)) {
            EventLog log = new EventLog();
            EventSourceConnection events = client.connect(server.uri("/events"), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 150", log.next());
            server.nextSubscription();
            news.broadcast(SseEvent.data("x").id("caf\u00e9"));
            assertEquals(event("caf\u00e9", "message", "x"), log.next());
            assertEquals("caf\u00e9", events.lastEventId());
            server.endStreams();
            assertEquals("reconnecting ENDED", log.next());
            String told = log.reconnectCauses.get(0).getMessage();
            assertTrue(told.startsWith("the server ended the stream") && told.contains("without Last-Event-ID")
                    && told.contains("caf\u00e9"), "the listener is told: " + told);
            assertEquals("open 200 /events", log.next());
            server.nextRequest();
            assertFalse(server.nextRequest().containsKey("last-event-id"), "written as ASCII it would be another id");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"runtime", "checked", "stackOverflow"})
    void aListenerThatThrowsIsLoggedAndTheStreamGoesOn(String kind) throws Exception {
        Throwable thrown = switch (kind) {
            case "runtime" -> new IllegalStateException("a listener's bug (expected in this test)");
            case "checked" -> new IOException("a listener's checked exception thrown past the compiler (expected in this test)");
            default -> new StackOverflowError("a listener recursing too deep (expected in this test)");
        };
        try (TetherEventServer server = server(Container.JETTY)) {
            EventLog log = new EventLog() {
                @Override
                public void onEvent(EventSourceConnection connection, ReceivedEvent event) {
                    super.onEvent(connection, event);
                    if (event.data().equals("boom")) EventSourceClientTest.<RuntimeException>sneakyThrow(thrown);
                }
            };
            EventSourceConnection events = client.connect(server.uri("/events"), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 150", log.next());
            server.nextSubscription();
            news.broadcast("boom");
            news.broadcast("still here");
            assertEquals(event("", "message", "boom"), log.next());
            assertEquals(event("", "message", "still here"), log.next());
            events.close();
            assertEquals("close -", log.next());
            events.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void closeStopsTheStreamAndCompletesClosed() throws Exception {
        // The server's keepalive is how it finds that a client went away.
        try (TetherEventServer server = TetherEventServer.start(Container.JETTY, news, SERVER_RETRY, Duration.ofMillis(50))) {
            EventLog log = new EventLog() {
                @Override
                public void onComment(EventSourceConnection connection, String text) {
                    // the keepalives: not what this test is about
                }
            };
            EventSourceConnection events = client.connect(server.uri("/events"), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 150", log.next());
            assertEquals(Joined.FIRST, server.nextSubscription());
            events.close();
            events.close();
            assertEquals("close -", log.next());
            assertNull(log.awaitClose());
            assertEquals(State.CLOSED, events.state());
            events.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(client.connections().isEmpty());
            server.awaitStreamsClosed(); // the client's close reached the server: its connection was closed
            assertEquals(0, news.broadcast("after close").get(10, TimeUnit.SECONDS), "no subscriber is left to send to");
            assertEquals(0, log.rest().size(), "nothing after onClose: " + log.rest());
        }
    }

    @Test
    void closeDoesNotWaitForTheCallUnderWayAndClosedCompletesOnlyAfterIt() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (TetherEventServer server = server(Container.JETTY)) {
            EventLog log = new EventLog() {
                @Override
                public void onEvent(EventSourceConnection connection, ReceivedEvent event) {
                    super.onEvent(connection, event);
                    inside.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            EventSourceConnection events = client.connect(server.uri("/events"), log);
            assertEquals("open 200 /events", log.next());
            assertEquals("retry 150", log.next());
            server.nextSubscription();
            news.broadcast("held");
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            events.close(); // returns although the listener is busy: it does not wait for it
            CompletableFuture<Void> closed = events.closed().toCompletableFuture();
            assertFalse(closed.isDone(), "onClose, and so closed(), come after the call under way");
            news.broadcast("after close");
            release.countDown();
            closed.get(10, TimeUnit.SECONDS);
            assertEquals(event("", "message", "held"), log.next());
            assertEquals("close -", log.next());
            assertEquals(0, log.rest().size(), "nothing after onClose: " + log.rest());
        }
    }

    @Test
    void closingTheClientClosesItsConnectionsAndRefusesNewOnes() throws Exception {
        try (TetherEventServer server = server(Container.JETTY)) {
            EventLog first = new EventLog();
            EventLog second = new EventLog();
            client.connect(server.uri("/events"), first);
            client.connect(server.uri("/events"), second);
            assertEquals("open 200 /events", first.next());
            assertEquals("open 200 /events", second.next());
            client.close();
            assertNull(first.awaitClose());
            assertNull(second.awaitClose());
            assertThrows(IllegalStateException.class, () -> client.connect(server.uri("/events"), new EventLog()));
        }
    }
}
