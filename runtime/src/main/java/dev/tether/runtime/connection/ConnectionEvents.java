package dev.tether.runtime.connection;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocketListener;
import dev.tether.api.ConnectionClosedException;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.PingTracker;
import dev.tether.message.MessageType;
import dev.tether.runtime.io.SerialEvents;
import dev.tether.protocol.ProtocolException;
import dev.tether.message.BufferPool;
import dev.tether.message.MemoryBudget;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The driver's events for one connection, called under its lock: each becomes a listener call queued
 * for delivery after the lock is released, in order.
 *
 * <p>Messages reach the listener as its {@link WebSocketListener#receiveMode} asks, per type: whole;
 * in parts, one listener call per fragment the driver reports; or as a stream, which a
 * {@link StreamedMessage} feeds. A driver made to deliver every message in fragments
 * ({@code DriverOptions.deliverFragments}, possible through a {@link DriverFactory}) has the
 * fragments of a type the listener takes whole assembled here (the driver has already validated them
 * and held them to the size limit), rather than lost.
 */
final class ConnectionEvents implements DriverEvents, SerialEvents.FailureListener {
    private final WebSocketConnection c;
    private final ReceiveMode textMode;
    private final ReceiveMode binaryMode;
    /** The fragments of the message being assembled here; null between messages. */
    private ByteArrayOutputStream assembling;
    /** The message being received as a stream; null between messages. */
    private StreamedMessage streaming;

    ConnectionEvents(WebSocketConnection connection) {
        this.c = connection;
        this.textMode = Objects.requireNonNull(c.listener.receiveMode(MessageType.TEXT), "receiveMode(TEXT)");
        this.binaryMode = Objects.requireNonNull(c.listener.receiveMode(MessageType.BINARY), "receiveMode(BINARY)");
    }

    /**
     * An event threw past its delivery: the connection ends (see {@code WebSocketConnection.eventFailed}).
     * The connection's serial events are told here, not through a method reference of their own:
     * one object fewer per connection.
     */
    @Override
    public void eventFailed(Throwable error) {
        c.eventFailed(error);
    }

    @Override
    public boolean wantsFragments(MessageType type) {
        return mode(type) != ReceiveMode.WHOLE;
    }

    private ReceiveMode mode(MessageType type) {
        return type == MessageType.TEXT ? textMode : binaryMode;
    }

    @Override
    public boolean deliversLater() {
        return true;
    }

    @Override
    public void onOpen() {
        c.opened = true;
        c.pending.opened();
        c.timers.opened(c.version().startsWith("hybi"));
        c.events.add(() -> c.deliver(() -> c.listener.onOpen(c)));
    }

    @Override
    public void onText(String text) {
        c.timers.activity();
        c.events.add(() -> c.deliver(() -> c.listener.onText(c, text)));
    }

    @Override
    public void onBinary(ByteBuffer data) {
        c.timers.activity();
        BufferPool lender = c.lender;
        if (lender == null || data.capacity() < BufferPool.SMALLEST) { // small ones are never lent
            c.events.add(() -> c.deliver(() -> c.listener.onBinary(c, data)));
        } else {
            c.events.add(() -> LentBuffer.lend(data, lender, () -> c.deliver(() -> c.listener.onBinary(c, data))));
        }
    }

    @Override
    public void onFragment(MessageType type, ByteBuffer payload, boolean last) {
        switch (mode(type)) {
            case PARTS -> part(type, payload, last);
            case STREAM -> stream(type, payload, last);
            case WHOLE -> assemble(type, payload, last);
        }
    }

    /**
     * A part, queued for the listener. Until it is delivered its bytes count against the message
     * memory: one read of a compressed message can inflate to far more parts than the listener has
     * taken yet.
     */
    private void part(MessageType type, ByteBuffer payload, boolean last) {
        c.timers.activity();
        int size = payload.remaining();
        MemoryBudget budget = c.options.messageMemory();
        if (!budget.tryReserve(size)) {
            refuse("no memory left for the parts of this message");
            return;
        }
        if (type == MessageType.TEXT) {
            String text = text(payload); // whole characters, validated by the driver
            c.events.add(() -> {
                budget.release(size);
                c.deliver(() -> c.listener.onTextPart(c, text, last));
            });
        } else {
            c.events.add(() -> {
                budget.release(size);
                c.deliver(() -> c.listener.onBinaryPart(c, payload, last));
            });
        }
    }

    /** The message being received cannot be held: the connection closes with 1013 (try again later). */
    private void refuse(String reason) {
        c.driver().close(CloseCodes.TRY_AGAIN_LATER, reason); // what follows of the message is not reported
        c.timers.closeStarted();
    }

    private void stream(MessageType type, ByteBuffer payload, boolean last) {
        c.timers.activity();
        if (streaming == null) {
            streaming = new StreamedMessage(c, type);
            c.events.add(streaming::start);
        }
        if (!streaming.input.offer(payload, last)) {
            streaming.input.fail(new IOException("no memory left for this message (1013)"));
            refuse("no memory left for this message");
            last = true;
        }
        if (last) {
            streaming = null;
            c.streamFed = null;
        }
    }

    private void assemble(MessageType type, ByteBuffer payload, boolean last) {
        if (last && assembling == null) { // a message in one fragment: its buffer is ours to keep
            deliverWhole(type, payload);
            return;
        }
        if (assembling == null) {
            assembling = new ByteArrayOutputStream(Math.max(32, 2 * payload.remaining()));
        }
        if (payload.hasArray()) {
            assembling.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
        } else {
            byte[] bytes = new byte[payload.remaining()];
            payload.duplicate().get(bytes);
            assembling.writeBytes(bytes);
        }
        if (last) {
            ByteBuffer whole = ByteBuffer.wrap(assembling.toByteArray());
            assembling = null;
            deliverWhole(type, whole);
        }
    }

    /** An assembled message: never a loan from the lender, so delivered as it is. */
    private void deliverWhole(MessageType type, ByteBuffer payload) {
        if (type == MessageType.TEXT) {
            onText(text(payload)); // validated by the driver
        } else {
            c.timers.activity();
            c.events.add(() -> c.deliver(() -> c.listener.onBinary(c, payload)));
        }
    }

    @Override
    public void onPing(ByteBuffer payload) {
        if (!behindAStream()) {
            c.events.add(() -> c.deliver(() -> c.listener.onPing(c, payload)));
        }
    }

    /** Whether the events wait for a streamed message's reader and hold the most pings and pongs they may: the next is not reported. */
    private boolean behindAStream() {
        if (c.streamBeingRead == null || c.controlEventsBehindStream >= StreamedMessage.MOST_EVENTS_BEHIND) {
            return c.streamBeingRead != null;
        }
        c.controlEventsBehindStream++; // under the lock
        return false;
    }

    @Override
    public void onPong(ByteBuffer payload) {
        PingTracker pings = c.pingsIfAny();
        CompletableFuture<Void> answered = pings == null ? null : pings.acknowledge(payload);
        if (behindAStream()) {
            if (answered != null) {
                try {
                    c.options.executor().execute(() -> answered.complete(null)); // never under the lock
                } catch (RejectedExecutionException refused) {
                    c.events.add(() -> answered.complete(null)); // not inline: its dependents would run under the lock
                }
            }
            return;
        }
        c.events.add(() -> {
            if (answered != null) {
                answered.complete(null);
            }
            c.deliver(() -> c.listener.onPong(c, payload));
        });
    }

    @Override
    public void onError(ProtocolException error) {
        c.events.add(() -> c.deliver(() -> c.listener.onError(c, error)));
    }

    @Override
    public void onClose(CloseStatus status) {
        if (streaming != null) { // its reader learns at once, not when its turn to hear of the close comes
            streaming.input.fail(new IOException("the connection closed (" + status.code() + ") before the message ended"));
            streaming = null;
            c.streamFed = null;
        }
        PingTracker pings = c.pingsIfAny();
        List<CompletableFuture<Void>> unanswered = pings == null ? List.of() : pings.drain();
        List<CompletableFuture<Void>> neverSent = c.pending.neverSent();
        c.closeWhenFlushed = true;
        c.timers.closed();
        boolean wasOpen = c.opened; // a connection that never opened reports nothing to its listener
        ConnectionClosedException cause = new ConnectionClosedException("the connection closed (" + status.code() + ")");
        c.events.add(() -> {
            unanswered.forEach(f -> f.completeExceptionally(cause));
            neverSent.forEach(f -> f.completeExceptionally(cause));
            if (wasOpen) {
                c.deliver(() -> c.listener.onClose(c, status));
            }
            c.closedWith(status);
        });
    }

    /** Validated UTF-8 as a string: decoded from the array where it lies (the driver's buffers are heap), one copy. */
    private static String text(ByteBuffer utf8) {
        if (utf8.hasArray()) {
            return new String(utf8.array(), utf8.arrayOffset() + utf8.position(), utf8.remaining(), StandardCharsets.UTF_8);
        }
        return StandardCharsets.UTF_8.decode(utf8.duplicate()).toString();
    }
}
