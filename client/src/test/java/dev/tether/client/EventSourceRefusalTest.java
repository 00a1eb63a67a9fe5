package dev.tether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.client.EventSourceConnection.State;
import dev.tether.client.peers.TetherEventServer;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.servlet.testing.Container;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Answers that are not an event stream close the connection for good, as the WHATWG specification
 * says, with a reason naming what came: the status, the content type, the start of the body. The
 * server sees exactly one request: no reconnection.
 */
class EventSourceRefusalTest {
    private static EventSourceClient client;
    private static TetherEventServer server;

    @BeforeAll
    static void start() throws Exception {
        client = EventSourceClient.builder().proxy(ProxyOptions.none()).build();
        server = TetherEventServer.start(Container.JETTY, new EventBroadcaster(), null, Duration.ZERO);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "/status/204 | 204 | none                     | answered 204 No Content: the server asks EventSource clients to stop reconnecting",
            "/status/404 | 404 | text/plain;charset=utf-8 | answered 404 instead of 200 with an event stream: status 404 from the test server second line",
            "/status/500 | 500 | text/plain;charset=utf-8 | answered 500 instead of 200 with an event stream: status 500 from the test server second line",
            "/status/200 | 200 | text/plain;charset=utf-8 | answered 200 with Content-Type text/plain;charset=utf-8, not text/event-stream: status 200",
            "/html       | 200 | text/html;charset=utf-8  | answered 200 with Content-Type text/html;charset=utf-8, not text/event-stream: <html><body>",
    })
    void closedForGoodWithAClearReason(String path, int status, String contentType, String message) throws Exception {
        EventLog log = new EventLog();
        EventSourceConnection connection = client.connect(server.uri(path), log);
        EventSourceException cause = log.awaitClose();
        assertEquals("close REFUSED", log.next());
        EventSourceRefusedException refused = assertInstanceOf(EventSourceRefusedException.class, cause);
        assertTrue(refused.isFinal());
        assertEquals(status, refused.status());
        assertEquals(contentType.equals("none") ? null : contentType.replace(" ", ""), refused.contentType());
        assertEquals(server.uri(path), refused.uri());
        assertTrue(refused.getMessage().startsWith(server.uri(path) + " " + message), refused.getMessage());
        assertEquals(State.CLOSED, connection.state());

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> connection.closed().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertSame(refused, failed.getCause());
        assertEquals(path, server.nextRequest().get(":path"));
        assertEquals(0, log.rest().size(), log.rest().toString());
    }
}
