package dev.tether.servlet.upgrade;

import dev.tether.driver.handshake.AcceptKey;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Accepts any RFC 6455 handshake and upgrades through {@link ContainerUpgrade} (or the given
 * route) to what {@code upgraded} supplies; an {@link EchoInbound} by default.
 */
final class EchoUpgradeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final ContainerUpgrade.TransportSettings SETTINGS = new ContainerUpgrade.TransportSettings(64 * 1024, 64 * 1024);
    private final transient UpgradeEvents events;
    private final transient Supplier<ContainerUpgrade.Upgraded> upgraded;
    private final transient ContainerUpgrade.Route route;
    private final transient ContainerUpgrade.TransportSettings settings;

    /**
     * Opens a connection to this servlet at {@code /echo} on {@code server}, with {@code sentWithHead}
     * right behind the request head; the handshake must be accepted.
     */
    static RawWebSocketClient connect(RunningServer server, byte[] sentWithHead) throws IOException {
        RawWebSocketClient client = RawWebSocketClient.connect(server.wsUri("/echo"), Map.of(), sentWithHead);
        assertTrue(client.accepted(), () -> server.name() + " answered " + client.response());
        return client;
    }

    static RawWebSocketClient connect(RunningServer server) throws IOException {
        return connect(server, new byte[0]);
    }

    EchoUpgradeServlet(UpgradeEvents events) {
        this(events, () -> new EchoInbound(events), null);
    }

    /** @param route the way to upgrade, or null for {@link ContainerUpgrade#upgrade}'s own choice */
    EchoUpgradeServlet(UpgradeEvents events, Supplier<ContainerUpgrade.Upgraded> upgraded, ContainerUpgrade.Route route) {
        this(events, upgraded, route, SETTINGS);
    }

    EchoUpgradeServlet(UpgradeEvents events, Supplier<ContainerUpgrade.Upgraded> upgraded, ContainerUpgrade.Route route,
            ContainerUpgrade.TransportSettings settings) {
        this.events = events;
        this.upgraded = upgraded;
        this.route = route;
        this.settings = settings;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        resp.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        resp.setHeader("Upgrade", "websocket");
        resp.setHeader("Connection", "Upgrade");
        resp.setHeader("Sec-WebSocket-Accept", AcceptKey.accept(req.getHeader("Sec-WebSocket-Key")));
        try {
            if (route == null) {
                ContainerUpgrade.upgrade(req, resp, settings, upgraded.get());
            } else {
                route.upgrade(req, resp, settings, upgraded.get());
            }
        } catch (ServletException refused) {
            resp.sendError(505, refused.getMessage()); // expected for HTTP/1.0: answered, not logged
            return;
        }
        events.record("servlet returns");
        if ("fail".equals(req.getParameter("after"))) {
            throw new ServletException("the servlet fails after upgrading (on purpose)");
        }
    }
}
