package dev.tether.api;

import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One WebSocket connection, server or client side. Every method is safe to call from any thread;
 * messages sent from several threads never interleave on the wire.
 *
 * <p>A send returns a stage that completes when the message's bytes have been written to the
 * connection, and fails when they cannot be: the connection closed first, the outbound buffer limit
 * was hit, or the write failed. Nothing is dropped silently. Messages and a close sent before the
 * connection opens are queued and written in order when it does; a ping or pong needs an open
 * connection, and its stage fails before.
 */
public interface WebSocket {
    /** The most bytes a ping's or a pong's payload may carry (RFC 6455 §5.5: control frames are short). */
    int MAX_CONTROL_PAYLOAD = 125;

    /**
     * Sends a text message.
     *
     * @param text the message
     * @return a stage that completes once the message is written, or fails with why it could not be
     */
    CompletionStage<Void> send(String text);

    /**
     * Sends a binary message; the array must not change until the stage completes.
     *
     * @param data the message, not copied
     * @return a stage that completes once the message is written, or fails with why it could not be
     */
    CompletionStage<Void> send(byte[] data);

    /**
     * Sends a binary message from position to limit; the buffer must not change until the stage completes.
     *
     * @param data the message, its bytes from position to limit, not copied
     * @return a stage that completes once the message is written, or fails with why it could not be
     */
    CompletionStage<Void> send(ByteBuffer data);

    /**
     * Sends a text message as {@link #send(String)} does, with {@code option}.
     *
     * @param text   the message
     * @param option how this message is sent
     * @return a stage that completes once the message is written, or fails with why it could not be
     */
    CompletionStage<Void> send(String text, SendOption option);

    /**
     * Sends a binary message as {@link #send(byte[])} does, with {@code option}.
     *
     * @param data   the message, not copied
     * @param option how this message is sent
     * @return a stage that completes once the message is written, or fails with why it could not be
     */
    default CompletionStage<Void> send(byte[] data, SendOption option) {
        return send(ByteBuffer.wrap(data), option);
    }

    /**
     * Sends a binary message as {@link #send(ByteBuffer)} does, with {@code option}: e.g.
     * {@code send(jpeg, SendOption.NO_COMPRESSION)} on a connection with permessage-deflate.
     *
     * @param data   the message, its bytes from position to limit, not copied
     * @param option how this message is sent
     * @return a stage that completes once the message is written, or fails with why it could not be
     */
    CompletionStage<Void> send(ByteBuffer data, SendOption option);

    /**
     * Sends one part of a text message sent in fragments; the part with {@code last} ends it. Other
     * messages wait (are queued behind the parts) until the last part is sent.
     *
     * @param text the part's characters
     * @param last true for the part that ends the message
     * @return a stage that completes once the part is written, or fails with why it could not be
     */
    CompletionStage<Void> sendPart(String text, boolean last);

    /**
     * Sends one part of a binary message sent in fragments; the part with {@code last} ends it.
     *
     * @param data the part's bytes, from position to limit
     * @param last true for the part that ends the message
     * @return a stage that completes once the part is written, or fails with why it could not be
     */
    CompletionStage<Void> sendPart(ByteBuffer data, boolean last);

    /**
     * A binary message written as a stream: every 64 KiB goes out as a fragment, {@code close()}
     * ends the message. Writes wait for the previous fragment to be written (so memory stays bounded
     * and a slow peer slows the writer): use it from an application thread, never a container's.
     *
     * @return a new stream for one binary message
     */
    default OutputStream sendStream() {
        return new MessageOutputStream(this, 64 * 1024);
    }

    /**
     * A text message written as a stream of characters, as {@link #sendStream()}.
     *
     * @return a new writer for one text message
     */
    default Writer sendWriter() {
        return new MessageWriter(this, 16 * 1024);
    }

    /**
     * Sends a ping; the stage completes when the matching pong arrives.
     *
     * @param payload the ping's application data, at most 125 bytes; the pong must echo it
     * @return a stage that completes when a pong with the same payload arrives, or fails when the
     *         ping cannot be sent or the connection closes first
     * @throws IllegalArgumentException for a payload of more than 125 bytes
     */
    CompletionStage<Void> ping(ByteBuffer payload);

    /**
     * Sends a ping with a fresh payload; the stage completes when its pong arrives.
     *
     * @return a stage that completes when the pong arrives, or fails when the ping cannot be sent or
     *         the connection closes first
     */
    CompletionStage<Void> ping();

    /**
     * Sends an unsolicited pong, e.g. as a one-way heartbeat; pings are answered without it. The
     * stage completes when the frame has been written.
     *
     * @param payload the pong's application data, at most 125 bytes
     * @return a stage that completes once the pong is written, or fails with why it could not be
     *         (the connection is not open, or the write failed)
     * @throws IllegalArgumentException for a payload of more than 125 bytes
     */
    CompletionStage<Void> pong(ByteBuffer payload);

    /** Starts the close handshake with 1000. */
    default void close() {
        close(CloseCodes.NORMAL, "");
    }

    /**
     * Starts the close handshake after what is already queued has been written. The connection is
     * closed when the peer answers, or after the close timeout.
     *
     * @param code   the close code, one that may be sent ({@link CloseCodes#isValidOnWire})
     * @param reason the close reason, at most {@value CloseCodes#MAX_REASON_BYTES} UTF-8 bytes; empty for none
     * @throws IllegalArgumentException for a code that may not be sent or a reason that is too long
     */
    void close(int code, String reason);

    /** Drops the connection at once, without a close handshake; queued sends fail. */
    void terminate();

    /** Stops reading from the peer (TCP pushes back) until {@link #resume()}. */
    void pause();

    /** Reads from the peer again after {@link #pause()}. */
    void resume();

    /**
     * The W3C {@code readyState} of the connection.
     *
     * @return the connection's current state
     */
    ReadyState readyState();

    /**
     * Bytes queued for sending and not yet written.
     *
     * @return the number of bytes still queued
     */
    long bufferedAmount();

    /**
     * False while more than the high-water mark is buffered for sending: a producer should wait for
     * {@link WebSocketListener#onDrain}.
     *
     * @return true while the bytes buffered for sending are at or under the high-water mark
     */
    boolean isWritable();

    /**
     * Bytes received from the peer since the upgrade, frames and all.
     *
     * @return the number of bytes read from the connection
     */
    long bytesReceived();

    /**
     * The negotiated subprotocol, or null.
     *
     * @return the subprotocol agreed in the handshake, or null when none was
     */
    String protocol();

    /**
     * The protocol version spoken: {@code hybi-13}, {@code hixie-76} or {@code hixie-75}.
     *
     * @return the name of the protocol version
     */
    String version();

    /**
     * The negotiated extensions, in pipeline order.
     *
     * @return the names of the extensions, empty when none was agreed
     */
    List<String> extensions();

    /**
     * The opening handshake: the request, and the response's status and headers (the 101 we sent, or received).
     *
     * @return the handshake of this connection
     */
    HandshakeInfo handshake();

    /**
     * Attributes attached to this connection (e.g. by the handshake hook); thread-safe and modifiable.
     *
     * @return the live attribute map of this connection
     */
    Map<String, Object> attributes();

    /**
     * Completes with the close status when the connection is over.
     *
     * @return a stage that completes with how the connection ended
     */
    CompletionStage<CloseStatus> closed();
}
