package dev.tether.api;

import java.nio.ByteBuffer;

/**
 * What happens on a connection. The events of one connection arrive one at a time, in order, never
 * while the library holds a lock, so a listener may call any {@link WebSocket} method, including
 * blocking ones on its own threads. Every method has a default that does nothing.
 */
public interface WebSocketListener {

    /** The connection is open; messages may be sent and will arrive. */
    default void onOpen(WebSocket socket) {
    }

    /** A whole text message arrived. */
    default void onText(WebSocket socket, String text) {
    }

    /**
     * A whole binary message arrived. The buffer is the listener's to keep, unless it
     * {@link #acceptsLentBuffers() accepts lent buffers}.
     */
    default void onBinary(WebSocket socket, ByteBuffer data) {
    }

    /**
     * Whether {@link #onBinary} may be lent its buffer rather than given it. A large message (one
     * frame of 64 KiB to 4 MiB, on an RFC 6455 connection without extensions) then comes in a pooled
     * buffer, direct where the transport writes those without a copy. The loan lasts until
     * {@code onBinary} returns, and for every {@code send} or {@code sendPart} of its bytes made
     * during the call, on the calling thread, through Tether's connections (any of them), until the
     * send completes: the buffer itself, a slice or duplicate of it, or its array wrapped again, so
     * echoing, forwarding or {@link WebSocketRegistry#broadcast(ByteBuffer) broadcasting} a message
     * copies nothing. Anything else (keeping it, sending it from another thread or after the call)
     * needs a copy. Read it from position to limit: its capacity, and a heap buffer's
     * {@code array()}, run past the message with bytes of earlier ones. Default false.
     */
    default boolean acceptsLentBuffers() {
        return false;
    }

    /** A ping arrived; the pong has already been sent. */
    default void onPing(WebSocket socket, ByteBuffer payload) {
    }

    /** A pong arrived, whether it answers one of our pings or not. */
    default void onPong(WebSocket socket, ByteBuffer payload) {
    }

    /**
     * Something went wrong: the peer broke the protocol, the connection failed, a limit was hit or a
     * listener method threw. {@link #onClose} follows when the error ends the connection. Reported only
     * for a connection that opened.
     */
    default void onError(WebSocket socket, Throwable error) {
    }

    /**
     * The connection is over. Called exactly once per connection that opened, and never for one that
     * did not (a handshake that timed out or failed reports nothing here; {@link WebSocket#closed()}
     * completes for it all the same).
     */
    default void onClose(WebSocket socket, CloseStatus status) {
    }

    /**
     * What was buffered for sending has been written, after {@link WebSocket#isWritable()} had turned
     * false: a good moment to send more.
     */
    default void onDrain(WebSocket socket) {
    }
}
