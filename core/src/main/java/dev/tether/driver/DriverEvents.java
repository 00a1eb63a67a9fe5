package dev.tether.driver;

import dev.tether.api.CloseStatus;

import java.nio.ByteBuffer;

/**
 * What a driver reports while it parses and sends. Calls arrive synchronously, on the thread that
 * called the driver, one at a time and in protocol order; a transport that holds a lock while it
 * drives should queue them and deliver them after it lets go.
 */
public interface DriverEvents {

    /** The connection is open; queued sends have been written. */
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
