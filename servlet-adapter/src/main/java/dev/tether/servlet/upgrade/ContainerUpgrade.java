package dev.tether.servlet.upgrade;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Upgrades the connection under a servlet request to an {@link HttpUpgradeHandler}, in any Servlet 6
 * container, working around Jetty 12.1's broken {@link HttpServletRequest#upgrade}.
 *
 * <p><b>Why not just {@code request.upgrade(type)}:</b> on Jetty 12.1 (ee10; seen on 12.1.8 and
 * 12.1.12) {@code org.eclipse.jetty.server.internal.HttpConnection.onFillable()} parses ahead past
 * the head of a body-less GET (since Jetty PR #12240), completing the HTTP message and leaving a
 * sticky EOF chunk in its {@code HttpStreamOverHTTP1}. After the upgrade the handler's
 * {@code ServletInputStream} reports EOF at once ({@code onAllDataRead} right after {@code init}),
 * and bytes the client sends later are parsed as a new HTTP request. So on Jetty ee10 this class
 * takes over the connection through Jetty's own upgrade mechanism instead
 * ({@link JettyConnectionTakeover}); everywhere else it calls {@code request.upgrade(type)}.
 * <b>Remove the Jetty path once Jetty's portable path works again.</b>
 *
 * <p>Which path a request takes is decided once per request class (the container's, under any
 * {@link ServletRequestWrapper}s): Jetty ee10 if that class is Jetty's ee10 request and the Jetty
 * classes can be linked against. In a web application on a stock Jetty, whose class loader hides
 * Jetty's classes, the takeover class is defined again under Jetty's own class loader (see
 * {@link TakeoverClassLoader}): no {@code WEB-INF/jetty-ee10-web.xml} is needed. If that fails, a
 * warning is logged once and the (broken) portable path is used.
 *
 * <p>Either way the handler is created through its public no-argument constructor (the container
 * may inject into it on the portable path), and its {@code init(WebConnection)} is called after the
 * servlet returns, on a container thread. Only HTTP/1.1 connections can be upgraded.
 */
public final class ContainerUpgrade {
    private static final System.Logger LOG = System.getLogger(ContainerUpgrade.class.getName());
    private static final String JETTY_EE10_REQUEST = "org.eclipse.jetty.ee10.servlet.ServletApiRequest";
    private static final Route PORTABLE = new Portable();
    private static final ConcurrentMap<Class<?>, Route> ROUTES = new ConcurrentHashMap<>();
    /** Servlet 6.1 added {@code ServletOutputStream.write(ByteBuffer)}; on 6.0 the takeover's own cannot be called. */
    private static final boolean SERVLET_API_WRITES_BUFFERS = hasMethod(ServletOutputStream.class, "write", ByteBuffer.class);

    private ContainerUpgrade() {
    }

    /**
     * Upgrades the connection: once the servlet returns, the container sends the 101 and calls the
     * returned handler's {@code init}. Call it from a servlet (or filter) that has already set status
     * 101 and the handshake response headers (Upgrade, Connection, Sec-WebSocket-Accept, ...) on
     * {@code response}, and return without writing a body or flushing.
     *
     * @param handlerType a handler class with a public no-argument constructor
     * @return the new, not yet initialised handler
     * @throws ServletException if the handler cannot be created, or the connection cannot be
     *         upgraded (not HTTP/1.1, e.g. HTTP/2)
     * @throws IOException if the container fails to upgrade
     */
    public static <T extends HttpUpgradeHandler> T upgrade(HttpServletRequest request, HttpServletResponse response,
            Class<T> handlerType) throws IOException, ServletException {
        try {
            handlerType.getConstructor(); // the same requirement on every path, checked before anything changes
        } catch (NoSuchMethodException e) {
            throw new ServletException(handlerType.getName() + " needs a public no-argument constructor", e);
        }
        return ROUTES.computeIfAbsent(containerRequest(request).getClass(), ContainerUpgrade::routeFor)
                .upgrade(request, response, handlerType);
    }

    /**
     * Whether the connection {@link #upgrade} makes of this request writes direct buffers without
     * copying them: Jetty's takeover does, where the servlet API has {@code write(ByteBuffer)} (6.1);
     * the portable path's streams take arrays (a direct buffer is copied into one).
     */
    public static boolean writesDirectBuffers(HttpServletRequest request) {
        return SERVLET_API_WRITES_BUFFERS
                && ROUTES.computeIfAbsent(containerRequest(request).getClass(), ContainerUpgrade::routeFor).writesDirectBuffers();
    }

    /**
     * Answers a handshake that is not upgraded: {@code status} with {@code reason} as a plain-text
     * body, so that a client (or a person with curl) learns why.
     */
    public static void refuse(HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Closes an upgraded connection whose output has all been written: the container's close, and
     * on Tomcat its socket too (see {@link TomcatSocketCloser}), since a silent peer would otherwise
     * keep it open. Quiet: failures are logged at DEBUG, never thrown.
     */
    public static void close(WebConnection connection) {
        try {
            connection.close();
            TomcatSocketCloser.closeSocket(connection);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an upgraded connection", e);
        }
    }

    /**
     * Drops an upgraded connection now, even with a write in progress (a peer that stopped reading):
     * Jetty's takeover waits for such a write on a first close and drops it on a second; Tomcat's
     * socket is closed directly. Quiet, as {@link #close}.
     */
    public static void closeNow(WebConnection connection) {
        try {
            connection.close();
            if (!TomcatSocketCloser.closeSocket(connection)) {
                connection.close();
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "dropping an upgraded connection", e);
        }
    }

    /** The container's own request object, under the application's wrappers. */
    private static ServletRequest containerRequest(ServletRequest request) {
        while (request instanceof ServletRequestWrapper wrapper) request = wrapper.getRequest();
        return request;
    }

    private static Route routeFor(Class<?> requestClass) {
        ClassLoader containerLoader = requestClass.getClassLoader();
        Class<?> jettyRequest = loadOrNull(JETTY_EE10_REQUEST, containerLoader);
        if (jettyRequest == null || !jettyRequest.isAssignableFrom(requestClass)) {
            if (requestClass.getName().startsWith("org.eclipse.jetty.")) {
                LOG.log(Level.WARNING, "{0} is a Jetty request but not ee10: using HttpServletRequest.upgrade, "
                        + "which Jetty 12.1 breaks (input at EOF right after the upgrade)", requestClass.getName());
            }
            return PORTABLE;
        }
        try {
            return new JettyTakeover(takeoverEntryPoint(jettyRequest, containerLoader));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "On Jetty, but cannot link the Jetty connection takeover; using "
                    + "HttpServletRequest.upgrade, which Jetty 12.1 breaks (input at EOF right after the upgrade). "
                    + "A WEB-INF/jetty-ee10-web.xml exposing the Jetty classes may help.", e);
            return PORTABLE;
        }
    }

    /**
     * {@link JettyConnectionTakeover#takeOver}, from our own class loader if it sees the same Jetty
     * as the request (embedded Jetty), else defined under Jetty's loader (a webapp on Jetty).
     */
    private static Method takeoverEntryPoint(Class<?> jettyRequest, ClassLoader containerLoader)
            throws ReflectiveOperationException {
        if (loadOrNull(JETTY_EE10_REQUEST, ContainerUpgrade.class.getClassLoader()) == jettyRequest) {
            try {
                return entryPoint(JettyConnectionTakeover.class);
            } catch (LinkageError e) {
                // e.g. our module on the module path cannot read a Jetty on the class path: try Jetty's loader
                LOG.log(Level.DEBUG, "cannot link the Jetty takeover from our own class loader", e);
            }
        }
        return entryPoint(Class.forName(TakeoverClassLoader.TAKEOVER_CLASS, true, new TakeoverClassLoader(containerLoader)));
    }

    private static Method entryPoint(Class<?> takeover) throws NoSuchMethodException {
        Method takeOver = takeover.getDeclaredMethod("takeOver",
                HttpServletRequest.class, HttpServletResponse.class, HttpUpgradeHandler.class);
        takeOver.setAccessible(true); // package-private class; when defined by another loader, another package
        return takeOver;
    }

    private static boolean hasMethod(Class<?> type, String name, Class<?>... parameters) {
        try {
            type.getMethod(name, parameters);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static Class<?> loadOrNull(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            return null;
        }
    }

    /** One way to upgrade. */
    private interface Route {
        <T extends HttpUpgradeHandler> T upgrade(HttpServletRequest request, HttpServletResponse response,
                Class<T> handlerType) throws IOException, ServletException;

        /** Whether its connections write direct buffers without a copy. */
        default boolean writesDirectBuffers() {
            return false;
        }
    }

    /** The standard way: the container creates the handler and switches protocols. */
    private static final class Portable implements Route {
        @Override
        public <T extends HttpUpgradeHandler> T upgrade(HttpServletRequest request, HttpServletResponse response,
                Class<T> handlerType) throws IOException, ServletException {
            return request.upgrade(handlerType);
        }
    }

    /** Jetty ee10: we create the handler and hand Jetty a connection of ours. */
    private static final class JettyTakeover implements Route {
        private final Method takeOver;

        JettyTakeover(Method takeOver) {
            this.takeOver = takeOver;
        }

        @Override
        public boolean writesDirectBuffers() {
            return true;
        }

        @Override
        public <T extends HttpUpgradeHandler> T upgrade(HttpServletRequest request, HttpServletResponse response,
                Class<T> handlerType) throws IOException, ServletException {
            T handler;
            try {
                handler = handlerType.getConstructor().newInstance();
            } catch (InvocationTargetException e) {
                throw new ServletException("the constructor of " + handlerType.getName() + " failed", e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new ServletException("cannot create " + handlerType.getName(), e);
            }
            try {
                takeOver.invoke(null, request, response, handler);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ServletException s) throw s;
                if (cause instanceof RuntimeException r) throw r;
                if (cause instanceof Error err) throw err;
                throw new ServletException(cause);
            } catch (IllegalAccessException e) {
                throw new ServletException("cannot call the Jetty connection takeover", e);
            }
            return handler;
        }
    }
}
