package dev.tether.servlet.testing;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;

/**
 * What a test deploys into the one web application of a {@link RunningServer}, before it starts.
 * Servlets and filters are registered async-supported, as the adapter needs, and filters for the
 * REQUEST dispatch only.
 */
public interface ServletRegistrar {

    /** Maps {@code servlet} (an instance, not a class) at {@code mapping}, e.g. {@code "/ws"} or {@code "/ws/*"}. */
    ServletRegistrar addServlet(String mapping, Servlet servlet);

    /** Maps {@code filter} at the URL pattern {@code mapping}; filters run in the order added. */
    ServletRegistrar addFilter(String mapping, Filter filter);

    /** A context init parameter, as {@code <context-param>} in web.xml. */
    ServletRegistrar initParameter(String name, String value);

    /** A servlet context attribute, set before any servlet is initialised. */
    ServletRegistrar attribute(String name, Object value);

    /**
     * Runs {@code initializer} when the application starts, after the container's own, handing it
     * {@code handlesTypes} as the classes the container would have found for its {@code @HandlesTypes}.
     */
    ServletRegistrar initializer(ServletContainerInitializer initializer, Class<?>... handlesTypes);

    /**
     * Turns on the container's own JSR-356 (Jakarta WebSocket) implementation for the application,
     * as a default installation has it: Tomcat's {@code WsSci}, Jetty's ee10 Jakarta WebSocket.
     */
    ServletRegistrar containerWebSocket();

    /**
     * Fixes each accepted connection's socket send buffer (SO_SNDBUF) at {@code bytes}; by default
     * the kernel sizes it, and on loopback lets it grow to megabytes. Small, a client that stops
     * reading soon makes the server's writes wait, as it does on a busy server.
     */
    ServletRegistrar socketSendBuffer(int bytes);

    /**
     * Listens on this port of 127.0.0.1 instead of one the OS chooses: a test that stops a server
     * and starts another where the first was (to see a client reconnect) passes the first one's port.
     */
    ServletRegistrar port(int port);
}
