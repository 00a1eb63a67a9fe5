package dev.tether.runtime.connection;

import dev.tether.api.CloseCodes;
import dev.tether.api.ConnectionClosedException;
import dev.tether.api.OutboundOverflowException;
import dev.tether.api.ReadyState;
import dev.tether.driver.Driver;
import dev.tether.driver.WireOutput;
import dev.tether.runtime.connection.PendingSends.Part;
import dev.tether.runtime.io.SendStage;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * How a connection's messages and pings reach its driver: refused when closed or past the outbound limit (with
 * the overflow policy), held until the open or behind a fragmented message, or written now, each
 * frame carrying the completion of its send.
 */
final class MessageSender {
    /** Pings sent with {@code ping} that may wait for their pongs at once. */
    static final int PINGS_AWAITING_PONGS = 64;

    private final WebSocketConnection c;
    /** The completion the driver's next frame carries; guarded by the connection's lock. */
    private CompletableFuture<Void> completionOfNextFrame;

    MessageSender(WebSocketConnection connection) {
        this.c = connection;
    }

    /** Sends a message or a part, {@code size} bytes, now or once it may go. */
    CompletionStage<Void> send(long size, Part part, Predicate<Driver> send) {
        CompletableFuture<Void> done = new SendStage<>(c.options.executor());
        boolean accepted = false;
        synchronized (c.lock) {
            ReadyState state = c.driver().readyState();
            if (c.transportClosed || state == ReadyState.CLOSING || state == ReadyState.CLOSED) {
                settle(done, new ConnectionClosedException("the connection is " + state.name().toLowerCase()));
            } else if (overflows(size)) {
                settle(done, new OutboundOverflowException(
                        "sending " + size + " bytes would pass the outbound limit of " + c.options.outboundLimit()
                                + " bytes (" + c.bufferedAmount() + " queued): the peer is not reading fast enough"));
                closeOnOverflow();
            } else if (c.pending.beforeOpen()) {
                c.pending.addBeforeOpen(done, size, () -> dispatch(done, size, part, send));
                accepted = true;
            } else {
                accepted = dispatch(done, size, part, send);
            }
            if (c.bufferedAmount() > c.options.highWaterMark()) {
                c.drainWanted = true;
            }
        }
        if (accepted) {
            c.timers.activity(); // a message, not a refused one
        }
        c.afterUnlock();
        return done;
    }

    /**
     * Under the lock, the connection open: writes a message or a part now, or, for a whole message
     * while a fragmented one is open, after that one's last part (frames of two messages never mix).
     * False when the send was refused.
     */
    private boolean dispatch(CompletableFuture<Void> done, long size, Part part, Predicate<Driver> send) {
        if (c.pending.waitsForFragments(part, done, size, () -> writeMessage(done, send))) {
            return true;
        }
        if (!writeMessage(done, send)) {
            return false;
        }
        c.pending.partWritten(part);
        return true;
    }

    private boolean overflows(long size) {
        long queued = c.bufferedAmount();
        return queued > 0 && queued + size > c.options.outboundLimit();
    }

    private void closeOnOverflow() {
        int code = switch (c.options.overflowPolicy()) {
            case FAIL_SEND -> 0;
            case CLOSE_POLICY_VIOLATION -> CloseCodes.POLICY_VIOLATION;
            case CLOSE_TRY_AGAIN_LATER -> CloseCodes.TRY_AGAIN_LATER;
        };
        if (code != 0 && c.driver().close(code, "outbound buffer limit exceeded")) {
            c.timers.closeStarted();
        }
    }

    /** Under the lock: hands one message to the driver; its frame carries {@code done}. False if it failed. */
    private boolean writeMessage(CompletableFuture<Void> done, Predicate<Driver> send) {
        completionOfNextFrame = done;
        try {
            if (send.test(c.driver())) {
                return true;
            }
            failAfterUnlock(done, c.driver().readyState() != ReadyState.OPEN
                    ? new ConnectionClosedException("the connection is " + c.driver().readyState().name().toLowerCase())
                    : new UnsupportedOperationException(c.version() + " cannot carry this message"));
        } catch (RuntimeException e) {
            failAfterUnlock(done, e);
        } finally {
            completionOfNextFrame = null;
        }
        return false;
    }

    /**
     * Under the lock: fails a send's stage once the lock is released, in turn with the events. A send
     * replayed at open or behind fragments may have dependents, which must not run under the lock.
     */
    private void failAfterUnlock(CompletableFuture<Void> done, Throwable error) {
        c.events.add(() -> settle(done, error));
    }

    /** Fails a send's stage, by the rule that keeps chains of sends flat ({@link SendStage}). */
    private void settle(CompletableFuture<Void> stage, Throwable error) {
        SendStage.settle(c.options.executor(), List.of(stage), error);
    }

    /** The driver's {@link WireOutput}, called under the lock. */
    void write(WireOutput.Kind kind, ByteBuffer... buffers) {
        CompletableFuture<Void> done = completionOfNextFrame;
        completionOfNextFrame = null;
        c.outbound.add(kind, buffers, done);
    }

    /** Sends a ping; the stage completes when its pong arrives. */
    CompletionStage<Void> ping(ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        CompletableFuture<Void> pong;
        synchronized (c.lock) {
            ReadyState state = c.driver().readyState();
            if (state != ReadyState.OPEN || c.transportClosed) {
                return SendStage.failed(c.options.executor(), new ConnectionClosedException("the connection is " + state.name().toLowerCase()));
            }
            if (c.pings.size() >= PINGS_AWAITING_PONGS) { // refused before anything is sent
                return SendStage.failed(c.options.executor(), new IllegalStateException(PINGS_AWAITING_PONGS + " pings are already waiting for their pongs"));
            }
            if (!c.driver().ping(copy.duplicate())) {
                return SendStage.failed(c.options.executor(), new UnsupportedOperationException(c.version() + " has no ping"));
            }
            pong = c.pings.expect(copy);
        }
        c.afterUnlock();
        return pong;
    }
}
