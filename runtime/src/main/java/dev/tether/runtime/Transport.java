package dev.tether.runtime;

import java.nio.ByteBuffer;

/**
 * The byte stream under one connection, as the runtime needs it: input on demand, writes with a
 * completion, close and abort. A servlet container's upgraded connection, a container's own
 * endpoint, or a client's socket each implement it; everything else about the connection (framing,
 * queues, timers, events) is the runtime's.
 *
 * <p>Input is demand-driven: after {@link #start}, and again after each {@link #demand()}, the
 * transport reads while {@link Inbound#wantsInput()} says yes and bytes are there, and hands them to
 * {@link Inbound#onInput}, one call at a time. When the connection stops wanting input the
 * transport stops reading (TCP then pushes back on the peer) until {@link #demand()} is called.
 *
 * <p>Writes are one at a time, as {@link Output} says.
 */
public interface Transport extends Output {

    /** What the transport tells its connection. */
    interface Inbound {
        /**
         * Whether to read now; false while paused, closed or backed up. Any thread may ask.
         *
         * @return true if the connection takes input now
         */
        boolean wantsInput();

        /**
         * The next bytes, valid only during the call: consumed before it returns.
         *
         * @param bytes the bytes read, from position to limit
         */
        void onInput(ByteBuffer bytes);

        /** The peer closed its side; nothing more will be read. Not a failure: output may go on. */
        void onEndOfInput();

        /**
         * The connection broke (reset, container shutdown …): reading and writing are over.
         *
         * @param error what broke it
         */
        void onFailure(Throwable error);
    }

    /**
     * Starts delivering input to {@code inbound}, as far as it wants it. Called once.
     *
     * @param inbound the connection the input and the end of it go to
     */
    void start(Inbound inbound);

    /** The connection wants input again (it asks {@link Inbound#wantsInput()}). Any thread. */
    void demand();

    /**
     * Whether a direct buffer is written as it is: true where {@link #write} hands it to the socket
     * without copying it into an array (so lending direct message buffers saves a copy).
     *
     * @return true if direct buffers reach the socket without a copy; false by default
     */
    default boolean writesDirectBuffers() {
        return false;
    }

    /** Closes the connection once a write in progress has completed: everything written is sent. */
    void close();

    /**
     * Drops the connection now, even with a write in progress (which fails). The connection calls it
     * before it fails the sends of that write, whose buffers may then be reused, so a transport should
     * have stopped reading them by the time it returns (the servlet transport waits for its writer to
     * leave the stream; Jetty's endpoint transport for a flush on another thread to return).
     * A second call does nothing.
     */
    void abort();
}
