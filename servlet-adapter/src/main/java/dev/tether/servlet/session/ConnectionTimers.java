package dev.tether.servlet.session;

import dev.tether.api.CloseCodes;
import dev.tether.api.ConnectionClosedException;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.io.Timers;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * One connection's deadlines, all from {@link WebSocketOptions}:
 * <ul>
 *   <li>handshake: from the upgrade until open, else the connection is dropped;</li>
 *   <li>keepalive: a ping every {@code pingInterval}; a peer that sends nothing at all within
 *       {@code pongTimeout} after the ping was written is dead and dropped (the deadline starts when
 *       the ping leaves, so a peer slow to read a large transfer is not taken for dead);</li>
 *   <li>close: once a close is under way, {@code closeTimeout} for the handshake to finish and the
 *       output to be written, else the connection is dropped (1006);</li>
 *   <li>idle: no bytes in and no message out for {@code idleTimeout} → close 1001.</li>
 * </ul>
 */
final class ConnectionTimers {
    private final ServletWebSocket socket;
    private final WebSocketOptions options;
    private volatile long lastActivity = System.nanoTime();

    private ScheduledFuture<?> handshake;
    private ScheduledFuture<?> keepalive;
    private ScheduledFuture<?> pongDeadline;
    private ScheduledFuture<?> close;
    private ScheduledFuture<?> idle;
    private boolean over;
    private boolean awaitingAnswer;

    ConnectionTimers(ServletWebSocket socket, WebSocketOptions options) {
        this.socket = socket;
        this.options = options;
        Duration limit = options.handshakeTimeout();
        this.handshake = Timers.once(limit, () -> {
            if (!socket.isOpen() && !socket.isClosed()) {
                socket.abort(new ConnectionClosedException("the handshake did not complete within " + limit));
            }
        });
    }

    void activity() {
        lastActivity = System.nanoTime();
    }

    synchronized void opened(boolean canPing) {
        handshake = Timers.cancel(handshake);
        if (over) {
            return;
        }
        if (canPing && !options.pingInterval().isZero()) {
            keepalive = Timers.every(options.pingInterval(), this::keepalive);
        }
        Duration idleTimeout = options.idleTimeout();
        if (!idleTimeout.isZero()) {
            idle = Timers.every(idleTimeout.dividedBy(4).plusMillis(1), () -> {
                if (System.nanoTime() - lastActivity >= idleTimeout.toNanos() && socket.isOpen()) {
                    socket.close(CloseCodes.GOING_AWAY, "idle timeout");
                }
            });
        }
    }

    /** Sends a keepalive ping, unless the last one is still waiting for the peer to say anything. */
    private void keepalive() {
        synchronized (this) {
            if (awaitingAnswer || over) {
                return;
            }
            awaitingAnswer = true;
        }
        long receivedBefore = socket.bytesReceived();
        socket.keepalivePing().whenComplete((written, failed) -> {
            if (failed == null) {
                armPongDeadline(receivedBefore);
            }
        });
    }

    private synchronized void armPongDeadline(long receivedBefore) {
        if (over) {
            return;
        }
        Duration limit = options.pongTimeout();
        pongDeadline = Timers.once(limit, () -> {
            synchronized (this) {
                pongDeadline = null;
                awaitingAnswer = false;
            }
            if (socket.bytesReceived() == receivedBefore && socket.isOpen()) {
                socket.abort(new ConnectionClosedException("no answer to a keepalive ping within " + limit));
            }
        });
    }

    /** A close is under way: it must finish, output included, within the close timeout. */
    synchronized void closeStarted() {
        if (close == null && !over) {
            Duration limit = options.closeTimeout();
            close = Timers.once(limit, () -> socket.abort(
                    new ConnectionClosedException("the close handshake did not complete within " + limit)));
        }
    }

    /** The protocol is closed: only the output may still need writing. */
    synchronized void closed() {
        handshake = Timers.cancel(handshake);
        keepalive = Timers.cancel(keepalive);
        pongDeadline = Timers.cancel(pongDeadline);
        idle = Timers.cancel(idle);
        closeStarted();
    }

    /** The connection is gone: nothing more to time. */
    synchronized void cancelAll() {
        over = true;
        handshake = Timers.cancel(handshake);
        keepalive = Timers.cancel(keepalive);
        pongDeadline = Timers.cancel(pongDeadline);
        idle = Timers.cancel(idle);
        close = Timers.cancel(close);
    }
}
