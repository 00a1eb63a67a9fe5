package dev.tether.servlet.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.api.EventSource;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RunningServer;
import dev.tether.sse.SseEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The node {@code eventsource} package as the client: events with ids and types, and its own
 * reconnection with {@code Last-Event-ID} when the server ends the stream. Needs node and
 * {@code npm ci --prefix servlet-adapter/src/test/node} (run from the repository root).
 */
class NodeEventSourceTest {
    private static final Path CLIENT_DIR = Path.of("src", "test", "node");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Path clientScript() {
        if (!Files.isDirectory(CLIENT_DIR.resolve("node_modules").resolve("eventsource"))) {
            fail("the node eventsource client is not installed: run `npm ci --prefix servlet-adapter/src/test/node`"
                    + " from the repository root (looked in " + CLIENT_DIR.toAbsolutePath() + ")");
        }
        return CLIENT_DIR.resolve("sse-client.mjs");
    }

    /** Runs the client to completion; returns its stdout lines. */
    private static List<String> runClient(String url, int events, String... types) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", clientScript().toString(), url,
                Integer.toString(events), Long.toString(TIMEOUT.toMillis() - 5_000)));
        command.addAll(List.of(types));
        Path stderr = Files.createTempFile("sse-client", ".err");
        Process node;
        try {
            node = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("could not start node (is Node.js 20+ on the PATH?): " + e.getMessage(), e);
        }
        try {
            node.getOutputStream().close();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(node.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "node did not exit");
            String err = Files.readString(stderr);
            assertEquals(0, node.exitValue(), "node exited with " + node.exitValue() + "\nstdout:\n" + out + "\nstderr:\n" + err);
            return out.lines().toList();
        } finally {
            node.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }

    private static String json(String type, String data, String lastEventId) {
        return "{\"type\":\"" + type + "\",\"data\":\"" + data + "\",\"lastEventId\":\"" + lastEventId + "\"}";
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theNodeClientReceivesEventsAndResumesWithLastEventId(Container container) throws Exception {
        clientScript();
        // Each connection sends the next three numbered events after the client's last id, then ends.
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder()
                .pingInterval(Duration.ZERO).retry(Duration.ofMillis(50)).build(), source -> {
            int from = source.lastEventId().isEmpty() ? 1 : Integer.parseInt(source.lastEventId()) + 1;
            for (int n = from; n < from + 3; n++) {
                source.send("tick " + n, n % 2 == 0 ? "tick" : null, Integer.toString(n));
            }
            source.close();
        });
        try (RunningServer server = container.start(r -> r.addServlet("/ticks", streams)); streams) {
            List<String> lines = runClient(server.httpUri("/ticks").toString(), 6, "tick");
            List<String> expected = new ArrayList<>();
            for (int n = 1; n <= 6; n++) {
                expected.add(json(n % 2 == 0 ? "tick" : "message", "tick " + n, Integer.toString(n)));
            }
            assertEquals(expected, lines);
            EventSource first = streams.awaitOpen();
            EventSource second = streams.awaitOpen();
            assertEquals("", first.lastEventId());
            assertEquals("3", second.lastEventId(), "the client resumed after the last id it received");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theNodeClientIsToldToResetWhenItsIdIsTooOld(Container container) throws Exception {
        clientScript();
        EventBroadcaster news = new EventBroadcaster(2, 1 << 20);
        for (int n = 1; n <= 5; n++) news.broadcast(numbered(n));
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder()
                .pingInterval(Duration.ZERO).retry(Duration.ofMillis(50)).build(), source -> {
            news.subscribe(source);
            if (source.lastEventId().isEmpty()) {
                source.send("welcome", null, "1"); // the client now holds id 1, long gone from the buffer
                source.close();
            }
        });
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams)); streams) {
            List<String> lines = runClient(server.httpUri("/news").toString(), 2, EventBroadcaster.RESET_EVENT);
            assertEquals(List.of(json("message", "welcome", "1"), json("reset", "1", "5")), lines);
        }
    }

    private static SseEvent numbered(int n) {
        return SseEvent.data("news " + n).id(Integer.toString(n));
    }
}
