package dev.tether.broker.redis;

import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import dev.tether.api.TopicListener;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.api.WebSocketTopic;
import dev.tether.runtime.broadcast.Broker;
import dev.tether.runtime.broadcast.EventTopic;
import dev.tether.runtime.broadcast.Presence;
import dev.tether.servlet.WebSocketServlet;
import dev.tether.servlet.sse.EventSourceOptions;
import dev.tether.servlet.sse.EventSourceServlet;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.http.HttpServletRequest;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One node of a test cluster: a container with a chat-like WebSocket route ({@code /room?name=…}: a
 * member of topic {@value #TOPIC} and of its presence; what it sends is broadcast) and an event
 * route ({@code /news}, topic {@value #NEWS}), on a broker. Each change of the presence is recorded
 * as the member list read then, for the tests to wait on.
 */
final class ClusterNode implements AutoCloseable {
    static final String TOPIC = "room";
    static final String NEWS = "news";

    final Broker broker;
    final WebSocketTopic room;
    final Presence presence;
    final EventTopic news;
    final RunningServer server;
    /** The member lists read after each change the presence listener heard of. */
    final BlockingQueue<List<String>> presenceChanges = new LinkedBlockingQueue<>();
    /** The text messages a listener of the room heard, from either node. */
    final BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    /** How each stream of {@code /news} joined, once its missed events are queued. */
    final BlockingQueue<EventTopic.Joined> joins = new LinkedBlockingQueue<>();

    ClusterNode(Container container, Broker broker, int replayEvents, long replayBytes) throws Exception {
        this.broker = broker;
        this.room = broker.webSocketTopic(TOPIC);
        this.presence = broker.presence(TOPIC);
        this.news = broker.eventTopic(NEWS, replayEvents, replayBytes);
        presence.addListener(() -> presence.members().thenAccept(presenceChanges::add));
        room.addListener(new TopicListener() {
            @Override
            public void onText(String text) {
                heard.add(text);
            }
        });
        this.server = container.start(r -> r.addServlet("/room", new RoomServlet()).addServlet("/news", new NewsServlet()));
    }

    URI room(String name) {
        return server.wsUri("/room?name=" + name);
    }

    URI news() {
        return server.httpUri("/news");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping " + server + " failed", e);
        } finally {
            broker.close();
        }
    }

    private final class RoomServlet extends WebSocketServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected WebSocketListener newListener(HttpServletRequest request) {
            String name = request.getParameter("name");
            return new WebSocketListener() {
                private Presence.Membership membership;

                @Override
                public void onOpen(WebSocket socket) {
                    room.add(socket);
                    membership = presence.enter(name);
                }

                @Override
                public void onText(WebSocket socket, String text) {
                    room.broadcast(text);
                }

                @Override
                public void onBinary(WebSocket socket, ByteBuffer data) {
                    room.broadcast(ByteBuffer.wrap(copy(data)));
                }

                @Override
                public void onClose(WebSocket socket, dev.tether.api.CloseStatus status) {
                    if (membership != null) membership.leave();
                }
            };
        }
    }

    private static byte[] copy(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return bytes;
    }

    private final class NewsServlet extends EventSourceServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected EventSourceOptions options() {
            return EventSourceOptions.builder().pingInterval(Duration.ZERO).build();
        }

        @Override
        protected EventSourceListener newListener(HttpServletRequest request) {
            return new EventSourceListener() {
                @Override
                public void onOpen(EventSource source) {
                    news.join(source, 0).thenAccept(joins::add);
                }
            };
        }
    }
}
