package dev.tether.servlet.upgrade;

import dev.tether.api.ConnectionClosedException;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

/**
 * The container's handle on a connection upgraded the portable way. It starts a
 * {@link ServletTransport} once it has both the container's connection ({@link #init}) and what to
 * start ({@link #attach}), whichever comes first: containers differ (older Jetty 12.1 builds call
 * {@code init} inside {@code upgrade()}, Tomcat and newer Jetty after the servlet returns).
 */
public final class UpgradeHandler implements HttpUpgradeHandler, ContainerUpgrade.Attachable {
    private ContainerUpgrade.TransportSettings settings;
    private ContainerUpgrade.Upgraded upgraded;
    private WebConnection connection;
    private ServletTransport transport;

    /** Containers create this class themselves (public, no arguments). */
    public UpgradeHandler() {
    }

    /** Hands over what to start, with how its transport reads, once the container has called {@link #init}. */
    @Override
    public void attach(ContainerUpgrade.TransportSettings transportSettings, ContainerUpgrade.Upgraded toStart) {
        synchronized (this) {
            this.settings = transportSettings;
            this.upgraded = toStart;
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
        ContainerUpgrade.Upgraded u;
        ServletTransport t;
        synchronized (this) {
            if (transport != null || upgraded == null || connection == null) {
                return;
            }
            transport = new ServletTransport(connection, settings.readBufferSize(), settings.readTurnBytes());
            u = upgraded;
            t = transport;
            settings = null; // kept by every idle connection otherwise
            upgraded = null;
        }
        u.start(t);
    }

    @Override
    public void destroy() {
        ServletTransport t;
        ContainerUpgrade.Upgraded u;
        synchronized (this) {
            t = transport;
            u = upgraded;
        }
        if (t != null) {
            t.destroyed();
        } else if (u != null) {
            u.startFailed(new ConnectionClosedException("the container closed the connection before it started"));
        }
    }
}
