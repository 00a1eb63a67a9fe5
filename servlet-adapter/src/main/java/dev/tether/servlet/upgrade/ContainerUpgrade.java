package dev.tether.servlet.upgrade;

import dev.tether.runtime.Transport;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * Upgrades the connection under a servlet request to a {@link Transport}, in any Servlet 6
 * container, working around Jetty 12.1's broken {@link HttpServletRequest#upgrade}.
 *
 * <p><b>Why not just {@code request.upgrade(type)}:</b> on Jetty 12.1 (ee10; seen on 12.1.8 and
 * 12.1.12) {@code org.eclipse.jetty.server.internal.HttpConnection.onFillable()} parses ahead past
 * the head of a body-less GET (since Jetty PR #12240), completing the HTTP message and leaving a
 * sticky EOF chunk in its {@code HttpStreamOverHTTP1}. After the upgrade the handler's
 * {@code ServletInputStream} reports EOF at once ({@code onAllDataRead} right after {@code init}),
 * and bytes the client sends later are parsed as a new HTTP request; the same in ee11. So on Jetty,
 * in either environment, this class takes over the connection through Jetty's own upgrade mechanism
 * instead ({@link JettyTakeover}),
 * and the transport is Jetty's endpoint itself ({@link JettyEndPointTransport}). On Tomcat the
 * connection is upgraded to a handler of ours on Tomcat's socket ({@code TomcatUpgradeHandler}: over
 * the servlet streams, a connection that stops reading keeps a core busy). On Undertow the exchange
 * is upgraded through Undertow's own API and the transport is its XNIO connection
 * ({@code UndertowRoute}: Undertow's upgraded output stream writes whole arrays where it was given a
 * part, and spins when the socket fails under a pending write). Everywhere else it
 * calls {@code request.upgrade(UpgradeHandler.class)} and the transport is a {@link ServletTransport}
 * over the upgraded servlet streams. <b>Remove the Jetty path once Jetty's portable path works
 * again.</b>
 *
 * <p>Which path a request takes is decided once per request class (the container's, under any
 * {@link ServletRequestWrapper}s): Jetty if that class is Jetty's ee10 or ee11 request and the Jetty
 * classes can be linked against. In a web application on a stock Jetty, whose class loader hides
 * Jetty's classes, the Jetty classes of ours are defined again under Jetty's own class loader (see
 * {@link TakeoverClassLoader}): no {@code WEB-INF/jetty-ee10-web.xml} is needed. If that fails, a
 * warning is logged once and the (broken) portable path is used.
 *
 * <p>Either way the transport is started after the servlet returns, on a container thread. Only
 * HTTP/1.1 connections can be upgraded.
 */
public final class ContainerUpgrade {
    private static final System.Logger LOG = System.getLogger(ContainerUpgrade.class.getName());
    /** Jetty's servlet request classes of the environments the takeover knows: ee10 (Servlet 6.0) and ee11 (6.1). */
    private static final List<String> JETTY_REQUESTS = List.of(
            "org.eclipse.jetty.ee10.servlet.ServletApiRequest", "org.eclipse.jetty.ee11.servlet.ServletApiRequest");
    private static final String TOMCAT_PACKAGE = "org.apache.catalina.";
    private static final String TOMCAT_INTERNAL_HANDLER = "org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler";
    private static final String TOMCAT_HANDLER = "dev.tether.servlet.upgrade.TomcatUpgradeHandler";
    private static final String UNDERTOW_PACKAGE = "io.undertow.";
    private static final String UNDERTOW_EXCHANGE = "io.undertow.server.HttpServerExchange";
    private static final String UNDERTOW_ROUTE = "dev.tether.servlet.upgrade.UndertowRoute";
    private static final String UNDERTOW_TRANSPORT = "dev.tether.servlet.upgrade.UndertowTransport";
    /** A system property: {@code true} upgrades on Tomcat the portable way (for tests of that path, or a Tomcat the handler does not link against). */
    public static final String PORTABLE_ON_TOMCAT = "dev.tether.servlet.portableUpgradeOnTomcat";
    private static final Route PORTABLE = new Portable();
    private static final ConcurrentMap<Class<?>, Route> ROUTES = new ConcurrentHashMap<>();

