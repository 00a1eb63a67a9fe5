package dev.tether.servlet.endpoint;

import dev.tether.driver.handshake.HeaderTokens;
import dev.tether.servlet.HandshakeHook;
import dev.tether.servlet.WebSockets;
import dev.tether.servlet.upgrade.ContainerUpgrade;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Routes handshakes to endpoints by path template and subprotocol. The endpoint chosen is the most
 * specific one (a literal segment beats a variable, leftmost first) whose template matches the path
 * and that accepts the offered subprotocols: among endpoints with equally specific templates, the
 * client's first offered subprotocol that one of them declares wins, then an endpoint that declares
 * none. A path that matches no template is answered 404, subprotocols that no matching endpoint
 * speaks 400, each with the reason.
 *
 * <p>Endpoints are added while the application starts and read by every request afterwards.
 */
final class EndpointRouter {
    private static final String CONNECTION_ATTRIBUTE = EndpointConnection.class.getName();
    /** Every endpoint's handshake hook: hands the handshake to the connection the router made for it. */
    private static final HandshakeHook HOOK = context ->
            ((EndpointConnection) context.request().getAttribute(CONNECTION_ATTRIBUTE)).handshake(context);

    /** A route chosen for a request, or the refusal to answer with. */
    record Resolution(EndpointModel model, Map<String, String> pathValues, String protocol, int status, String reason) {
        static Resolution refused(int status, String reason) {
            return new Resolution(null, null, null, status, reason);
        }
    }

    /** Sorted most specific first; replaced whole on each addition. */
    private volatile List<EndpointModel> routes = List.of();

    /**
     * Validates and adds an endpoint class.
     *
     * @param configurator replaces the configurator the annotation names, or null
     * @return the new route, or null when the class was added already with the same configurator
     * @throws EndpointDefinitionException when the class is not a valid endpoint, or would serve
     *                                     the same requests as one added before
     */
    synchronized EndpointModel add(Class<?> type, EndpointConfigurator configurator) {
        Objects.requireNonNull(type, "endpoint class");
        for (EndpointModel existing : routes) {
            if (existing.type() == type) {
                if (configurator == null || configurator == existing.configurator()) {
                    return null;
                }
                throw new IllegalStateException(type.getName() + " is registered already, with configurator "
                        + existing.configurator().getClass().getName() + " (by EndpointInitializer's scanning, unless "
                        + "it was registered twice); to give it your own, set the context parameter "
                        + EndpointInitializer.SCAN_PARAMETER + " to false");
            }
        }
        EndpointModel model = EndpointIntrospector.read(type, configurator, HOOK);
        for (EndpointModel existing : routes) {
            if (existing.template().sameShape(model.template()) && overlap(existing.subprotocols(), model.subprotocols())) {
                throw new EndpointDefinitionException(type, List.of(type.getSimpleName() + " at " + model.template()
                        + subprotocolsText(model) + " would serve the same requests as " + existing));
            }
        }
        List<EndpointModel> updated = new ArrayList<>(routes);
        updated.add(model);
        updated.sort((a, b) -> PathTemplate.MOST_SPECIFIC_FIRST.compare(a.template(), b.template()));
        routes = List.copyOf(updated);
        return model;
    }

    boolean isEmpty() {
        return routes.isEmpty();
    }

    /** Answers one request: refuses it, or upgrades it to a connection of the endpoint it routes to. */
    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        Resolution route = resolve(pathWithinApplication(request), offeredProtocols(request));
        if (route.model() == null) {
            ContainerUpgrade.refuse(response, route.status(), route.reason());
            return;
        }
        if (!WebSockets.isWebSocket(request)) {
            response.setHeader("Upgrade", "websocket");
            response.setHeader("Connection", "Upgrade");
            ContainerUpgrade.refuse(response, 426, "this resource speaks WebSocket only");
            return;
        }
        EndpointConnection connection = new EndpointConnection(route.model(), route.pathValues(), route.protocol());
        request.setAttribute(CONNECTION_ATTRIBUTE, connection);
        try {
            WebSockets.upgrade(request, response, route.model().options(), connection);
        } finally {
            request.removeAttribute(CONNECTION_ATTRIBUTE);
        }
    }

    /** The route for {@code rawPath} (relative to the context, still percent-encoded) and the offered subprotocols. */
    Resolution resolve(String rawPath, List<String> offered) {
        List<String> segments = rawPath == null ? null : PathSegments.decode(rawPath);
        if (segments == null) {
            return Resolution.refused(400, "malformed request path " + rawPath);
        }
        List<EndpointModel> matching = new ArrayList<>();
        for (EndpointModel model : routes) {
            if (model.template().match(segments) != null) {
                matching.add(model);
            }
        }
        if (matching.isEmpty()) {
            return Resolution.refused(404, "no WebSocket endpoint at " + rawPath);
        }
        // Matching templates that are equally specific have the same shape: they compete as a group.
        for (int start = 0; start < matching.size(); ) {
            int end = start + 1;
            while (end < matching.size() && PathTemplate.MOST_SPECIFIC_FIRST
                    .compare(matching.get(end).template(), matching.get(start).template()) == 0) {
                end++;
            }
            Resolution chosen = choose(matching.subList(start, end), segments, offered);
            if (chosen != null) {
                return chosen;
            }
            start = end;
        }
        List<String> supported = new ArrayList<>();
        matching.forEach(m -> supported.addAll(m.subprotocols()));
        return Resolution.refused(400, offered.isEmpty()
                ? "the endpoint at " + rawPath + " needs one of the subprotocols " + supported + "; the request offered none"
                : "no endpoint at " + rawPath + " speaks the offered subprotocols " + offered + "; supported: " + supported);
    }

    /** The client's first offered subprotocol that an endpoint of the group declares, else one that declares none. */
    private static Resolution choose(List<EndpointModel> group, List<String> segments, List<String> offered) {
        for (String protocol : offered) {
            for (EndpointModel model : group) {
                if (model.subprotocols().contains(protocol)) {
                    return new Resolution(model, model.template().match(segments), protocol, 0, null);
                }
            }
        }
        for (EndpointModel model : group) {
            if (model.subprotocols().isEmpty()) {
                return new Resolution(model, model.template().match(segments), null, 0, null);
            }
        }
        return null;
    }

    private static boolean overlap(List<String> one, List<String> other) {
        return one.isEmpty() && other.isEmpty() || !Collections.disjoint(one, other);
    }

    private static String subprotocolsText(EndpointModel model) {
        return model.subprotocols().isEmpty() ? "" : " " + model.subprotocols();
    }

    /** The request path after the context path, as sent (percent-encoded). */
    private static String pathWithinApplication(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
        return path.isEmpty() ? "/" : path;
    }

    private static List<String> offeredProtocols(HttpServletRequest request) {
        List<String> offered = new ArrayList<>();
        if (request.getHeaders("Sec-WebSocket-Protocol") != null) {
            for (String value : Collections.list(request.getHeaders("Sec-WebSocket-Protocol"))) {
                offered.addAll(HeaderTokens.split(value));
            }
        }
        return offered;
    }
}
