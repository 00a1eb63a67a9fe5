package dev.tether.servlet.sse;

import dev.tether.api.EventSourceListener;
import dev.tether.runtime.sse.OpenStreams;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A servlet filter that serves event streams on its routes and passes every other request down the
 * chain untouched. A route streams to EventSource requests and to GETs that take anything (curl,
 * scripts: see {@link EventSources#acceptsEventStream}); a browser opening the path as a page asks
 * for {@code text/html} and reaches what is behind the filter. Register it async-supported.
 * Routes are added with {@link #route}, in code or in a subclass's {@link #init}; the streams it
 * started are closed when the filter is destroyed.
 *
 * <pre>{@code
 * public class NewsFilter extends EventSourceFilter {
 *     public void init(FilterConfig config) {
 *         route("/news", options, new EventSourceListener() {
 *             public void onOpen(EventSource events) { news.subscribe(events); }
 *         });
 *     }
 * }
 * }</pre>
 */
public class EventSourceFilter implements Filter {

    private record Route(String path, boolean prefix, EventSourceOptions options, EventSourceListener listener) {
        boolean matches(String requestPath) {
            return requestPath.equals(path) || prefix && requestPath.startsWith(path + "/");
        }
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final OpenStreams open = new OpenStreams();

    /** A filter with no routes yet: add them with {@link #route}. */
    public EventSourceFilter() {
    }

    /**
     * As {@link #route(String, EventSourceOptions, EventSourceListener)} with the default options.
     *
     * @param path     the path within the web application, exact or ending in {@code /*}
     * @param listener the listener for the events of every stream on this route
     * @return this filter
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}, or has a
     *                                  {@code *} other than a final {@code /*}
     */
    public final EventSourceFilter route(String path, EventSourceListener listener) {
        return route(path, EventSourceOptions.defaults(), listener);
    }

    /**
     * Serves EventSource requests for {@code path} (within the web application, e.g.
     * {@code /events}; {@code /events/*} also matches everything below it) with a stream using
     * {@code options}, whose events go to {@code listener}. The first matching route wins.
     *
     * @param path     the path within the web application, exact or ending in {@code /*}
     * @param options  how the streams on this route behave
     * @param listener the listener for the events of every stream on this route
     * @return this filter
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}, or has a
     *                                  {@code *} other than a final {@code /*}
     */
    public final EventSourceFilter route(String path, EventSourceOptions options, EventSourceListener listener) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        boolean prefix = path.endsWith("/*");
        String base = prefix ? path.substring(0, path.length() - 2) : path;
        if (!base.startsWith("/") || base.contains("*")) {
            throw new IllegalArgumentException("a route is an exact path or a path ending in /*, starting with '/': " + path);
        }
        routes.add(new Route(base, prefix, options, listener));
        return this;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse httpResponse
                && EventSources.acceptsEventStream(http)) {
            Route route = routeFor(pathWithinApplication(http));
            if (route != null) {
                open.track(EventSources.start(http, httpResponse, route.options, route.listener));
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private Route routeFor(String path) {
        for (Route route : routes) {
            if (route.matches(path)) return route;
        }
        return null;
    }

    private static String pathWithinApplication(HttpServletRequest request) {
        String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
        String pathInfo = request.getPathInfo();
        return pathInfo == null ? servletPath : servletPath + pathInfo;
    }

    /** Closes the streams this filter started: the application is stopping. */
    @Override
    public void destroy() {
        open.closeAll();
    }
}
