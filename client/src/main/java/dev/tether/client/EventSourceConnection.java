package dev.tether.client;

import dev.tether.sse.ReceivedEvent;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One event stream an {@link EventSourceClient} follows, across reconnections: what a browser's
 * {@code EventSource} object is. It connects, delivers events, reconnects with
 * {@code Last-Event-ID} when the stream ends or fails, and closes for good when the server refuses
 * the request, when {@code maxReconnects} runs out, or when {@link #close()} is called. Thread-safe.
 *
 * <h2>Listener calls</h2>
 * The {@link Listener}'s calls for one connection come one at a time, in order, on the client's
 * executor: never on the thread calling {@link #close()}, never while the client holds a lock.
 * {@code onOpen} comes before the events of each stream, {@code onReconnecting} between streams,
 * {@code onClose} exactly once and last. A listener that takes its time slows the reading of its
 * own stream (the server's writes wait), not other connections. A listener that throws, whatever
 * it throws, is logged ({@code System.Logger} {@code dev.tether.client.events.StreamConnection},
 * WARNING) and the stream goes on: one bad event does not cost the connection. A
 * {@link VirtualMachineError} ({@code OutOfMemoryError}, {@code StackOverflowError}) is logged as
 * an ERROR, the stream goes on all the same, and the error is rethrown to the executor's thread
 * once the connection's state is whole again.
 */
public interface EventSourceConnection {

    /** Where a connection is, with the numbers of the W3C {@code EventSource.readyState}. */
    enum State {
        /** Connecting, or waiting to reconnect. */
        CONNECTING,
        /** A stream is open: events arrive. */
        OPEN,
        /** Closed for good. */
        CLOSED
    }

    /**
     * The request this connection makes, and makes again on each reconnection.
     *
     * @return the request the connection was opened with
     */
    EventSourceRequest request();

    /**
     * The request's URI.
     *
     * @return the URI first requested, before any redirects
     */
    default URI uri() {
        return request().uri();
    }

    /**
     * Where the connection is now: connecting (or waiting to reconnect), open, or closed for good.
     *
     * @return the current state
     */
    State state();

    /**
     * The last event id: the newest {@code id} field a complete event (or blank line) brought,
     * sent as {@code Last-Event-ID} on the next reconnection; the request's
     * {@link EventSourceRequest#lastEventId()} until then. Empty for none.
     *
     * @return the last event id, or the empty string when there is none
     */
    String lastEventId();

    /**
     * The reconnection delay now: the server's latest {@code retry:} (at most
     * {@link EventSourceRequest#maxServerRetry()}), or the request's
     * {@link EventSourceRequest#retry()}. A reconnection waits at least
     * {@link EventSourceRequest#minRetryDelay()}, and longer while reconnections fail in a row.
     *
     * @return the delay the server or the request set; the wait itself may be longer
     */
    Duration retryDelay();

    /**
     * Stops for good: cancels the request under way or the reconnection waiting, and closes the
     * open stream. Does nothing when already closed.
     *
     * <p>Listener calls that have not begun are dropped, and the listener hears
     * {@code onClose(connection, null)} after the one call that may be under way. This method does
     * not wait for that call (it may be made from a listener, or while a listener waits for the
     * calling thread): one that had begun on the executor when {@code close()} was called may still
     * run, or just be entering the listener, when this returns. Once {@link #closed()} has
     * completed, no listener call is running and none will come. Called from a listener, it
     * guarantees that nothing but {@code onClose} follows.
     */
    void close();

    /**
     * Completes when the connection has closed and its listener has heard {@code onClose}:
     * normally after {@link #close()} (or the client's), exceptionally with the
     * {@link EventSourceException} that closed it otherwise.
     *
     * @return a stage completed once the connection is closed and {@code onClose} has returned
     */
    CompletionStage<Void> closed();

    /**
     * The answer that opened a stream.
     *
     * @param uri     the URI that answered, after any redirects
     * @param status  200
     * @param headers the response's headers, unmodifiable; {@link #header(String)} looks one up ignoring case
     */
    record Response(URI uri, int status, Map<String, List<String>> headers) {
        /**
         * Copies the headers.
         *
         * @param uri     the URI that answered, after any redirects
         * @param status  the response's status code
         * @param headers the response's headers; copied
         */
        public Response {
            headers = Map.copyOf(headers);
        }

        /**
         * The first value of header {@code name} (ignoring case), or null.
         *
         * @param name the header's name, in any case
         * @return the header's first value, or null when the response has no such header
         */
        public String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) return header.getValue().get(0);
            }
            return null;
        }
    }

    /** What happens to a connection. Every method has a default that does nothing. See the interface for threads. */
    interface Listener {
        /**
         * A stream opened: a 200 with {@code text/event-stream}. Events follow.
         *
         * @param connection the connection whose stream opened
         * @param response   the answer that opened it
         */
        default void onOpen(EventSourceConnection connection, Response response) {
        }

        /**
         * An event was dispatched; {@link ReceivedEvent#id()} is the last event id at that moment.
         *
         * @param connection the connection that received it
         * @param event      the event: its type, data and id
         */
        default void onEvent(EventSourceConnection connection, ReceivedEvent event) {
        }

        /**
         * The server set the reconnection delay ({@code retry:}).
         *
         * @param connection the connection whose stream carried the field
         * @param delay      the new reconnection delay, at most {@link EventSourceRequest#maxServerRetry()}
         */
        default void onRetry(EventSourceConnection connection, Duration delay) {
        }

        /**
         * A comment line came (servers send them to keep quiet streams alive), without its colon.
         *
         * @param connection the connection whose stream carried the comment
         * @param text       the comment, without its colon and one space after it
         */
        default void onComment(EventSourceConnection connection, String text) {
        }

        /**
         * The stream ended or could not be opened, and the connection will try again after
         * {@code delay}, sending {@link EventSourceConnection#lastEventId()}. {@code cause} says what
         * happened (its message is written to be shown: "the server ended the stream", "cannot
         * connect to 127.0.0.1:8080: Connection refused" …). When the last event id cannot be sent
         * (the server sent one that is not printable ASCII, which java.net.http cannot write), the
         * message ends by saying that the reconnection goes without {@code Last-Event-ID}.
         *
         * @param connection the connection that will reconnect
         * @param delay      how long it waits before the next request
         * @param cause      why the stream ended or could not be opened
         */
        default void onReconnecting(EventSourceConnection connection, Duration delay, EventSourceException cause) {
        }

        /**
         * The connection closed for good: {@code cause} is null when {@link EventSourceConnection#close()}
         * (or the client's {@code close()}) closed it, otherwise the failure that ended it (an
         * {@link EventSourceRefusedException} for a refusal). Called exactly once, last.
         *
         * @param connection the connection that closed
         * @param cause      the failure that closed it, or null when it was closed on purpose
         */
        default void onClose(EventSourceConnection connection, EventSourceException cause) {
        }
    }
}
