package dev.tether.runtime.broadcast;

import dev.tether.api.TopicListener;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketRegistry;
import dev.tether.api.WebSocketTopic;
import dev.tether.runtime.sse.EventBroadcaster;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The topics of one process: {@link WebSocketRegistry} for WebSocket topics, {@link EventBroadcaster}
 * (its replay buffer the log) for event topics, and {@link LocalPresence}. A WebSocket topic or a
 * presence is held only while it has members (or listeners), so topics named after users' input (chat
 * rooms) do not accumulate; event topics are held until the broker closes.
 */
public final class LocalBroker implements Broker {
    private final Map<String, WebSocketRegistry> webSocketTopics = new ConcurrentHashMap<>();
    private final Map<String, EventBroadcaster> eventTopics = new ConcurrentHashMap<>();
    private final Map<String, LocalPresence.State> presences = new ConcurrentHashMap<>();

    /** A broker of this process, holding no topics yet. */
    public LocalBroker() {
    }

    @Override
    public WebSocketTopic webSocketTopic(String name) {
        return new Topic(Objects.requireNonNull(name, "name"));
    }

    @Override
    public EventTopic eventTopic(String name, int replayEvents, long replayBytes) {
        Objects.requireNonNull(name, "name");
        return eventTopics.computeIfAbsent(name, n -> new EventBroadcaster(replayEvents, replayBytes));
    }

    @Override
    public Presence presence(String name) {
        return new LocalPresence(Objects.requireNonNull(name, "name"), presences);
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public void close() {
        eventTopics.values().forEach(EventBroadcaster::closeAll);
        eventTopics.clear();
    }

    /**
     * A handle on the registry of one name: the registry exists while it has members (made by the
     * first {@code add}, dropped with the last member), so every handle of a name reaches the same one.
     */
    private final class Topic implements WebSocketTopic {
        private final String name;

        Topic(String name) {
            this.name = name;
        }

        @Override
        public void add(WebSocket socket) {
            Objects.requireNonNull(socket, "socket");
            webSocketTopics.compute(name, (n, registry) -> {
                WebSocketRegistry joined = registry == null ? new WebSocketRegistry() : registry;
                joined.add(socket);
                return joined;
            });
            socket.closed().whenComplete((status, error) -> remove(socket));
        }

        @Override
        public boolean remove(WebSocket socket) {
            boolean[] removed = new boolean[1];
            webSocketTopics.computeIfPresent(name, (n, registry) -> {
                removed[0] = registry.remove(socket);
                return registry.size() == 0 && !registry.hasListeners() ? null : registry;
            });
            return removed[0];
        }

        @Override
        public void addListener(TopicListener listener) {
            Objects.requireNonNull(listener, "listener");
            webSocketTopics.compute(name, (n, registry) -> {
                WebSocketRegistry listened = registry == null ? new WebSocketRegistry() : registry;
                listened.addListener(listener);
                return listened;
            });
        }

        @Override
        public void removeListener(TopicListener listener) {
            webSocketTopics.computeIfPresent(name, (n, registry) -> {
                registry.removeListener(listener);
                return registry.size() == 0 && !registry.hasListeners() ? null : registry;
            });
        }

        @Override
        public int size() {
            WebSocketRegistry registry = webSocketTopics.get(name);
            return registry == null ? 0 : registry.size();
        }

        @Override
        public List<WebSocket> sockets() {
            WebSocketRegistry registry = webSocketTopics.get(name);
            return registry == null ? List.of() : registry.sockets();
        }

        @Override
        public CompletableFuture<Integer> broadcast(String text) {
            Objects.requireNonNull(text, "text");
            return toAll(registry -> registry.broadcast(text));
        }

        @Override
        public CompletableFuture<Integer> broadcast(ByteBuffer data) {
            Objects.requireNonNull(data, "data");
            return toAll(registry -> registry.broadcast(data));
        }

        private CompletableFuture<Integer> toAll(Function<WebSocketRegistry, CompletableFuture<Integer>> send) {
            WebSocketRegistry registry = webSocketTopics.get(name);
            return registry == null ? CompletableFuture.completedFuture(0) : send.apply(registry);
        }

        @Override
        public String toString() {
            return "topic " + name;
        }
    }
}
