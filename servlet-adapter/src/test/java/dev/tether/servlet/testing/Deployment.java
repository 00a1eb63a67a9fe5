package dev.tether.servlet.testing;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/** The registrations a test asked for, recorded so that each container can apply them its own way. */
final class Deployment implements ServletRegistrar {

    record ServletMapping(String name, String mapping, Servlet servlet) {
    }

    record FilterMapping(String name, String mapping, Filter filter) {
    }

    final List<ServletMapping> servlets = new ArrayList<>();
    final List<FilterMapping> filters = new ArrayList<>();
    final Map<String, String> initParameters = new LinkedHashMap<>();
    record Initializer(ServletContainerInitializer initializer, Set<Class<?>> handlesTypes) {
    }

    final Map<String, Object> attributes = new LinkedHashMap<>();
    final List<Initializer> initializers = new ArrayList<>();
    boolean containerWebSocket;
    /** SO_SNDBUF of accepted sockets; 0 leaves it to the kernel. */
    int socketSendBuffer;
    /** The port to listen on; 0 lets the OS choose. */
    int port;

    static Deployment of(Consumer<? super ServletRegistrar> setup) {
        Deployment deployment = new Deployment();
        setup.accept(deployment);
        return deployment;
    }

    @Override
    public ServletRegistrar addServlet(String mapping, Servlet servlet) {
        servlets.add(new ServletMapping("servlet-" + servlets.size(), Objects.requireNonNull(mapping),
                Objects.requireNonNull(servlet)));
        return this;
    }

    @Override
    public ServletRegistrar addFilter(String mapping, Filter filter) {
        filters.add(new FilterMapping("filter-" + filters.size(), Objects.requireNonNull(mapping),
                Objects.requireNonNull(filter)));
        return this;
    }

    @Override
    public ServletRegistrar initParameter(String name, String value) {
        initParameters.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        return this;
    }

    @Override
    public ServletRegistrar attribute(String name, Object value) {
        attributes.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        return this;
    }

    @Override
    public ServletRegistrar initializer(ServletContainerInitializer initializer, Class<?>... handlesTypes) {
        initializers.add(new Initializer(Objects.requireNonNull(initializer), Set.of(handlesTypes)));
        return this;
    }

    @Override
    public ServletRegistrar containerWebSocket() {
        containerWebSocket = true;
        return this;
    }

    @Override
    public ServletRegistrar socketSendBuffer(int bytes) {
        if (bytes < 1) throw new IllegalArgumentException("a send buffer needs at least 1 byte: " + bytes);
        socketSendBuffer = bytes;
        return this;
    }

    @Override
    public ServletRegistrar port(int port) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("not a port: " + port);
        this.port = port;
        return this;
    }
}
