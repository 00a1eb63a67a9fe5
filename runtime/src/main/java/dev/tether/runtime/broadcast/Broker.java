package dev.tether.runtime.broadcast;

import dev.tether.api.WebSocketTopic;

/**
 * Where an application's topics live: in this process ({@link LocalBroker}), or shared by several
 * servers through a message broker (Tether's Redis broker), so that the members of one chat room or
 * the subscribers of one feed may sit on different nodes behind a load balancer. The same name gives
 * the same topic on every node. Thread-safe.
 */
public interface Broker extends AutoCloseable {

    /**
     * The WebSocket topic called {@code name}.
     *
     * @param name the topic's name, the same on every node
     * @return a handle on the topic; every handle of one name reaches the same members
     */
    WebSocketTopic webSocketTopic(String name);

    /**
     * The event topic called {@code name}, whose log keeps at most {@code replayEvents} events (and,
     * on this node, at most {@code replayBytes} encoded bytes of them). Made once per name: later
     * calls return the first topic, whatever limits they give.
     *
     * @param name the topic's name, the same on every node
     * @param replayEvents the most events the log keeps
     * @param replayBytes the most encoded bytes of them this node keeps
     * @return the topic of that name, made by the first call
     */
    EventTopic eventTopic(String name, int replayEvents, long replayBytes);

    /**
     * The presence of topic {@code name}.
     *
     * @param name the topic's name, the same on every node
     * @return a handle on who is in the topic
     */
    Presence presence(String name);

    /**
     * Whether the topics reach other nodes (false for a broker of one process).
     *
     * @return true if the topics are shared with other nodes
     */
    boolean shared();

    /** Stops the broker: its event topics' subscribers are closed, and its connections. */
    @Override
    void close();
}
