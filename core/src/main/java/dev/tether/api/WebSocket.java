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
 * was hit, or the write failed. Nothing is dropped silently. Sends made before the connection opens
 * are queued and written in order when it does.
 */
public interface WebSocket {

    /** Sends a text message. */
    CompletionStage<Void> send(String text);

    /** Sends a binary message; the array must not change until the stage completes. */
    CompletionStage<Void> send(byte[] data);

    /** Sends a binary message from position to limit; the buffer must not change until the stage completes. */
    CompletionStage<Void> send(ByteBuffer data);

    /** Sends a text message as {@link #send(String)} does, with {@code option}. */
    CompletionStage<Void> send(String text, SendOption option);

    /** Sends a binary message as {@link #send(byte[])} does, with {@code option}. */
    default CompletionStage<Void> send(byte[] data, SendOption option) {
        return send(ByteBuffer.wrap(data), option);
    }

    /**
     * Sends a binary message as {@link #send(ByteBuffer)} does, with {@code option}: e.g.
     * {@code send(jpeg, SendOption.NO_COMPRESSION)} on a connection with permessage-deflate.
     */
    CompletionStage<Void> send(ByteBuffer data, SendOption option);

    /**
     * Sends one part of a text message sent in fragments; the part with {@code last} ends it. Other
     * messages wait (are queued behind the parts) until the last part is sent.
     */
    CompletionStage<Void> sendPart(String text, boolean last);

    /** Sends one part of a binary message sent in fragments; the part with {@code last} ends it. */
    CompletionStage<Void> sendPart(ByteBuffer data, boolean last);

    /**
     * A binary message written as a stream: every 64 KiB goes out as a fragment, {@code close()}
     * ends the message. Writes wait for the previous fragment to be written (so memory stays bounded
     * and a slow peer slows the writer): use it from an application thread, never a container's.
     */
    default OutputStream sendStream() {
        return new MessageOutputStream(this, 64 * 1024);
    }

    /** A text message written as a stream of characters, as {@link #sendStream()}. */
    default Writer sendWriter() {
        return new MessageWriter(this, 16 * 1024);
    }

    /**
     * Sends a ping; the stage completes when the matching pong arrives.
     *
     * @throws IllegalArgumentException for a payload of more than 125 bytes
     */
    CompletionStage<Void> ping(ByteBuffer payload);

    /** Sends a ping with a fresh payload; the stage completes when its pong arrives. */
    CompletionStage<Void> ping();

    /**
     * Sends an unsolicited pong, e.g. as a one-way heartbeat; pings are answered without it. The
     * stage completes when the frame has been written.
     *
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
     */
    void close(int code, String reason);

    /** Drops the connection at once, without a close handshake; queued sends fail. */
    void terminate();

    /** Stops reading from the peer (TCP pushes back) until {@link #resume()}. */
    void pause();

    /** Reads from the peer again after {@link #pause()}. */
    void resume();

    ReadyState readyState();

    /** Bytes queued for sending and not yet written. */
    long bufferedAmount();

    /**
     * False while more than the high-water mark is buffered for sending: a producer should wait for
     * {@link WebSocketListener#onDrain}.
     */
    boolean isWritable();

    /** Bytes received from the peer since the upgrade, frames and all. */
    long bytesReceived();

    /** The negotiated subprotocol, or null. */
    String protocol();

    /** The protocol version spoken: {@code hybi-13}, {@code hixie-76} or {@code hixie-75}. */
    String version();

    /** The negotiated extensions, in pipeline order. */
    List<String> extensions();

    /** The opening handshake: the request, and the response's status and headers (the 101 we sent, or received). */
    HandshakeInfo handshake();

    /** Attributes attached to this connection (e.g. by the handshake hook); thread-safe and modifiable. */
    Map<String, Object> attributes();

    /** Completes with the close status when the connection is over. */
    CompletionStage<CloseStatus> closed();
}
