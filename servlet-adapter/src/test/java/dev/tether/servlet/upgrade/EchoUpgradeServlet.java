package dev.tether.servlet.upgrade;

import dev.tether.driver.handshake.AcceptKey;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Accepts any RFC 6455 handshake and upgrades to an {@link EchoHandler} through {@link ContainerUpgrade}. */
final class EchoUpgradeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient UpgradeEvents events;

    EchoUpgradeServlet(UpgradeEvents events) {
        this.events = events;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        resp.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        resp.setHeader("Upgrade", "websocket");
        resp.setHeader("Connection", "Upgrade");
        resp.setHeader("Sec-WebSocket-Accept", AcceptKey.accept(req.getHeader("Sec-WebSocket-Key")));
        EchoHandler handler;
        try {
            handler = ContainerUpgrade.upgrade(req, resp, EchoHandler.class);
        } catch (ServletException refused) {
            resp.sendError(505, refused.getMessage()); // expected for HTTP/1.0: answered, not logged
            return;
        }
        handler.events = events;
        events.record("servlet returns");
    }
}
