package dev.tether.servlet.upgrade;

import dev.tether.runtime.Transport;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Components;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Jetty 12.1 (ee10) only: upgrades the HTTP/1.1 connection under a servlet request the way Jetty's
 * own WebSocket support does, instead of through the broken {@code HttpServletRequest.upgrade} (see
 * {@link ContainerUpgrade}). It names a {@link JettyEndPointTransport} in the core request attribute
 * {@link HttpStream#UPGRADE_CONNECTION_ATTRIBUTE}; once the servlet has returned and the 101 is
 * written, Jetty calls {@link EndPoint#upgrade}, which hands the new connection the bytes read past
 * the request head and opens it, and the transport is started.
 *
 * <p>This class and {@link JettyEndPointTransport} are the only ones that refer to Jetty. They refer
 * to nothing else of ours but the runtime's {@link Transport}, so that {@link ContainerUpgrade} can
 * define them in a {@link TakeoverClassLoader} under Jetty's class loader when a web application's
 * loader hides Jetty. {@link #takeOver}, the entry point, takes servlet API and JDK types only.
 */
final class JettyTakeover {

    private JettyTakeover() {
    }

    /**
     * Arranges for the connection to become a {@link Transport} once the servlet returns: sets status
     * 101 and registers the new connection with Jetty. The caller has set the handshake headers.
     *
     * @param started     given the transport once Jetty has switched protocols, on Jetty's pool
     * @param startFailed told instead when the response fails or is not a 101, so that Jetty will not switch
     * @throws ServletException if {@code request} is not a Jetty ee10 request over HTTP/1.1
     */
    static void takeOver(HttpServletRequest request, HttpServletResponse response, int readBufferSize,
            int readsPerYield, Consumer<Transport> started, Consumer<Throwable> startFailed) throws ServletException {
        ServletContextRequest core;
        try {
            core = ServletContextRequest.getServletContextRequest(request);
        } catch (IllegalStateException notJetty) {
            throw new ServletException("not a Jetty ee10 servlet request: " + request.getClass().getName(), notJetty);
        }
        if (!"HTTP/1.1".equals(request.getProtocol())) {
            throw new ServletException("connection upgrade needs HTTP/1.1; this request is " + request.getProtocol());
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("the response is committed: the 101 can no longer be sent");
        }
        EndPoint endPoint = core.getConnectionMetaData().getConnection().getEndPoint();
        Components components = core.getComponents();
        JettyEndPointTransport transport = new JettyEndPointTransport(endPoint, components.getExecutor(),
                components.getByteBufferPool(), readBufferSize, readsPerYield, started, startFailed);
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        core.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, transport);
        Response coreResponse = core.getServletContextResponse();
        // Called once the response is complete, before Jetty switches protocols: without a 101 it never will.
        Request.addCompletionListener(core, failure -> {
            int status = coreResponse.getStatus();
            if (failure != null) {
                transport.notUpgraded(failure);
            } else if (status != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
                transport.notUpgraded(new IllegalStateException("the response was " + status + ", not 101"));
            }
        });
    }
}
