package dev.tether.api;

import dev.tether.sse.SseEvent;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One server-sent events stream ({@code text/event-stream}) to one client. Every method is safe to
 * call from any thread; events sent from several threads never interleave on the wire.
 *
 * <p>A send returns a stage that completes when the event's bytes have been handed to the
 * connection, and fails when they cannot be: the stream closed first ({@link ConnectionClosedException}),
 * the buffer limit was hit ({@link OutboundOverflowException}), or the write failed. Nothing is
 * dropped silently. Each event is flushed as soon as it is written, so it reaches the client on its
 * own, without waiting for more.
 */
public interface EventSource {

    /**
     * Sends {@code data} as a {@code message} event with no id. Line breaks become separate {@code data:} lines.
     *
     * @param data the event's data
     * @return a stage that completes once the event is handed to the connection, or fails with why it
     *         could not be
     */
    CompletionStage<Void> send(String data);

    /**
     * Sends {@code data} as an event of type {@code event} with id {@code id}; either may be null to
     * leave that field out.
     *
     * @param data  the event's data
     * @param event the event type, or null for the default {@code message}
     * @param id    the event id the client keeps for {@code Last-Event-ID}, or null for none
     * @return a stage that completes once the event is handed to the connection, or fails with why it
     *         could not be
     */
    CompletionStage<Void> send(String data, String event, String id);

    /**
     * Sends {@code event} with all its fields.
     *
     * @param event the event to send
     * @return a stage that completes once the event is handed to the connection, or fails with why it
     *         could not be
     */
    CompletionStage<Void> send(SseEvent event);

    /**
     * Sends comment lines ({@code : text}), which clients ignore: for debugging or keepalive.
     *
     * @param text the comment; each line becomes a comment line
     * @return a stage that completes once the comment is handed to the connection, or fails with why
     *         it could not be
     */
    CompletionStage<Void> comment(String text);

    /**
     * Sends an empty comment ({@code :}) now: keeps proxies from timing the stream out and finds out
     * whether the client is still there. The stream does this by itself every ping interval.
     *
     * @return a stage that completes once the comment is handed to the connection, and fails when it
     *         cannot be (the client gone, the stream closed)
     */
    CompletionStage<Void> ping();

    /**
     * Ends the stream once what is already queued has been written. A browser's EventSource
     * reconnects after its retry delay (sending {@code Last-Event-ID}); to stop it for good, tell it
     * to close with an event of the application's own.
     */
    void close();

    /**
     * The URL the client requested, query string included.
     *
     * @return the request URL with its query string
     */
    String url();

    /**
     * The id of the last event the client received before it reconnected, from the
     * {@code Last-Event-ID} header (or, for polyfills that cannot set headers, a {@code lastEventId}
     * query parameter); the empty string on a first connection.
     *
     * @return the last event id the client saw, or the empty string
     */
    String lastEventId();

    /**
     * {@code OPEN} while events can be sent, {@code CLOSING} after {@link #close()}, then {@code CLOSED}.
     *
     * @return the stream's current state
     */
    ReadyState readyState();

    /**
     * Bytes queued for sending and not yet written.
     *
     * @return the number of bytes still queued
     */
    long bufferedAmount();

    /**
     * Attributes attached to this stream; thread-safe and modifiable.
     *
     * @return the live attribute map of this stream
     */
    Map<String, Object> attributes();

    /**
     * Completes when the stream is over: closed by the application, or the client went away (a write
     * failed, or the container reported the connection gone).
     *
     * @return a stage that completes when the stream has ended
     */
    CompletionStage<Void> closed();
}
