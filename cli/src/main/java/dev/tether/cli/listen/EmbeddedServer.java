package dev.tether.cli.listen;

import dev.tether.api.WebSocketListener;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.WebSocketServlet;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.function.Supplier;

/**
 * Embedded Jetty 12.1 (ee10) serving WebSocket at every path through Tether's servlet adapter, the
 * same way an application in a container would ({@link WebSocketServlet}).
 */
final class EmbeddedServer {
    private final Server server;
    private final ServerConnector connector;
    private final String host;

    private EmbeddedServer(Server server, ServerConnector connector, String host) {
        this.server = server;
        this.connector = connector;
        this.host = host;
    }

    static EmbeddedServer start(String host, int port, WebSocketOptions options, Supplier<WebSocketListener> listeners)
            throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("tether-listen");
        threads.setDaemon(true);
        Server server = new Server(threads);
        server.setStopTimeout(2_000); // bounded: the clients were closed before
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder("websocket", new WebSocketServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected WebSocketOptions options() {
                return options;
            }

            @Override
            protected WebSocketListener newListener(HttpServletRequest request) {
                return listeners.get();
            }
        });
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new EmbeddedServer(server, connector, host);
    }

    /** {@code ws://host:port/} as a client would type it. */
    String url() {
        String shown = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "ws://" + shown + ":" + connector.getLocalPort() + "/";
    }

    /** Takes no more connections; those open stay. */
    void stopAccepting() {
        connector.setAccepting(false);
    }

    /** Stops accepting, drops the connections still open and stops the threads; safe to call twice. */
    void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort: the process ends next
        }
    }
}

