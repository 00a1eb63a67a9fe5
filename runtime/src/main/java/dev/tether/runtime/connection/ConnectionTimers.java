package dev.tether.runtime.connection;

import dev.tether.api.CloseCodes;
import dev.tether.api.ConnectionClosedException;
import dev.tether.api.ReadyState;
import dev.tether.runtime.ConnectionOptions;
import dev.tether.runtime.io.Timers;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * One connection's deadlines, all from {@link ConnectionOptions}, timed by its scheduler and run on
 * its executor (a slow task never delays another connection's timers):
 * <ul>
 *   <li>handshake: from the upgrade until open, else the connection is dropped;</li>
 *   <li>keepalive: a ping every {@code pingInterval}; a peer that within {@code pongTimeout} of a
 *       ping neither sends anything nor takes anything we write is dead and dropped (a peer slowly
 *       reading a large transfer is alive);</li>
 *   <li>close: once a close is under way, {@code closeTimeout} for the handshake to finish and the
 *       output to be written, else the connection is dropped (1006);</li>
 *   <li>idle: no text or binary message in or out for {@code idleTimeout} → close 1001 (pings,
 *       pongs, keepalive included, are no activity: they would keep an idle connection open forever).</li>
 * </ul>
 */
final class ConnectionTimers {
    /** An empty ping on the wire, at most: its header, and a client's mask. */
    private static final int KEEPALIVE_PING_BYTES = 6;

    private final WebSocketConnection socket;
    private volatile long lastActivity = System.nanoTime();

    private ScheduledFuture<?> handshake;
    private ScheduledFuture<?> keepalive;
    private ScheduledFuture<?> pongDeadline;
    private ScheduledFuture<?> close;
    private ScheduledFuture<?> idle;
    private boolean over;

    ConnectionTimers(WebSocketConnection socket) {
        this.socket = socket;
    }

    // The scheduler and executor come from the options each time: no Timers object kept per connection.

    private ScheduledFuture<?> once(Duration delay, Runnable task) {
        return Timers.once(socket.options.scheduler(), socket.options.executor(), delay, task);
    }

    private ScheduledFuture<?> every(Duration period, Runnable task) {
        return Timers.every(socket.options.scheduler(), socket.options.executor(), period, task);
    }

    private ScheduledFuture<?> cancel(ScheduledFuture<?> timer) {
        return Timers.cancel(socket.options.scheduler(), timer);
    }

    /** Starts the handshake deadline; called once the socket is fully built, as it may fire at once. */
    synchronized void startHandshake() {
        if (over) {
            return;
        }
        Duration limit = socket.options.handshakeTimeout();
        handshake = once(limit, () -> {
            ReadyState state = socket.readyState();
            if (state == ReadyState.CONNECTING || state == ReadyState.CLOSING) {
                socket.abort(new ConnectionClosedException("the handshake did not complete within " + limit));
            }
        });
    }

    /** A text or binary message arrived or was sent: twice per echoed message, so nothing when idle is off. */
    void activity() {
        if (!socket.options.idleTimeout().isZero()) {
            lastActivity = System.nanoTime();
        }
    }

    synchronized void opened(boolean canPing) {
        handshake = cancel(handshake);
        if (over) {
            return;
        }
        if (canPing && !socket.options.pingInterval().isZero()) {
            keepalive = every(socket.options.pingInterval(), this::keepalive);
        }
        Duration idleTimeout = socket.options.idleTimeout();
        if (!idleTimeout.isZero()) {
            idle = every(idleTimeout.dividedBy(4).plusMillis(1), () -> {
                if (System.nanoTime() - lastActivity >= idleTimeout.toNanos() && socket.readyState() == ReadyState.OPEN) {
                    socket.close(CloseCodes.GOING_AWAY, "idle timeout");
                }
            });
        }
    }

    /**
     * Sends a keepalive ping, unless the last one is still within its deadline. The peer is alive if,
     * by the deadline, it has sent anything, or taken some of a backlog it had to read: a peer slowly
     * reading a large transfer is not taken for dead, one that neither reads nor writes is. (Without a
     * backlog, bytes written prove nothing: the kernel takes a small ping for a dead peer too.) Nor
     * is it while this end holds reading back: what the peer sent may be waiting unread.
     */
    private void keepalive() {
        long receivedBefore = socket.bytesReceived();
        long sentBefore = socket.bytesSent();
        boolean backlog = socket.bufferedAmount() > 0;
        Duration limit = socket.options.pongTimeout();
        synchronized (this) {
            if (pongDeadline != null || over) {
                return;
            }
            pongDeadline = once(limit, () -> {
                synchronized (this) {
                    pongDeadline = null;
                }
                boolean readSome = backlog && socket.bytesSent() > sentBefore + KEEPALIVE_PING_BYTES;
                // Not while this end holds reading back (paused, a stream's reader behind): the pong may be waiting unread.
                boolean silent = socket.bytesReceived() == receivedBefore && !readSome && !socket.readingHeldBack();
                if (silent && socket.readyState() == ReadyState.OPEN) {
                    socket.abort(new ConnectionClosedException("no sign of life within " + limit + " of a keepalive ping"));
                }
            });
        }
        socket.keepalivePing();
    }

    /** A close is under way: it must finish, output included, within the close timeout. */
    synchronized void closeStarted() {
        if (close == null && !over) {
            Duration limit = socket.options.closeTimeout();
            close = once(limit, () -> socket.abort(
                    new ConnectionClosedException("the close handshake did not complete within " + limit)));
        }
    }

    /** The protocol is closed: only the output may still need writing. */
    synchronized void closed() {
        handshake = cancel(handshake);
        keepalive = cancel(keepalive);
        pongDeadline = cancel(pongDeadline);
        idle = cancel(idle);
        closeStarted();
    }

    /** The connection is gone: nothing more to time. */
    synchronized void cancelAll() {
        over = true;
        handshake = cancel(handshake);
        keepalive = cancel(keepalive);
        pongDeadline = cancel(pongDeadline);
        idle = cancel(idle);
        close = cancel(close);
    }
}
