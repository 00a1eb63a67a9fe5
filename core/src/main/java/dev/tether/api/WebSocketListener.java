package dev.tether.api;

import dev.tether.message.MessageType;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;

/**
 * What happens on a connection. The events of one connection arrive one at a time, in order, never
 * while the library holds a lock, so a listener may call any {@link WebSocket} method, including
 * blocking ones on its own threads. Every method has a default that does nothing.
 */
public interface WebSocketListener {

    /**
     * The connection is open; messages may be sent and will arrive.
     *
     * @param socket the connection that opened
     */
    default void onOpen(WebSocket socket) {
    }

    /**
     * How messages of {@code type} reach this listener: {@linkplain ReceiveMode#WHOLE whole} (the
     * default), in {@linkplain ReceiveMode#PARTS parts} as they arrive, or as a
     * {@linkplain ReceiveMode#STREAM stream}. Asked once for each type when the connection is made,
     * before {@link #onOpen}; the answers hold for the connection. Large binary messages are
     * {@linkplain #acceptsLentBuffers() lent} only when received whole.
     *
     * @param type the message type asked about
     * @return how messages of {@code type} are delivered on this connection
     */
    default ReceiveMode receiveMode(MessageType type) {
        return ReceiveMode.WHOLE;
    }

    /**
     * A whole text message arrived.
     *
     * @param socket the connection it arrived on
     * @param text   the message
     */
    default void onText(WebSocket socket, String text) {
    }

    /**
     * The next part of a text message received in {@linkplain ReceiveMode#PARTS parts}: the
     * characters of one frame (or of a {@code fragmentSize} piece of a large one), already checked as
     * UTF-8. A part ends on a character boundary (a character the peer's frames cut comes whole with
     * the next part), so it may be empty. {@code last} ends the message; the next part begins the
     * next one.
     *
     * @param socket the connection it arrived on
     * @param text   the part's characters, possibly none
     * @param last   whether this part ends the message
     */
    default void onTextPart(WebSocket socket, CharSequence text, boolean last) {
    }

    /**
     * The next part of a binary message received in {@linkplain ReceiveMode#PARTS parts}: the bytes
     * of one frame, or of a {@code fragmentSize} piece of a large one; the buffer is the listener's to
     * keep. It may be empty. {@code last} ends the message.
     *
     * @param socket the connection it arrived on
     * @param data   the part's bytes, the listener's to keep
     * @param last   whether this part ends the message
     */
    default void onBinaryPart(WebSocket socket, ByteBuffer data, boolean last) {
    }

    /**
     * A text message received as a {@linkplain ReceiveMode#STREAM stream} begins. Called on an
     * application thread (the connection's executor), as soon as the message's first frame arrives;
     * the stream gives its characters as they come and ends with the message. Later events of this
     * connection (the next message, {@link #onClose}) wait until this method returns: read the
     * message here, or copy what is needed. What is left unread when it returns is skipped, and
     * nothing after the message is read from the peer before it returns (pings within the message
     * are answered; past a thousand of them they are no longer reported). If the connection ends
     * first, reading fails with an {@link IOException}, which ends this method without being
     * reported as an error.
     *
     * @param socket  the connection it arrives on
     * @param message the message's characters, ending with the message
     * @throws IOException when reading {@code message} fails, as when the connection ends first; not
     *                     reported as an error
     */
    default void onTextStream(WebSocket socket, Reader message) throws IOException {
    }

    /**
     * A binary message received as a {@linkplain ReceiveMode#STREAM stream} begins: as {@link #onTextStream}.
     *
     * @param socket  the connection it arrives on
     * @param message the message's bytes, ending with the message
     * @throws IOException when reading {@code message} fails, as when the connection ends first; not
     *                     reported as an error
     */
    default void onBinaryStream(WebSocket socket, InputStream message) throws IOException {
    }

    /**
     * A whole binary message arrived. The buffer is the listener's to keep, unless it
     * {@link #acceptsLentBuffers() accepts lent buffers}.
     *
     * @param socket the connection it arrived on
     * @param data   the message, from position to limit
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
     *
     * @return true to take large binary messages in lent, pooled buffers
     */
    default boolean acceptsLentBuffers() {
        return false;
    }

    /**
     * A ping arrived; the pong has already been sent.
     *
     * @param socket  the connection it arrived on
     * @param payload the ping's application data
     */
    default void onPing(WebSocket socket, ByteBuffer payload) {
    }

    /**
     * A pong arrived, whether it answers one of our pings or not.
     *
     * @param socket  the connection it arrived on
     * @param payload the pong's application data
     */
    default void onPong(WebSocket socket, ByteBuffer payload) {
    }

    /**
     * Something went wrong: the peer broke the protocol, the connection failed, a limit was hit or a
     * listener method threw. {@link #onClose} follows when the error ends the connection. Reported only
     * for a connection that opened.
     *
     * @param socket the connection it happened on
     * @param error  what went wrong
     */
    default void onError(WebSocket socket, Throwable error) {
    }

    /**
     * The connection is over. Called exactly once per connection that opened, and never for one that
     * did not (a handshake that timed out or failed reports nothing here; {@link WebSocket#closed()}
     * completes for it all the same).
     *
     * @param socket the connection that ended
     * @param status the close code and reason, and whether the close was clean
     */
    default void onClose(WebSocket socket, CloseStatus status) {
    }

    /**
     * What was buffered for sending has been written, after {@link WebSocket#isWritable()} had turned
     * false: a good moment to send more.
     *
     * @param socket the connection that drained
     */
    default void onDrain(WebSocket socket) {
    }
}
