package dev.tether.runtime;

import java.nio.ByteBuffer;
import java.util.Arrays;

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
         * A {@link Output#writeFrames} write ended early, at the end of a frame, after its first
         * {@code bytes} bytes: those have left for the socket, and the buffers of the frames after
         * them are untouched and the caller's again, to be written by a later write. Only an output
         * whose {@link Output#endsWritesBetweenFrames()} is true calls it.
         *
         * @param bytes how many of the write's bytes have left: the length of its first frames, at least one
         */
        default void writtenUpTo(long bytes) {
            throw new UnsupportedOperationException("only a write of frames ends early");
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

    /**
     * Whether {@link #writeFrames} may end a write between two of its frames: then a caller can hand
     * it every frame it holds, and bytes it must write soon (a pong) wait at most for the end of the
     * frame the socket filled up in, not for all of them.
     *
     * @return true if {@link #writeFrames} ends early when the socket is full; false by default
     */
    default boolean endsWritesBetweenFrames() {
        return false;
    }

    /**
     * Writes several frames, as {@link #write} does, except that an output that
     * {@link #endsWritesBetweenFrames() ends writes between frames} writes only as many of them as the
     * socket takes without waiting, then the rest of the frame it stopped in (waiting for the socket
     * as {@link #write} does), and ends there, with {@link WriteCallback#writtenUpTo}, unless every
     * byte went; the first frame is always written whole. By default, a {@link #write} of them all.
     *
     * @param buffers the frames' bytes, in order
     * @param frameEnds for each frame, in order, the index in {@code buffers} after its last buffer;
     *        the last is {@code buffers.length}
     * @param callback told once: every byte has left, the write ended after some of its frames, or it failed
     */
    default void writeFrames(ByteBuffer[] buffers, int[] frameEnds, WriteCallback callback) {
        write(buffers, callback);
    }

    /**
     * For an output's {@link #writeFrames}: where each frame ends, in bytes from the write's start.
     *
     * @param buffers the write's buffers, none of them written yet
     * @param frameEnds as {@link #writeFrames} takes them
     * @return for each frame, the bytes up to its end
     */
    static long[] frameEndBytes(ByteBuffer[] buffers, int[] frameEnds) {
        long[] ends = new long[frameEnds.length];
        long total = 0;
        for (int frame = 0, i = 0; frame < frameEnds.length; frame++) {
            for (; i < frameEnds[frame]; i++) {
                total += buffers[i].remaining();
            }
            ends[frame] = total;
        }
        return ends;
    }

    /**
     * For an output's {@link #writeFrames}: the frame the socket filled up in, after {@code sent} of
     * the write's bytes went; a stop exactly between two frames counts as in the later one.
     *
     * @param frameEndBytes as {@link #frameEndBytes} gives them
     * @param sent the bytes that went, fewer than all
     * @return the index of the first frame not all sent
     */
    static int frameInProgress(long[] frameEndBytes, long sent) {
        int found = Arrays.binarySearch(frameEndBytes, sent); // an exact end: the frame after it
        return found >= 0 ? found + 1 : -found - 1;
    }
}
