package dev.tether.driver;

import dev.tether.api.CloseStatus;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;

/**
 * What a driver reports while it parses and sends. Calls arrive synchronously, on the thread that
 * called the driver, one at a time and in protocol order; a transport that holds a lock while it
 * drives should queue them, deliver them after it lets go, and say so with {@link #deliversLater()}.
 */
public interface DriverEvents {

    /**
     * Whether these events reach the application only after {@code parse} returns (queued), rather
     * than as they are reported. If so, the driver does not answer a peer's Close frame, or a protocol
     * violation, inside {@code parse}: it holds it ({@link Driver#hasHeldClose()}) until the owner has
     * delivered the events before it and calls {@link Driver#releaseHeldClose()}, so that what the
     * application sends in reply to the peer's last messages goes out before the close frame.
     */
    default boolean deliversLater() {
        return false;
    }

    /**
     * The connection is open: the driver is already {@code OPEN}, so sends made from here are
     * written, ahead of anything the peer's later input causes. An owner that kept sends made before
     * open (a driver refuses them) writes them from here, in order.
     */
    default void onOpen() {
    }

    /** A whole, valid text message. */
    default void onText(String text) {
    }

    /**
     * A whole binary message; the buffer is the receiver's to keep, unless the driver was given a
     * {@link dev.tether.message.BufferPool}: then the buffer may be a loan from it, and the receiver
     * gives it back ({@code release}) once done with it.
     */
    default void onBinary(ByteBuffer data) {
    }

    /** A ping arrived (the pong has already been written); the buffer is the receiver's to keep. */
    default void onPing(ByteBuffer payload) {
    }

    /** A pong arrived, solicited or not; the buffer is the receiver's to keep. */
    default void onPong(ByteBuffer payload) {
    }

    /** The peer broke the protocol; {@link #onClose} follows at once. */
    default void onError(ProtocolException error) {
    }

    /**
     * The connection is over at the protocol level (state {@code CLOSED}): the transport flushes
     * what is queued and then closes the connection. Reported exactly once.
     */
    default void onClose(CloseStatus status) {
    }
}
