package dev.tether.servlet.upgrade;

import dev.tether.api.ConnectionClosedException;
import dev.tether.runtime.connection.WebSocketConnection;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

/**
 * The container's handle on an upgraded connection. It starts the WebSocket on a
 * {@link ServletTransport} once it has both the container's connection ({@link #init}) and the
 * WebSocket ({@link #attach}), whichever comes first: containers differ (older Jetty 12.1 builds call
 * {@code init} inside {@code upgrade()}, Tomcat and newer Jetty after the servlet returns).
 */
public final class UpgradeHandler implements HttpUpgradeHandler {
    private WebSocketConnection socket;
    private int readBufferSize;
    private int readsPerYield;
    private boolean writesDirectBuffers;
    private WebConnection connection;
    private ServletTransport transport;

    /** Containers create this class themselves (public, no arguments). */
    public UpgradeHandler() {
    }

    /**
     * Hands over the WebSocket to start once the container has called {@link #init}, with how its
     * transport reads ({@code readsPerYield}: reads after which the reading thread yields; 0 never).
     */
    public void attach(WebSocketConnection webSocket, int readBufferSize, int readsPerYield, boolean writesDirectBuffers) {
        synchronized (this) {
            this.socket = webSocket;
            this.readBufferSize = readBufferSize;
            this.readsPerYield = readsPerYield;
            this.writesDirectBuffers = writesDirectBuffers;
        }
        startWhenReady();
    }

    @Override
    public void init(WebConnection webConnection) {
        synchronized (this) {
            this.connection = webConnection;
        }
        startWhenReady();
    }

    private void startWhenReady() {
        WebSocketConnection s;
        ServletTransport t;
        synchronized (this) {
            if (transport != null || socket == null || connection == null) {
                return;
            }
            transport = new ServletTransport(connection, readBufferSize, readsPerYield, writesDirectBuffers);
            s = socket;
            t = transport;
        }
        s.start(t);
    }

    @Override
    public void destroy() {
        ServletTransport t;
        WebSocketConnection s;
        synchronized (this) {
            t = transport;
            s = socket;
        }
        if (t != null) {
            t.destroyed();
        } else if (s != null) {
            s.startFailed(new ConnectionClosedException("the container closed the connection before it started"));
        }
    }
}
