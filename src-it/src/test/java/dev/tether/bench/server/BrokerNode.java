package dev.tether.bench.server;

import dev.tether.api.EventSource;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.api.WebSocketTopic;
import dev.tether.broker.redis.RedisBroker;
import dev.tether.broker.redis.RedisBrokerOptions;
import dev.tether.runtime.broadcast.Broker;
import dev.tether.runtime.broadcast.EventTopic;
import dev.tether.runtime.broadcast.LocalBroker;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.WebSocketServlet;
import dev.tether.servlet.sse.EventSourceOptions;
import dev.tether.servlet.sse.EventSources;
import dev.tether.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The broker benchmark's node ({@code BenchServer broker-jetty --broker local|redis=<uri> [--key-prefix p]}):
 * Tether on embedded Jetty 12.1 with one {@link Broker}, and on it WebSocket topic {@value #TOPIC} and event
 * topic {@value #TOPIC}.
 * <ul>
 *   <li>{@code /topic}: a WebSocket route whose every connection joins the WebSocket topic;</li>
 *   <li>{@code /events}: an SSE route whose every stream joins the event topic (no replay asked for);</li>
 *   <li>{@code /control}: the publisher's WebSocket. Each text message it sends is broadcast as it is: one
 *       starting with {@code w} on the WebSocket topic, one starting with {@code e} on the event topic (as an
 *       event's data). The node answers only when a broadcast's stage fails: {@code FAIL <why>}.</li>
 * </ul>
 * The publisher stamps its messages itself, so the one clock is the load process's. The key prefix keeps the
 * benchmark's setups apart when they share one Redis.
 */
final class BrokerNode {
    static final String TOPIC = "bench";
    /** The event topic's log: as many events, and bytes on this node, kept for replay on every setup. */
    private static final int REPLAY_EVENTS = 1000;
    private static final long REPLAY_BYTES = 1 << 20;

    private final Broker broker;
    private final WebSocketTopic sockets;
    private final EventTopic events;
    private final Server server;
    private final int port;
    /** Notified whenever a connection or stream joins or leaves here: what {@link #awaitMembers} waits on. */
    private final Object membersChanged = new Object();

    private BrokerNode(Broker broker) throws Exception {
        this.broker = broker;
        this.sockets = broker.webSocketTopic(TOPIC);
        this.events = broker.eventTopic(TOPIC, REPLAY_EVENTS, REPLAY_BYTES);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new Members(sockets, this::membersChanged)), "/topic");
        context.addServlet(new ServletHolder(new Control(sockets, events)), "/control");
        ServletHolder sse = new ServletHolder(new Subscribe(events, this::membersChanged));
        sse.setAsyncSupported(true);
        context.addServlet(sse, "/events");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    /**
     * Starts a node on a free port of 127.0.0.1: {@code mode} is {@code local} ({@link LocalBroker}) or
     * {@code redis=<uri>} ({@link RedisBroker}, its keys and channels under {@code keyPrefix}).
     */
    static BrokerNode start(String mode, String keyPrefix) throws Exception {
        Broker broker;
        if (mode.equals("local")) {
            broker = new LocalBroker();
        } else if (mode.startsWith("redis=")) {
            broker = RedisBroker.connect(RedisBrokerOptions.builder(mode.substring("redis=".length()))
                    .keyPrefix(keyPrefix).build());
        } else {
            throw new IllegalArgumentException("a broker is local or redis=<uri>: " + mode);
        }
        try {
            return new BrokerNode(broker);
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** {@code ws=<members of the WebSocket topic here> sse=<subscribers of the event topic here>}. */
    String members() {
        return "ws=" + sockets.size() + " sse=" + events.size();
    }

    /**
     * Waits until {@code kind} ({@code ws} or {@code sse}) counts {@code count} members here, woken by
     * each join and leave, at most {@code seconds}; then {@link #members()}.
     */
    String awaitMembers(String kind, int count, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        synchronized (membersChanged) {
            for (long left; (kind.equals("ws") ? sockets.size() : events.size()) != count
                    && (left = deadline - System.nanoTime()) > 0; ) {
                membersChanged.wait(Math.max(1, left / 1_000_000));
            }
        }
        return members();
    }

    private void membersChanged() {
        synchronized (membersChanged) {
            membersChanged.notifyAll();
        }
    }

    void close() throws Exception {
        try {
            broker.close();
        } finally {
            server.stop();
        }
    }

    private static WebSocketOptions socketOptions() {
        return WebSocketOptions.builder().pingInterval(Duration.ZERO).outboundLimit(16L << 20).build();
    }

    /** {@code /topic}: each connection joins the topic, and leaves it when it closes. */
    private static final class Members extends WebSocketServlet {
        private static final long serialVersionUID = 1L;
        private final transient WebSocketOptions options = socketOptions();
        private final transient WebSocketListener join;

        Members(WebSocketTopic topic, Runnable changed) {
            this.join = new WebSocketListener() {
                @Override
                public void onOpen(WebSocket socket) {
                    topic.add(socket);
                    changed.run();
                    socket.closed().whenComplete((status, error) -> changed.run());
                }
            };
        }

        @Override
        protected WebSocketOptions options() {
            return options;
        }

        @Override
        protected WebSocketListener newListener(HttpServletRequest request) {
            return join;
        }
    }

    /** {@code /control}: the publisher's messages, broadcast as they come. */
    private static final class Control extends WebSocketServlet {
        private static final long serialVersionUID = 1L;
        private final transient WebSocketOptions options = socketOptions();
        private final transient WebSocketListener publish;

        Control(WebSocketTopic sockets, EventTopic events) {
            this.publish = new WebSocketListener() {
                @Override
                public void onText(WebSocket socket, String text) {
                    CompletableFuture<Integer> sent;
                    if (text.startsWith("w")) {
                        sent = sockets.broadcast(text);
                    } else if (text.startsWith("e")) {
                        sent = events.broadcast(SseEvent.data(text));
                    } else {
                        socket.send("FAIL unknown control message: " + text);
                        return;
                    }
                    sent.whenComplete((written, error) -> {
                        if (error != null) {
                            socket.send("FAIL " + error);
                        }
                    });
                }
            };
        }

        @Override
        protected WebSocketOptions options() {
            return options;
        }

        @Override
        protected WebSocketListener newListener(HttpServletRequest request) {
            return publish;
        }
    }

    /** {@code /events}: each stream joins the event topic, without replay. */
    private static final class Subscribe extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient EventTopic events;
        private final transient Runnable changed;
        private final transient EventSourceOptions options = EventSourceOptions.builder()
                .pingInterval(Duration.ZERO).bufferLimit(4 << 20).build();

        Subscribe(EventTopic events, Runnable changed) {
            this.events = events;
            this.changed = changed;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            EventSource source = EventSources.start(request, response, options);
            events.join(source, 0).whenComplete((joined, error) -> changed.run());
            source.closed().whenComplete((ok, error) -> changed.run());
        }
    }
}
