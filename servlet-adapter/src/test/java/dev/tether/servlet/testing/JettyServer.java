package dev.tether.servlet.testing;

import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Embedded Jetty 12.1: one servlet context at "/" of one environment ({@link JettyEe10Context},
 * {@link JettyEe11Context}) behind one HTTP/1.1 connector.
 */
final class JettyServer implements RunningServer {
    private final Server server;
    private final ServerConnector connector;
    private final String environment;

    private JettyServer(Server server, ServerConnector connector, String environment) {
        this.server = server;
        this.connector = connector;
        this.environment = environment;
    }

    /** Starts {@code deployment} in the servlet context {@code context} makes of it, in {@code environment} (ee10, ee11). */
    static JettyServer start(Deployment deployment, String environment, Function<Deployment, Handler> context) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("jetty-test");
        Server server = new Server(threads);
        // One acceptor and one selector: enough for tests, and few threads on a small machine.
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(deployment.port);
        if (deployment.socketSendBuffer > 0) connector.setAcceptedSendBufferSize(deployment.socketSendBuffer);
        server.addConnector(connector);
        server.setHandler(context.apply(deployment));
        JettyServer running = new JettyServer(server, connector, environment);
        try {
            server.start();
        } catch (Exception e) {
            running.close();
            throw e;
        }
        return running;
    }

    @Override
    public String name() {
        return "Jetty " + Server.getVersion() + " " + environment;
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
