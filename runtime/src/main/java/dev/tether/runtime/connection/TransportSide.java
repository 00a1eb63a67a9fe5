package dev.tether.runtime.connection;

import dev.tether.api.ConnectionClosedException;
import dev.tether.api.ReadyState;
import dev.tether.runtime.Transport;
import dev.tether.runtime.io.MessageInput;
import dev.tether.runtime.io.OutboundQueue;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the transport and the outbound queue tell a connection: input, its end, failures, and how
 * much is left to write. Reading stops while the output is backed up past the high-water mark and
 * is resumed by the flush that brings it back under; it is not asked for after other flushes.
 */
final class TransportSide implements Transport.Inbound, OutboundQueue.Owner {
    private static final System.Logger LOG = System.getLogger(TransportSide.class.getName());

    private final WebSocketConnection c;
    /** The thread inside {@link #onInput} now, if any. */
    private volatile Thread reading;
    /** Reading stopped because too much output was queued: a flush under the mark resumes it. */
    private volatile boolean backedUp;

    TransportSide(WebSocketConnection connection) {
        this.c = connection;
    }

    @Override
    public boolean wantsInput() {
        if (c.paused) {
            return false;
        }
        MessageInput fed = c.streamFed;
        if (fed != null && !fed.wantsMore()) {
            return false; // its reader asks for input again once it has made room
        }
        MessageInput read = c.streamBeingRead;
        if (read != null && read != fed) {
            return false; // its message has all arrived: nothing past it until its reader returns, which asks again
        }
        long highWaterMark = c.options.highWaterMark();
        if (c.outbound.bufferedAmount() <= highWaterMark) {
            return true;
        }
        backedUp = true;
        // Asked again after the flag is up: a flush that drained the queue meanwhile may have missed it.
        if (c.outbound.bufferedAmount() <= highWaterMark) {
            backedUp = false;
            return true;
        }
        return false;
    }

    @Override
    public void onInput(ByteBuffer bytes) {
        // What the read's messages make the listener send here goes out in one write, after them.
        boolean batch = c.outbound.beginBatch();
        Thread outer = reading;
        reading = Thread.currentThread();
        try {
            synchronized (c.lock) {
                c.received(bytes.remaining());
                c.driver().parse(bytes);
                releaseHeldCloseInTurn();
            }
            c.afterUnlock();
        } finally {
            if (batch) {
                c.outbound.endBatch();
            }
            reading = outer;
        }
    }

    @Override
    public void onEndOfInput() {
        synchronized (c.lock) {
            // A peer may half-close right after its Close: that close is still answered in turn.
            if (!c.driver().hasHeldClose()) {
                c.driver().endOfInput();
                c.closeWhenFlushed = true;
            }
        }
        c.afterUnlock();
    }

    @Override
    public void onFailure(Throwable error) {
        synchronized (c.lock) {
            if (c.transportClosed) {
                return; // we closed it (or aborted it) already: what it reports afterwards ends nothing
            }
            if (c.opened && c.driver().readyState() != ReadyState.CLOSED) {
                c.events.add(() -> c.deliver(() -> c.listener.onError(c, error)));
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "connection failed", error);
        c.abort(error instanceof ConnectionClosedException ? error : new ConnectionClosedException("the connection failed: " + error));
    }

    @Override
    public void writeFailed(Throwable error) {
        onFailure(error);
    }

    @Override
    public void flushed(long buffered) {
        Transport toClose = null;
        Transport toResume = null;
        long highWaterMark = c.options.highWaterMark();
        synchronized (c.lock) {
            if (buffered == 0 && c.closeWhenFlushed && c.outbound.allWritten()) {
                toClose = c.markTransportClosed();
            }
            if (c.drainWanted && c.bufferedAmount() <= highWaterMark / 2) { // messages waiting behind fragments too
                c.drainWanted = false;
                c.events.add(() -> c.deliver(() -> c.listener.onDrain(c)));
            }
            if (backedUp && buffered <= highWaterMark && !c.transportClosed) {
                backedUp = false;
                toResume = c.transport;
            }
        }
        if (toClose != null) {
            toClose.close(); // everything is out: nothing to cut short
        }
        c.deliverEvents();
        if (toResume != null) {
            c.demandInputHere(); // on the transport's thread as its write completed, when that is safe
        }
    }

    /** Whether this thread is inside the transport's {@link #onInput} call (the batch of a read ending). */
    boolean readingHere() {
        return reading == Thread.currentThread();
    }

    /**
     * Under the lock, after parsing: a Close (or violation) the driver holds is answered once the
     * events before it have been delivered, so that replies to the peer's last messages go out
     * first; the close timeout bounds the wait. A message being read as a stream that has not ended
     * never will: its read fails now, or its reader, one of those events, would wait for the rest
     * until the close timeout.
     */
    private void releaseHeldCloseInTurn() {
        if (c.driver().hasHeldClose() && !c.heldCloseReleasing) {
            c.heldCloseReleasing = true;
            MessageInput stream = c.streamFed;
            if (stream != null) { // nothing if it has ended: its reader reads it all
                stream.fail(new IOException("the connection is closing before the message ended"));
            }
            c.timers.closeStarted();
            c.events.add(() -> {
                try {
                    synchronized (c.lock) {
                        c.driver().releaseHeldClose();
                    }
                } catch (RuntimeException e) { // an extension failing to close: events must go on
                    LOG.log(System.Logger.Level.WARNING, "answering the peer's close failed", e);
                    c.abort(e);
                    return;
                }
                c.outbound.flush();
            });
        }
    }
}
