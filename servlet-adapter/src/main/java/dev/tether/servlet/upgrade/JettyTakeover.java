package dev.tether.servlet.upgrade;

import dev.tether.runtime.Transport;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Components;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Jetty 12.1 only (its ee10 and ee11 environments): upgrades the HTTP/1.1 connection under a
 * servlet request the way Jetty's own WebSocket support does, instead of through the broken
 * {@code HttpServletRequest.upgrade} (see {@link ContainerUpgrade}). It names a {@link JettyEndPointTransport} in the core request attribute
 * {@link HttpStream#UPGRADE_CONNECTION_ATTRIBUTE}; once the servlet has returned and the 101 is
 * written, Jetty calls {@link EndPoint#upgrade}, which hands the new connection the bytes read past
 * the request head and opens it, and the transport is started.
 *
 * <p>This class and {@link JettyEndPointTransport} are the only ones that refer to Jetty. They refer
 * to nothing else of ours but the runtime's {@link Transport}, so that {@link ContainerUpgrade} can
 * define them in a {@link TakeoverClassLoader} under Jetty's class loader when a web application's
 * loader hides Jetty. {@link #takeOver}, the entry point, takes servlet API and JDK types only. They
 * name Jetty's core types only: the environment's own ({@code ServletContextRequest} of ee10 or
 * ee11, which give the core request and response) are found by reflection, once per environment.
 */
final class JettyTakeover {
    /** The environment's request class (ee10's or ee11's {@code ServletApiRequest}) to its accessors. */
    private static final ConcurrentMap<Class<?>, Environment> ENVIRONMENTS = new ConcurrentHashMap<>();

    private JettyTakeover() {
    }

    /**
     * Arranges for the connection to become a {@link Transport} once the servlet returns: sets status
     * 101 and registers the new connection with Jetty. The caller has set the handshake headers.
     *
     * @param started     given the transport once Jetty has switched protocols, on Jetty's pool
     * @param startFailed told instead when the response fails or is not a 101, so that Jetty will not switch
     * @throws ServletException if {@code request} is not a Jetty ee10 or ee11 request over HTTP/1.1
     */
    static void takeOver(HttpServletRequest request, HttpServletResponse response, int readBufferSize,
            int readTurnBytes, Consumer<Transport> started, Consumer<Throwable> startFailed) throws ServletException {
        Environment environment;
        try {
            environment = ENVIRONMENTS.computeIfAbsent(containerRequest(request).getClass(), Environment::of);
        } catch (RuntimeException | LinkageError e) {
            throw new ServletException("cannot find Jetty's servlet environment of " + request.getClass().getName(), e);
        }
        Request core = environment.coreRequest(request);
        if (!"HTTP/1.1".equals(request.getProtocol())) {
            throw new ServletException("connection upgrade needs HTTP/1.1; this request is " + request.getProtocol());
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("the response is committed: the 101 can no longer be sent");
        }
        EndPoint endPoint = core.getConnectionMetaData().getConnection().getEndPoint();
        Components components = core.getComponents();
        JettyEndPointTransport transport = new JettyEndPointTransport(endPoint, components.getExecutor(),
                components.getByteBufferPool(), readBufferSize, readTurnBytes, started, startFailed);
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        core.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, transport);
        Response coreResponse = environment.coreResponse(core);
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

    private static ServletRequest containerRequest(ServletRequest request) {
        while (request instanceof ServletRequestWrapper wrapper) request = wrapper.getRequest();
        return request;
    }

    /**
     * One Jetty environment's way from a servlet request to Jetty's core request and response:
     * {@code ServletContextRequest.getServletContextRequest(ServletRequest)} and
     * {@code getServletContextResponse()}, in the package of the environment's request class.
     */
    private record Environment(String name, Method coreRequest, Method coreResponse) {
        static Environment of(Class<?> requestClass) {
            for (Class<?> c = requestClass; c != null; c = c.getSuperclass()) {
                if (c.getSimpleName().equals("ServletApiRequest") && c.getPackageName().startsWith("org.eclipse.jetty.")) {
                    try {
                        Class<?> contextRequest = Class.forName(c.getPackageName() + ".ServletContextRequest", true, c.getClassLoader());
                        return new Environment(c.getPackageName(),
                                contextRequest.getMethod("getServletContextRequest", ServletRequest.class),
                                contextRequest.getMethod("getServletContextResponse"));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("Jetty's " + c.getPackageName() + " has no ServletContextRequest as expected", e);
                    }
                }
            }
            return new Environment(requestClass.getName(), null, null);
        }

        Request coreRequest(ServletRequest request) throws ServletException {
            if (coreRequest == null) {
                throw new ServletException("not a Jetty ee10 or ee11 servlet request: " + name);
            }
            try {
                return (Request) coreRequest.invoke(null, request);
            } catch (InvocationTargetException e) {
                throw new ServletException("not a Jetty servlet request of " + name, e.getCause());
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new ServletException("cannot reach Jetty's core request through " + name, e);
            }
        }

        Response coreResponse(Request core) throws ServletException {
            try {
                return (Response) coreResponse.invoke(core);
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new ServletException("cannot reach Jetty's core response through " + name, e);
            }
        }
    }
}
