package dev.tether.runtime;

import java.nio.ByteBuffer;

/**
 * Where a connection's bytes go: one write at a time, each with a callback once the bytes have left
 * and the buffers are free again. A {@link Transport} is one; an output-only stream (server-sent
 * events) is another.
 */
public interface Output {

    /** The outcome of one {@link #write}. */
    interface WriteCallback {
        /** Every byte has left for the socket, and the buffers are the caller's again. */
        void written();

        /**
         * Some more of the write's bytes have left for the socket, not all of them yet: an output that
         * can tell says so, and a long write to a peer reading slowly still shows it reading. Never
         * more in all than the write holds; nothing by default, and none of this library's outputs
         * reports it yet (the servlet writer cannot tell how much of one write a container took).
         *
         * @param bytes how many more bytes have left
         */
        default void progressed(long bytes) {
        }

        /**
         * The write failed; the buffers are the caller's again.
         *
         * @param error why the write failed
         */
        void failed(Throwable error);
    }

    /**
     * Writes {@code buffers} in order, gathering them where it can; it may consume them (advance
     * their positions). Not called again before {@code callback}, which may run inside this call
     * (the bytes went at once) or later on any thread. The caller leaves the buffers alone until
     * then; the output does not keep them after.
     *
     * @param buffers the bytes to write, in order
     * @param callback told once, when every byte has left or the write has failed
     */
    void write(ByteBuffer[] buffers, WriteCallback callback);
}
