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

    /**
     * Adds {@code socket}, one of this node's connections; it leaves when it closes.
     *
     * @param socket the connection to add
     */
    void add(WebSocket socket);

    /**
     * Removes {@code socket}; it stays open.
     *
     * @param socket the connection to remove
     * @return true when {@code socket} was a member
     */
    boolean remove(WebSocket socket);

    /**
     * The number of this node's members.
     *
     * @return how many of this node's connections are members
     */
    int size();

    /**
     * A snapshot of this node's members.
     *
     * @return the members at the time of the call; later joins and leaves do not change it
     */
    List<WebSocket> sockets();

    /**
     * Tells {@code listener} of every message broadcast on the topic from now on, on every node.
     *
     * @param listener the listener to add
     */
    void addListener(TopicListener listener);

    /**
     * Stops telling {@code listener}.
     *
     * @param listener the listener to remove
     */
    void removeListener(TopicListener listener);

    /**
     * Sends {@code text} to every member on every node. The stage completes, once every send to this
     * node's members has completed or failed and (for a shared topic) the broker has taken the
     * message, with the number of this node's members it was written to; it fails when the broker
     * could not take the message.
     *
     * @param text the message
     * @return a stage that completes with the number of this node's members the message was written to
     */
    CompletableFuture<Integer> broadcast(String text);

    /**
     * As {@link #broadcast(String)} for binary {@code data} (position to limit), sharing the bytes:
     * the buffer must not change until the returned stage completes.
     *
     * @param data the message, from position to limit, not copied
     * @return a stage that completes with the number of this node's members the message was written to
     */
    CompletableFuture<Integer> broadcast(ByteBuffer data);
}