    private ContainerUpgrade() {
    }

    /** What becomes of an upgrade: one of the two is called, once, on a container thread. */
    public interface Upgraded {
        /** The container switched protocols: the connection runs over {@code transport} from now on. */
        void start(Transport transport);

        /** The connection will not be upgraded: the upgrade failed, or the container closed it first. */
        void startFailed(Throwable cause);

        /** An {@code Upgraded} of two functions (a connection's {@code start} and {@code startFailed}). */
        static Upgraded of(Consumer<Transport> start, Consumer<Throwable> startFailed) {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(startFailed, "startFailed");
            return new Upgraded() {
                @Override
                public void start(Transport transport) {
                    start.accept(transport);
                }

                @Override
                public void startFailed(Throwable cause) {
                    startFailed.accept(cause);
                }
            };
        }
    }

    /** An upgrade handler that starts a transport once it has what to start (and the container's connection). */
    interface Attachable {
        /** Hands over what to start, with how its transport reads. */
        void attach(TransportSettings settings, Upgraded upgraded);
    }

    /**
     * How the transport reads.
     *
     * @param readBufferSize the most bytes read at once
     * @param readTurnBytes  the most bytes read in one turn on a container thread, before the connection queues for its next
     */
    public record TransportSettings(int readBufferSize, int readTurnBytes) {
        public TransportSettings {
            if (readBufferSize <= 0 || readTurnBytes <= 0) {
                throw new IllegalArgumentException("readBufferSize " + readBufferSize + ", readTurnBytes " + readTurnBytes);
            }
        }
    }

