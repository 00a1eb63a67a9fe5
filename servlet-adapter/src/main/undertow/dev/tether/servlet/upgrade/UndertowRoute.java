package dev.tether.servlet.upgrade;

import dev.tether.api.ConnectionClosedException;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.handlers.ServletRequestContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.concurrent.atomic.AtomicBoolean;

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
        AtomicBoolean decided = new AtomicBoolean();
        try {
            // Once the 101 has gone out, on the connection's I/O thread; the servlet's headers go with it.
            exchange.upgradeChannel((connection, upgradedExchange) -> {
                if (!decided.compareAndSet(false, true)) {
                    return;
                }
                UndertowTransport transport = new UndertowTransport(connection, settings, applicationLoader);
                connection.getWorker().execute(() -> transport.inApplication(() -> upgraded.start(transport)));
            });
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ServletException("Undertow cannot upgrade this connection", e);
        }
        // Closed before the upgrade (the peer left, the server stops): the upgrade never comes. After the
        // upgrade the connection's close listener is the transport's, and this one is not called.
        exchange.getConnection().addCloseListener(closed -> {
            if (decided.compareAndSet(false, true)) {
                upgraded.startFailed(new ConnectionClosedException("the container closed the connection before it started"));
            }
        });
    }

    @Override
    public boolean writesDirectBuffers() {
        return true; // XNIO writes a direct buffer to the socket as it is
    }
}
