package dev.tether.broker.redis;

import dev.tether.api.WebSocketRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What this node holds of one topic: its WebSocket members and topic listeners (both in
 * {@link #sockets}), its presence members and the presence listeners. It exists, and its channel is subscribed, while any of them does: the broker makes and
 * drops it under the map's per-key atomicity, so every handle of a topic reaches the same state.
 */
final class TopicState {
    final String name;
    final byte[] channel;
    final WebSocketRegistry sockets = new WebSocketRegistry();
    /** This node's presence members: entry key (join time, node, sequence) to name; guarded by this. */
    final Map<String, String> members = new LinkedHashMap<>();
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Completes when Redis has confirmed the subscription to the channel. */
    final CompletableFuture<Void> subscribed = new CompletableFuture<>();

    TopicState(String name, byte[] channel) {
        this.name = name;
        this.channel = channel;
    }

    /** Set when the broker lets the state go (unused, or closing): its subscription is no longer wanted. */
    private volatile boolean dropped;

    void drop() {
        dropped = true;
    }

    boolean dropped() {
        return dropped;
    }

    synchronized boolean unused() {
        return sockets.size() == 0 && !sockets.hasListeners() && members.isEmpty() && listeners.isEmpty();
    }

    synchronized Map<String, String> membersSnapshot() {
        return new LinkedHashMap<>(members);
    }

    void notifyListeners() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                System.getLogger(TopicState.class.getName()).log(System.Logger.Level.WARNING,
                        "a presence listener of " + name + " failed", e);
            }
        }
    }
}
