package dev.tether.api;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A group of WebSocket connections that messages are broadcast to: a chat room, a live feed. Each
 * node of an application adds its own connections; a message broadcast on any node reaches the
 * members on every node that shares the topic. {@link WebSocketRegistry} is the topic of one process;
 * a broker (e.g. Tether's Redis broker) shares a topic between several servers.
 *
 * <p>A broadcast hands the message to each member's own outbound queue and never waits for any of
 * them, so one slow client meets its own buffer limit and overflow policy instead of holding up the
 * others. Thread-safe.
 */
public interface WebSocketTopic {

    /** Adds {@code socket}, one of this node's connections; it leaves when it closes. */
    void add(WebSocket socket);

    /** Removes {@code socket}; it stays open. */
    boolean remove(WebSocket socket);

    /** The number of this node's members. */
    int size();

    /** A snapshot of this node's members. */
    List<WebSocket> sockets();

    /** Tells {@code listener} of every message broadcast on the topic from now on, on every node. */
    void addListener(TopicListener listener);

    /** Stops telling {@code listener}. */
    void removeListener(TopicListener listener);

    /**
     * Sends {@code text} to every member on every node. The stage completes, once every send to this
     * node's members has completed or failed and (for a shared topic) the broker has taken the
     * message, with the number of this node's members it was written to; it fails when the broker
     * could not take the message.
     */
    CompletableFuture<Integer> broadcast(String text);

    /**
     * As {@link #broadcast(String)} for binary {@code data} (position to limit), sharing the bytes:
     * the buffer must not change until the returned stage completes.
     */
    CompletableFuture<Integer> broadcast(ByteBuffer data);
}
