package dev.tether.runtime.connection;

import dev.tether.api.CloseStatus;
import dev.tether.api.ConnectionClosedException;
import dev.tether.driver.DriverEvents;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;
import dev.tether.message.BufferPool;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The driver's events for one connection, called under its lock: each becomes a listener call queued
 * for delivery after the lock is released, in order.
 *
 * <p>The listener gets whole messages. A driver made to deliver fragments
 * ({@code DriverOptions.deliverFragments}, possible through a {@link DriverFactory}) has its fragments
 * assembled here into whole messages (the driver has already validated them and held them to the
 * size limit), rather than lost.
 */
final class ConnectionEvents implements DriverEvents {
    private final WebSocketConnection c;
    /** The fragments of the message being received, by a driver that delivers fragments; null between messages. */
    private ByteArrayOutputStream assembling;

    ConnectionEvents(WebSocketConnection connection) {
        this.c = connection;
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
            onText(StandardCharsets.UTF_8.decode(payload).toString()); // validated by the driver
        } else {
            c.timers.activity();
            c.events.add(() -> c.deliver(() -> c.listener.onBinary(c, payload)));
        }
    }

    @Override
    public void onPing(ByteBuffer payload) {
        c.events.add(() -> c.deliver(() -> c.listener.onPing(c, payload)));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        CompletableFuture<Void> answered = c.pings.acknowledge(payload);
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
        List<CompletableFuture<Void>> unanswered = c.pings.drain();
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
            c.closed.complete(status);
        });
    }
}