    /**
     * Upgrades the connection: once the servlet returns, the container sends the 101 and
     * {@code upgraded} is started on the connection's transport. Call it from a servlet (or filter)
     * that has already set status 101 and the handshake response headers (Upgrade, Connection,
     * Sec-WebSocket-Accept, ...) on {@code response}, and return without writing a body or flushing.
     * If this throws, {@code upgraded} has been told {@link Upgraded#startFailed startFailed}.
     *
     * @throws ServletException if the connection cannot be upgraded (not HTTP/1.1, e.g. HTTP/2)
     * @throws IOException if the container fails to upgrade
     */
    public static void upgrade(HttpServletRequest request, HttpServletResponse response, TransportSettings settings,
            Upgraded upgraded) throws IOException, ServletException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(upgraded, "upgraded");
        try {
            route(request).upgrade(request, response, settings, upgraded);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            upgraded.startFailed(e); // no orphan: a connection waiting for its transport learns it never comes
            throw e;
        }
    }

    /**
     * Whether the transport {@link #upgrade} makes of this request writes direct buffers without
     * copying them: Jetty's endpoint, Tomcat's socket and Undertow's channel do; the portable path's streams take arrays
     * (a direct buffer is copied into one).
     */
    public static boolean writesDirectBuffers(HttpServletRequest request) {
        return route(request).writesDirectBuffers();
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

    private static Route route(HttpServletRequest request) {
        return ROUTES.computeIfAbsent(containerRequest(request).getClass(), ContainerUpgrade::routeFor);
    }

    /** The container's own request object, under the application's wrappers. */
    private static ServletRequest containerRequest(ServletRequest request) {
        while (request instanceof ServletRequestWrapper wrapper) request = wrapper.getRequest();
        return request;
    }

    private static Route routeFor(Class<?> requestClass) {
        if (requestClass.getName().startsWith(TOMCAT_PACKAGE)) {
            return tomcatRoute(requestClass);
        }
        if (requestClass.getName().startsWith(UNDERTOW_PACKAGE)) {
            return undertowRoute(requestClass);
        }
        ClassLoader containerLoader = requestClass.getClassLoader();
        Class<?> jettyRequest = JETTY_REQUESTS.stream().map(name -> loadOrNull(name, containerLoader))
                .filter(c -> c != null && c.isAssignableFrom(requestClass)).findFirst().orElse(null);
        if (jettyRequest == null) {
            if (requestClass.getName().startsWith("org.eclipse.jetty.")) {
                LOG.log(Level.WARNING, "{0} is a Jetty request of neither ee10 nor ee11: using HttpServletRequest.upgrade, "
                        + "which Jetty 12.1 breaks (input at EOF right after the upgrade)", requestClass.getName());
            }
            return PORTABLE;
        }
        try {
            return new JettyRoute(takeoverEntryPoint(jettyRequest, containerLoader));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "On Jetty, but cannot link the Jetty connection takeover; using "
                    + "HttpServletRequest.upgrade, which Jetty 12.1 breaks (input at EOF right after the upgrade). "
                    + "A WEB-INF/jetty-ee10-web.xml (or jetty-ee11-web.xml) exposing the Jetty classes may help.", e);
            return PORTABLE;
        }
    }

    /**
     * Tomcat's own route ({@code TomcatUpgradeHandler}, compiled apart against Tomcat's classes), if
     * it links against the Tomcat that made the request and is not turned off; else the portable one.
     */
    private static Route tomcatRoute(Class<?> requestClass) {
        if (Boolean.getBoolean(PORTABLE_ON_TOMCAT)) {
            return PORTABLE;
        }
        try {
            Class<?> internal = Class.forName(TOMCAT_INTERNAL_HANDLER, false, requestClass.getClassLoader());
            Class<?> ours = Class.forName(TOMCAT_HANDLER, true, ContainerUpgrade.class.getClassLoader());
            if (!internal.isAssignableFrom(ours) || !HttpUpgradeHandler.class.isAssignableFrom(ours)) {
                throw new LinkageError(ours + " was linked against another Tomcat than " + internal);
            }
            return new TomcatRoute(ours.asSubclass(HttpUpgradeHandler.class));
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "On Tomcat, but cannot link Tether's Tomcat upgrade handler; using "
                    + "HttpServletRequest.upgrade, on which a connection that stops reading keeps a core busy", e);
            return PORTABLE;
        }
    }

    /**
     * Undertow's own route ({@code UndertowRoute}, compiled apart against Undertow's classes), if it
     * links against the Undertow that made the request; else the portable one, which Undertow breaks.
     */
    private static Route undertowRoute(Class<?> requestClass) {
        try {
            Class<?> exchange = Class.forName(UNDERTOW_EXCHANGE, false, requestClass.getClassLoader());
            Class<?> route = Class.forName(UNDERTOW_ROUTE, true, ContainerUpgrade.class.getClassLoader());
            if (Class.forName(UNDERTOW_EXCHANGE, false, route.getClassLoader()) != exchange) {
                throw new LinkageError(route + " was linked against another Undertow than " + exchange);
            }
            // Linked now, not at the first upgrade: XNIO (the transport's) must be visible too.
            Class.forName(UNDERTOW_TRANSPORT, true, route.getClassLoader());
            Class.forName("org.xnio.StreamConnection", true, route.getClassLoader());
            return (Route) route.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "On Undertow, but cannot link Tether's Undertow route; using "
                    + "HttpServletRequest.upgrade, whose non-blocking output Undertow 2.3 corrupts (it writes whole "
                    + "arrays where it was given a part)", e);
            return PORTABLE;
        }
    }

    /**
     * {@link JettyTakeover#takeOver}, from our own class loader if it sees the same Jetty as the
     * request (embedded Jetty), else defined under Jetty's loader (a webapp on Jetty).
     */
    private static Method takeoverEntryPoint(Class<?> jettyRequest, ClassLoader containerLoader)
            throws ReflectiveOperationException {
        if (loadOrNull(jettyRequest.getName(), ContainerUpgrade.class.getClassLoader()) == jettyRequest) {
            try {
                return entryPoint(JettyTakeover.class);
            } catch (LinkageError e) {
                // e.g. our module on the module path cannot read a Jetty on the class path: try Jetty's loader
                LOG.log(Level.DEBUG, "cannot link the Jetty takeover from our own class loader", e);
            }
        }
        return entryPointUnder(containerLoader);
    }

    /** {@link JettyTakeover#takeOver} as defined by a {@link TakeoverClassLoader} under {@code jettyLoader}. */
    static Method entryPointUnder(ClassLoader jettyLoader) throws ReflectiveOperationException {
        TakeoverClassLoader loader = new TakeoverClassLoader(jettyLoader, ContainerUpgrade.class.getClassLoader());
        return entryPoint(Class.forName(TakeoverClassLoader.ENTRY_POINT, true, loader));
    }

    private static Method entryPoint(Class<?> takeover) throws NoSuchMethodException {
        Method takeOver = takeover.getDeclaredMethod("takeOver", HttpServletRequest.class, HttpServletResponse.class,
                int.class, int.class, Consumer.class, Consumer.class);
        takeOver.setAccessible(true); // package-private class; when defined by another loader, another package
        return takeOver;
    }

    private static Class<?> loadOrNull(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            return null;
        }
    }

    /** One way to upgrade. */
    interface Route {
        void upgrade(HttpServletRequest request, HttpServletResponse response, TransportSettings settings,
                Upgraded upgraded) throws IOException, ServletException;

        /** Whether its transports write direct buffers without a copy. */
        boolean writesDirectBuffers();
    }

    /** The standard way: the container switches protocols, and a {@link ServletTransport} runs on its streams. */
    private static final class Portable implements Route {
        @Override
        public void upgrade(HttpServletRequest request, HttpServletResponse response, TransportSettings settings,
                Upgraded upgraded) throws IOException, ServletException {
            request.upgrade(UpgradeHandler.class).attach(settings, upgraded);
        }

        @Override
        public boolean writesDirectBuffers() {
            return false;
        }
    }

    /** Tomcat: the connection upgraded to a handler of ours that runs on Tomcat's socket, which is the transport. */
    private static final class TomcatRoute implements Route {
        private final Class<? extends HttpUpgradeHandler> handler;

        TomcatRoute(Class<? extends HttpUpgradeHandler> handler) {
            this.handler = handler;
        }

        @Override
        public void upgrade(HttpServletRequest request, HttpServletResponse response, TransportSettings settings,
                Upgraded upgraded) throws IOException, ServletException {
            ((Attachable) request.upgrade(handler)).attach(settings, upgraded);
        }

        @Override
        public boolean writesDirectBuffers() {
            return true;
        }
    }

    /** Jetty (ee10, ee11): we hand Jetty a connection of ours, which is the transport. */
    static final class JettyRoute implements Route {
        private final Method takeOver;

        /** @param takeOver {@link JettyTakeover#takeOver}, from whichever class loader defined it */
        JettyRoute(Method takeOver) {
            this.takeOver = takeOver;
        }

        @Override
        public boolean writesDirectBuffers() {
            return true;
        }

        @Override
        public void upgrade(HttpServletRequest request, HttpServletResponse response, TransportSettings settings,
                Upgraded upgraded) throws ServletException {
            Consumer<Transport> start = upgraded::start;
            Consumer<Throwable> startFailed = upgraded::startFailed;
            try {
                takeOver.invoke(null, request, response, settings.readBufferSize(), settings.readTurnBytes(),
                        start, startFailed);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ServletException s) throw s;
                if (cause instanceof RuntimeException r) throw r;
                if (cause instanceof Error err) throw err;
                throw new ServletException(cause);
            } catch (IllegalAccessException e) {
                throw new ServletException("cannot call the Jetty connection takeover", e);
            }
        }
    }
}
