/**
 * Tether's Servlet 6 adapter: WebSocket over {@code HttpServletRequest.upgrade} and server-sent
 * events over async responses, with non-blocking I/O, in any container.
 */
module dev.tether.servlet {
    requires transitive dev.tether.runtime;
    requires transitive jakarta.servlet;
    requires static org.eclipse.jetty.server;
    requires static org.eclipse.jetty.io;
    requires static org.eclipse.jetty.util;

    exports dev.tether.servlet;
    exports dev.tether.servlet.sse;
    exports dev.tether.servlet.endpoint;

    provides jakarta.servlet.ServletContainerInitializer with dev.tether.servlet.endpoint.EndpointInitializer;
}
