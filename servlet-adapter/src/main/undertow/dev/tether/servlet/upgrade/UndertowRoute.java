package dev.tether.servlet.upgrade;

import dev.tether.api.ConnectionClosedException;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.handlers.ServletRequestContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;

/**
 * Undertow's own route ({@link ContainerUpgrade}): the exchange is upgraded the way Undertow's own
 * WebSocket stack upgrades it ({@code HttpServerExchange.upgradeChannel}), and the transport is the
 * raw XNIO connection ({@link UndertowTransport}). Compiled apart from the module, against
 * Undertow's classes, and loaded only where they are.
 *
 * <p><b>Why not the servlet streams:</b> Undertow's upgraded {@code ServletOutputStream} in
 * non-blocking mode (seen in 2.3.24 and 2.3.26) writes the whole array given to
 * {@code write(b, off, len)}, not the {@code len} bytes at {@code off}; and when the socket fails
 * while it holds unsent bytes, its write listener calls {@code onError} again and again on the I/O
 * thread, which then spins for good.
 */
public final class UndertowRoute implements ContainerUpgrade.Route {

    /** {@link ContainerUpgrade} creates it by name. */
    public UndertowRoute() {
    }

    @Override
    public void upgrade(HttpServletRequest request, HttpServletResponse response,
            ContainerUpgrade.TransportSettings settings, ContainerUpgrade.Upgraded upgraded) throws ServletException {
        HttpServerExchange exchange = ServletRequestContext.requireCurrent().getExchange();
        ClassLoader applicationLoader = Thread.currentThread().getContextClassLoader();
        AtomicBoolean decided = new AtomicBoolean(); // start or startFailed, exactly once
        Runnable notUpgraded = () -> {
            if (decided.compareAndSet(false, true)) {
                ContextLoader.run(applicationLoader, () -> upgraded.startFailed(
                        new ConnectionClosedException("the container closed the connection before it started")));
            }
        };
        // Closed before the upgrade (the peer left, the server stops): the upgrade never comes. Registered
        // first, so that a close at any point is heard; after the upgrade, `decided` makes it a no-op.
        exchange.getConnection().addCloseListener(closed -> notUpgraded.run());
        try {
            // Once the 101 has gone out, on whichever thread ended the exchange; the servlet's headers go with it.
            exchange.upgradeChannel((connection, upgradedExchange) -> {
                XnioIoThread io = connection.getIoThread();
                Runnable begin = () -> begin(connection, settings, applicationLoader, upgraded, decided);
                if (Thread.currentThread() == io) {
                    begin.run();
                } else {
                    io.execute(begin); // the transport sets up the channels' listeners and state on their I/O thread
                }
            });
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ServletException("Undertow cannot upgrade this connection", e);
        }
    }

    /** On the connection's I/O thread: the transport takes the connection, and a worker starts it. */
    private static void begin(StreamConnection connection, ContainerUpgrade.TransportSettings settings,
            ClassLoader applicationLoader, ContainerUpgrade.Upgraded upgraded, AtomicBoolean decided) {
        if (!decided.compareAndSet(false, true)) {
            IoUtils.safeClose(connection); // reported as not upgraded already
            return;
        }
        UndertowTransport transport = new UndertowTransport(connection, settings, applicationLoader);
        try {
            connection.getWorker().execute(() -> transport.inApplication(() -> upgraded.start(transport)));
        } catch (RejectedExecutionException stopping) {
            IoUtils.safeClose(connection);
            ContextLoader.run(applicationLoader, () -> upgraded.startFailed(
                    new ConnectionClosedException("the container is stopping")));
        }
    }

    @Override
    public boolean writesDirectBuffers() {
        return true; // XNIO writes a direct buffer to the socket as it is
    }
}
