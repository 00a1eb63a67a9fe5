package dev.tether.servlet.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContainerInitializer;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Embedded Jetty 12.1, ee10: one {@link ServletContextHandler} at "/" behind one HTTP/1.1 connector. */
final class JettyServer implements RunningServer {
    private final Server server;
    private final ServerConnector connector;

    private JettyServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    static JettyServer start(Deployment deployment) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("jetty-test");
        Server server = new Server(threads);
        // One acceptor and one selector: enough for tests, and few threads on a small machine.
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(deployment.port);
        if (deployment.socketSendBuffer > 0) connector.setAcceptedSendBufferSize(deployment.socketSendBuffer);
        server.addConnector(connector);
        server.setHandler(context(deployment));
        JettyServer running = new JettyServer(server, connector);
        try {
            server.start();
        } catch (Exception e) {
            running.close();
            throw e;
        }
        return running;
    }

    private static ServletContextHandler context(Deployment deployment) {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        deployment.initParameters.forEach(context::setInitParameter);
        ServletContainerInitializer attributes = (classes, servletContext) ->
                deployment.attributes.forEach(servletContext::setAttribute);
        context.addServletContainerInitializer(attributes);
        if (deployment.containerWebSocket) {
            JakartaWebSocketServletContainerInitializer.configure(context, null);
        }
        for (Deployment.Initializer i : deployment.initializers) {
            context.addServletContainerInitializer(i.initializer(), i.handlesTypes().toArray(Class<?>[]::new));
        }
        for (Deployment.FilterMapping f : deployment.filters) {
            FilterHolder holder = new FilterHolder(f.filter());
            holder.setName(f.name());
            holder.setAsyncSupported(true);
            context.addFilter(holder, f.mapping(), EnumSet.of(DispatcherType.REQUEST));
        }
        for (Deployment.ServletMapping s : deployment.servlets) {
            ServletHolder holder = new ServletHolder(s.name(), s.servlet());
            holder.setAsyncSupported(true);
            context.addServlet(holder, s.mapping());
        }
        return context;
    }

    @Override
    public String name() {
        return "Jetty " + Server.getVersion();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop(); // synchronous: connectors (and their connections) closed, threads stopped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name(), e);
        } catch (Exception e) {
            throw new IllegalStateException("could not stop " + name(), e);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
