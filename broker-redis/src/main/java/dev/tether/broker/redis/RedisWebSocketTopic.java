package dev.tether.broker.redis;

import dev.tether.api.TopicListener;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketTopic;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket topic shared through Redis pub/sub. A broadcast is sent to this node's members
 * directly and published once to the topic's channel; every other node subscribed to it decodes the
 * message once and sends it to its own members, each through its own bounded queue. A handle: the
 * state lives in the broker while the topic has members here.
 */
final class RedisWebSocketTopic implements WebSocketTopic {
    private final RedisBroker broker;
    private final String name;

    RedisWebSocketTopic(RedisBroker broker, String name) {
        this.broker = broker;
        this.name = name;
    }

    @Override
    public void add(WebSocket socket) {
        Objects.requireNonNull(socket, "socket");
        broker.update(name, state -> state.sockets.add(socket));
        socket.closed().whenComplete((status, error) -> remove(socket));
    }

    @Override
    public boolean remove(WebSocket socket) {
        boolean[] removed = new boolean[1];
        broker.updateIfPresent(name, state -> removed[0] = state.sockets.remove(socket));
        return removed[0];
    }

    @Override
    public int size() {
        TopicState state = broker.state(name);
        return state == null ? 0 : state.sockets.size();
    }

    @Override
    public List<WebSocket> sockets() {
        TopicState state = broker.state(name);
        return state == null ? List.of() : state.sockets.sockets();
    }

    @Override
    public void addListener(TopicListener listener) {
        Objects.requireNonNull(listener, "listener");
        broker.update(name, state -> state.sockets.addListener(listener));
    }

    @Override
    public void removeListener(TopicListener listener) {
        broker.updateIfPresent(name, state -> state.sockets.removeListener(listener));
    }

    @Override
    public CompletableFuture<Integer> broadcast(String text) {
        Objects.requireNonNull(text, "text");
        TopicState state = broker.state(name);
        CompletableFuture<Integer> local = state == null ? CompletableFuture.completedFuture(0) : state.sockets.broadcast(text);
        byte[] message = Envelope.encode(Envelope.TEXT, broker.nodeId(), text.getBytes(StandardCharsets.UTF_8));
        return local.thenCombine(broker.publish(name, message), (written, nodes) -> written);
    }

    @Override
    public CompletableFuture<Integer> broadcast(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        byte[] message = Envelope.encode(Envelope.BINARY, broker.nodeId(), data);
        TopicState state = broker.state(name);
        CompletableFuture<Integer> local = state == null ? CompletableFuture.completedFuture(0) : state.sockets.broadcast(data);
        return local.thenCombine(broker.publish(name, message), (written, nodes) -> written);
    }

    @Override
    public String toString() {
        return "Redis topic " + name;
    }
}
