package dev.tether.client.peers;

import dev.tether.api.EventSource;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.servlet.sse.EventSourceOptions;
import dev.tether.servlet.sse.EventSources;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RunningServer;
import dev.tether.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A Tether event-stream server on an embedded container, for the EventSource client's tests:
 * <ul>
 *   <li>{@code /events}: an event stream ({@code EventSources.start}) subscribed to the
 *       {@link EventBroadcaster} given, which replays what a client with {@code Last-Event-ID} missed;
 *       the server's {@code retry} and keepalive as given;</li>
 *   <li>{@code /once?data=…}: a stream that sends one event with that data and stays open;</li>
 *   <li>{@code /status/<code>}: that status, with a short text body (none for 204);</li>
 *   <li>{@code /html}: 200 with {@code text/html};</li>
 *   <li>{@code /redirect}: 302 to {@code /events}.</li>
 * </ul>
 * The broadcaster outlives the server: {@link #restart()} stops the container and starts another on
 * the same port, as a redeployed server comes back. Every request's headers are recorded, and how
 * each stream joined the broadcaster ({@link #nextSubscription()}).
 */
public final class TetherEventServer implements AutoCloseable {
    private static final Duration REQUEST_WAIT = Duration.ofSeconds(20);

    private final Container container;
    private final EventBroadcaster news;
    private final EventSourceOptions options;
    private final Set<EventSource> streams = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Map<String, String>> requests = new LinkedBlockingQueue<>();
    private final BlockingQueue<EventBroadcaster.Joined> subscriptions = new LinkedBlockingQueue<>();
    private volatile RunningServer server;
    private int port;

    private TetherEventServer(Container container, EventBroadcaster news, EventSourceOptions options) {
        this.container = container;
        this.news = news;
        this.options = options;
    }

    /**
     * Starts on {@code container} at a port the OS chooses.
     *
     * @param retry the {@code retry:} sent first on each stream, or null for none
     * @param ping  the keepalive comment interval, or zero for none
     */
    public static TetherEventServer start(Container container, EventBroadcaster news, Duration retry, Duration ping)
            throws Exception {
        EventSourceOptions.Builder options = EventSourceOptions.builder().pingInterval(ping);
        if (retry != null) options.retry(retry);
        TetherEventServer server = new TetherEventServer(container, news, options.build());
        server.server = container.start(r -> r.addServlet("/*", server.new Servlet()));
        server.port = server.server.port();
        return server;
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public int port() {
        return port;
    }

    /** The headers (names in lower case) of the next request this server got, waiting for it. */
    public Map<String, String> nextRequest() throws InterruptedException {
        Map<String, String> headers = requests.poll(REQUEST_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (headers == null) fail("no request reached the server within " + REQUEST_WAIT);
        return headers;
    }

    /**
     * How the next {@code /events} stream joined the broadcaster, waiting until it has: a client
     * hears {@code onOpen} before the server has subscribed its stream, and a broadcast before
     * that reaches only the replay buffer.
     */
    public EventBroadcaster.Joined nextSubscription() throws InterruptedException {
        EventBroadcaster.Joined joined = subscriptions.poll(REQUEST_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (joined == null) fail("no stream subscribed within " + REQUEST_WAIT);
        return joined;
    }

    /**
     * Waits until every stream open now has closed on the server's side (a client that went away
     * is noticed by the container), failing after a while.
     */
    public void awaitStreamsClosed() throws Exception {
        for (EventSource source : Set.copyOf(streams)) {
            source.closed().toCompletableFuture().get(REQUEST_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Ends every open stream, as a server does to make its clients reconnect. */
    public void endStreams() {
        streams.forEach(EventSource::close);
    }

    /** Stops the container, leaving the port free and the broadcaster as it is. */
    public void stop() {
        RunningServer running = server;
        server = null;
        if (running != null) running.close();
    }

    /** Starts a container on the port of the first one. */
    public void restart() throws Exception {
        stop();
        server = container.start(r -> r.port(port).addServlet("/*", new Servlet()));
    }

    @Override
    public void close() {
        stop();
    }

    private final class Servlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Map<String, String> headers = new TreeMap<>();
            Collections.list(request.getHeaderNames()).forEach(name -> headers.put(name.toLowerCase(), request.getHeader(name)));
            headers.put(":path", request.getRequestURI());
            requests.add(headers);
            String path = request.getRequestURI();
            if (path.equals("/events")) {
                subscriptions.add(news.subscribe(stream(request, response)));
            } else if (path.equals("/once")) {
                stream(request, response).send(SseEvent.data(request.getParameter("data")));
            } else if (path.startsWith("/status/")) {
                int status = Integer.parseInt(path.substring("/status/".length()));
                response.setStatus(status);
                if (status != 204) text(response, "text/plain", "status " + status + " from the test server\nsecond line");
            } else if (path.equals("/html")) {
                text(response, "text/html", "<html><body>not an event stream</body></html>");
            } else if (path.equals("/redirect")) {
                response.sendRedirect("/events");
            } else {
                response.sendError(404);
            }
        }

        private EventSource stream(HttpServletRequest request, HttpServletResponse response) {
            EventSource source = EventSources.start(request, response, options);
            streams.add(source);
            source.closed().whenComplete((ok, error) -> streams.remove(source));
            return source;
        }

        private void text(HttpServletResponse response, String type, String body) throws IOException {
            response.setContentType(type + ";charset=UTF-8");
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
    }
}
