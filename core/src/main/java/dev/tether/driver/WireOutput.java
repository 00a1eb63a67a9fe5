package dev.tether.driver;

import java.nio.ByteBuffer;

/**
 * Where a driver's bytes go: the only way bytes leave a driver. Each call carries one whole frame
 * (or one handshake body) as a gather list, so a transport can reorder at frame boundaries: a
 * {@link Kind#CONTROL} frame may overtake queued data frames, a {@link Kind#CLOSE} frame is the
 * last thing written.
 *
 * <p>The buffers belong to the transport once passed, except that a server-role data payload is the
 * caller's own buffer, passed through uncopied: the caller must not change it until it is written.
 */
@FunctionalInterface
public interface WireOutput {

    /** How a chunk of output may be ordered against what is already queued. */
    enum Kind {
        /** A data frame, a handshake body or legacy framing: strictly in order. */
        DATA,
        /** A ping or pong: may be written ahead of queued data frames. */
        CONTROL,
        /** The close frame: written after everything queued before it; nothing follows. */
        CLOSE
    }

    /**
     * Takes one whole frame, or one handshake body, to write.
     *
     * @param kind    how it may be ordered against what is already queued
     * @param buffers its bytes, in order, each from position to limit
     */
    void write(Kind kind, ByteBuffer... buffers);
}
