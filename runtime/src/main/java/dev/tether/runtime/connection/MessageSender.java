package dev.tether.runtime.connection;

import dev.tether.api.CloseCodes;
import dev.tether.api.ConnectionClosedException;
import dev.tether.api.OutboundOverflowException;
import dev.tether.api.ReadyState;
import dev.tether.api.WebSocket;
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
 * the overflow policy), held until the open or behind a fragmented message, or written now.
 *
 * <p>A send completes when the last frame carrying its bytes has been written. Usually the driver
 * makes one frame of it, which carries its completion. An extension that works on fragments may make
 * several (the last one carries it), or none yet, holding the bytes back for a later part: the
 * completion is then owed ({@link PendingSends#owe}) to the last data frame of the next send that
 * writes any, or failed if the connection closes first. Control frames never carry a send's
 * completion.
 */
final class MessageSender implements WireOutput {
    /** Pings sent with {@code ping} that may wait for their pongs at once. */
    static final int PINGS_AWAITING_PONGS = 64;

    private final WebSocketConnection c;
    // Guarded by the connection's lock: the send whose driver call is under way.
    /** Whether a send's driver call is under way: its data frames are {@link #lastFrame}'s. */
    private boolean sending;
    /** That send's completion, for its last data frame; null once a frame has taken it. */
    private CompletableFuture<Void> completionOfSend;
    /**
     * That call's latest data frame, not queued yet: queued without a completion when another follows,
     * with the send's when the call ends. No frame is written before the lock is released, so holding
     * it back meanwhile delays nothing.
     */
    private ByteBuffer[] lastFrame;
    /** The completion of an unsolicited pong whose driver call is under way, for its frame. */
    private CompletableFuture<Void> completionOfPong;

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

    /**
     * Under the lock: hands one message or part to the driver; its last data frame carries {@code done}
     * (or, with none, a later one does). False if it failed.
     */
    private boolean writeMessage(CompletableFuture<Void> done, Predicate<Driver> send) {
        sending = true;
        completionOfSend = done;
        RuntimeException failure = null;
        try {
            if (!send.test(c.driver())) {
                failure = c.driver().readyState() != ReadyState.OPEN
                        ? new ConnectionClosedException("the connection is " + c.driver().readyState().name().toLowerCase())
                        : new UnsupportedOperationException(c.version() + " cannot carry this message");
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            sendEnded(failure);
        }
        return failure == null;
    }

    /**
     * Under the lock, when a send's driver call returns: its last data frame is queued with its
     * completion; without any frame its completion is owed. A send that failed (an extension may throw
     * halfway through its frames) fails, but not before the frames made of it are written.
     */
    private void sendEnded(Throwable failure) {
        CompletableFuture<Void> done = completionOfSend;
        ByteBuffer[] last = lastFrame;
        sending = false;
        completionOfSend = null;
        lastFrame = null;
        if (failure != null && done != null) {
            if (last == null) {
                failAfterUnlock(done, failure);
            } else {
                CompletableFuture<Void> frameDone = new CompletableFuture<>();
                frameDone.whenComplete((ignored, error) -> settle(done, failure));
                queueData(last, frameDone);
            }
        } else if (last != null) {
            queueData(last, done);
        } else if (done != null) {
            c.pending.owe(done); // the extension holds its bytes back
        }
    }

    /** Under the lock: queues a data frame carrying {@code done} (may be null) and what is owed, if anything. */
    private void queueData(ByteBuffer[] frame, CompletableFuture<Void> done) {
        List<CompletableFuture<Void>> owed = c.pending.takeOwed();
        c.outbound.add(WireOutput.Kind.DATA, frame, owed == null ? done : completingAll(owed, done));
    }

    /** A completion for one frame that settles {@code owed}, then {@code done} (if any), in order. */
    private CompletableFuture<Void> completingAll(List<CompletableFuture<Void>> owed, CompletableFuture<Void> done) {
        if (done != null) {
            owed.add(done);
        }
        CompletableFuture<Void> frameWritten = new CompletableFuture<>();
        frameWritten.whenComplete((ignored, error) -> SendStage.settle(c.options.executor(), owed, error));
        return frameWritten;
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

    /**
     * The driver's {@link WireOutput}, called under the lock. During a send, each data frame is held
     * back until the next one, or the end of the call, tells whether it is the send's last.
     */
    @Override
    public void write(WireOutput.Kind kind, ByteBuffer... buffers) {
        if (kind == WireOutput.Kind.DATA) {
            if (!sending) {
                queueData(buffers, null); // a handshake body: it carries what is owed, if anything
                return;
            }
            if (lastFrame != null) {
                c.outbound.add(WireOutput.Kind.DATA, lastFrame, null); // not the send's last
            }
            lastFrame = buffers;
            return;
        }
        if (kind == WireOutput.Kind.CLOSE && lastFrame != null) {
            // Nothing follows a close: the send's frame goes before it, and is its last.
            queueData(lastFrame, completionOfSend);
            lastFrame = null;
            completionOfSend = null;
        }
        CompletableFuture<Void> pongWritten = kind == WireOutput.Kind.CONTROL ? completionOfPong : null;
        completionOfPong = null;
        c.outbound.add(kind, buffers, pongWritten); // no send's completion, only an unsolicited pong's
    }

    /** Sends a ping; the stage completes when its pong arrives. */
    CompletionStage<Void> ping(ByteBuffer payload) {
        checkControlPayload(payload); // an argument error whatever the state, as the driver's own
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        CompletableFuture<Void> pong;
        synchronized (c.lock) {
            ReadyState state = c.driver().readyState();
            if (state != ReadyState.OPEN || c.transportClosed) {
                return SendStage.failed(c.options.executor(), new ConnectionClosedException("the connection is " + state.name().toLowerCase()));
            }
            if (c.pings().size() >= PINGS_AWAITING_PONGS) { // refused before anything is sent
                return SendStage.failed(c.options.executor(), new IllegalStateException(PINGS_AWAITING_PONGS + " pings are already waiting for their pongs"));
            }
            if (!c.driver().ping(copy.duplicate())) {
                return SendStage.failed(c.options.executor(), new UnsupportedOperationException(c.version() + " has no ping"));
            }
            pong = c.pings().expect(copy);
        }
        c.afterUnlock();
        return pong;
    }

    private static void checkControlPayload(ByteBuffer payload) {
        if (payload.remaining() > WebSocket.MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("control frame payload of " + payload.remaining()
                    + " bytes: at most " + WebSocket.MAX_CONTROL_PAYLOAD);
        }
    }

    /** Sends an unsolicited pong; the stage completes when its frame has been written. */
    CompletionStage<Void> pong(ByteBuffer payload) {
        checkControlPayload(payload);
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        CompletableFuture<Void> done = new SendStage<>(c.options.executor());
        synchronized (c.lock) {
            ReadyState state = c.driver().readyState();
            if (state != ReadyState.OPEN || c.transportClosed) {
                return SendStage.failed(c.options.executor(), new ConnectionClosedException("the connection is " + state.name().toLowerCase()));
            }
            completionOfPong = done;
            try {
                if (!c.driver().pong(copy)) {
                    return SendStage.failed(c.options.executor(), new UnsupportedOperationException(c.version() + " has no pong"));
                }
            } finally {
                completionOfPong = null;
            }
        }
        c.afterUnlock();
        return done;
    }
}
