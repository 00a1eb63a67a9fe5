package dev.tether.servlet.upgrade;

import dev.tether.servlet.session.ServletWebSocket;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

/**
 * The container's handle on an upgraded connection. It starts the WebSocket once it has both the
 * connection ({@link #init}) and the socket ({@link #attach}), whichever comes first: containers
 * differ (older Jetty 12.1 builds call {@code init} inside {@code upgrade()}, Tomcat and newer Jetty
 * after the servlet returns).
 */
public final class UpgradeHandler implements HttpUpgradeHandler {
    private ServletWebSocket socket;
    private WebConnection connection;
    private boolean started;

    /** Containers create this class themselves (public, no arguments). */
    public UpgradeHandler() {
    }

    /** Hands over the socket to start once the container has called {@link #init}. */
    public void attach(ServletWebSocket webSocket) {
        synchronized (this) {
            this.socket = webSocket;
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
        ServletWebSocket s;
        WebConnection c;
        synchronized (this) {
            if (started || socket == null || connection == null) {
                return;
            }
            started = true;
            s = socket;
            c = connection;
        }
        s.start(c);
    }

    @Override
    public void destroy() {
        ServletWebSocket s;
        synchronized (this) {
            s = socket;
        }
        if (s != null) {
            s.destroyed();
        }
    }
}
