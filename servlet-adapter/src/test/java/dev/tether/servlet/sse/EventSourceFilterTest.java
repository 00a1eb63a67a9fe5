package dev.tether.servlet.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import dev.tether.servlet.sse.SseClient.Event;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventSourceFilterTest {
    private final HttpClient http = SseClient.newHttpClient();

    /** The application behind the filter: a plain page everywhere. */
    private static final class Page extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("page " + request.getRequestURI());
        }
    }

    private String get(RunningServer server, String path, String accept) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.httpUri(path)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** What curl shows first of a stream: its first data line. */
    private String firstDataLine(RunningServer server, String path, String accept) throws Exception {
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(server.httpUri(path)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
            assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("data:")) {
                    return line;
                }
            }
            return null;
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void eventSourceRequestsOnARouteBecomeStreamsAndEverythingElsePassesThrough(Container container) throws Exception {
        BlockingQueue<String> opened = new LinkedBlockingQueue<>();
        EventSourceListener greeter = new EventSourceListener() {
            @Override
            public void onOpen(EventSource source) {
                opened.add(source.url());
                source.send("hello " + source.url().replaceFirst("^http://[^/]+", ""));
            }
        };
        EventSourceFilter filter = new EventSourceFilter()
                .route("/events", EventSourceOptions.builder().pingInterval(Duration.ZERO).build(), greeter)
                .route("/feeds/*", greeter);
        try (RunningServer server = container.start(r -> r.addServlet("/", new Page()).addFilter("/*", filter))) {
            try {
                assertEquals(new Event("message", "hello /events", ""), SseClient.connect(http, server.httpUri("/events")).nextEvent());
                assertEquals(new Event("message", "hello /feeds/a/b", ""), SseClient.connect(http, server.httpUri("/feeds/a/b")).nextEvent());
                assertEquals(new Event("message", "hello /feeds", ""), SseClient.connect(http, server.httpUri("/feeds")).nextEvent());
                assertEquals("data: hello /events", firstDataLine(server, "/events", "*/*"), "curl gets the stream too");
                assertEquals("page /events", get(server, "/events", "text/html"));
                assertEquals("page /other", get(server, "/other", "text/event-stream"));
                assertEquals("page /eventsx", get(server, "/eventsx", "text/event-stream"));
                assertEquals("page /feedsx", get(server, "/feedsx", "text/event-stream"));
                assertEquals(4, opened.size());
            } finally {
                filter.destroy(); // closes the streams it started
            }
        }
    }

    @Test
    void routesAreExactPathsOrPrefixes() {
        EventSourceFilter filter = new EventSourceFilter();
        EventSourceListener nothing = new EventSourceListener() {
        };
        assertThrows(IllegalArgumentException.class, () -> filter.route("events", nothing));
        assertThrows(IllegalArgumentException.class, () -> filter.route("/ev*nts", nothing));
        assertThrows(IllegalArgumentException.class, () -> filter.route("*.sse", nothing));
    }
}
