package dev.tether.runtime.broadcast;

import dev.tether.api.EventSource;
import dev.tether.sse.SseEvent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A stream of server-sent events with many subscribers and a log of its newest events, so that a
 * client reconnecting with {@code Last-Event-ID} is sent exactly what it missed. Each node of an
 * application subscribes its own streams; an event broadcast on any node reaches the subscribers on
 * every node that shares the topic. {@link dev.tether.runtime.sse.EventBroadcaster} is the topic of
 * one process, its replay buffer the log; a broker (e.g. Tether's Redis broker) keeps the log where
 * every node reads it, so a client may reconnect to any of them. Thread-safe.
 *
 * <h2>Resuming, and the "reset" event</h2>
 * {@link #join} looks at the stream's {@link EventSource#lastEventId()}:
 * <ul>
 *   <li>empty: a first connection, nothing is replayed ({@link Joined#FIRST}), or the newest few
 *       events if asked for;</li>
 *   <li>an id the log still holds: every event broadcast after it is sent first, in order
 *       ({@link Joined#RESUMED});</li>
 *   <li>any other id (too old for the log, or from before a restart): the missed events cannot be
 *       replayed, so the client is sent one event of type {@value #RESET_EVENT} whose data is the id
 *       it asked for and whose id is the newest id in the log (or empty), so its next reconnection
 *       resumes from there ({@link Joined#RESET}). A browser client listens with
 *       {@code source.addEventListener("reset", ...)} and reloads its state.</li>
 * </ul>
 */
public interface EventTopic {
    /** The event type telling a reconnecting client that what it missed cannot be replayed. */
    String RESET_EVENT = "reset";

    /** How a subscriber joined. */
    enum Joined {
        /** No {@code Last-Event-ID}: nothing to replay. */
        FIRST,
        /** Its last event id was in the log: the events after it were sent. */
        RESUMED,
        /** Its last event id was unknown: a {@value EventTopic#RESET_EVENT} event was sent instead. */
        RESET,
        /** The stream was already closed: not subscribed. */
        CLOSED
    }

    /**
     * Adds {@code source}, one of this node's streams: sends what it missed (see the class comment),
     * or to a stream without {@code Last-Event-ID} the newest {@code recent} events, then every
     * broadcast until it closes. The stage completes once the missed events are queued to it.
     *
     * @param source the stream to add, with the {@code Last-Event-ID} it came with
     * @param recent how many of the newest events a stream without {@code Last-Event-ID} is sent
     * @return a stage completed with how the stream joined ({@link Joined#CLOSED} if it was closed
     *         already and nothing was subscribed)
     */
    CompletionStage<Joined> join(EventSource source, int recent);

    /**
     * Removes {@code source}; it stays open.
     *
     * @param source the stream to remove
     * @return true if it was a subscriber
     */
    boolean unsubscribe(EventSource source);

    /**
     * The number of this node's subscribers.
     *
     * @return how many streams on this node are subscribed
     */
    int size();

    /**
     * Logs {@code event} and sends it to every subscriber on every node. The stage completes, once
     * every send to this node's subscribers has completed or failed, with the number of them it was
     * written to; it fails when the log (a broker) could not take the event. A shared log gives
     * events its own ids, in place of the event's.
     *
     * @param event the event to log and send
     * @return a future completed with the number of this node's subscribers the event was written to
     */
    CompletableFuture<Integer> broadcast(SseEvent event);

    /**
     * As {@link #broadcast(SseEvent)} for {@code SseEvent.data(data)}.
     *
     * @param data the event's data
     * @return a future completed with the number of this node's subscribers the event was written to
     */
    default CompletableFuture<Integer> broadcast(String data) {
        return broadcast(SseEvent.data(data));
    }

    /** Closes this node's subscribers' streams (e.g. when the application stops). */
    void closeAll();
}
