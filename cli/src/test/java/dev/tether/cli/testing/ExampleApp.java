package dev.tether.cli.testing;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The example WAR ({@code war-example/target/tether-example.war}) on embedded Jetty 12.1, as
 * {@code EmbeddedJetty} runs it for a user, on 127.0.0.1 at a port the OS chose. It can drop every
 * open connection with the application still running
 * ({@link #dropConnections}), or restart the whole server there, the application anew ({@link #restart}).
 */
public final class ExampleApp implements AutoCloseable {
    private final Path war;
    private Server server;
    private ServerConnector connector;
    private int port;

    private ExampleApp(Path war) {
        this.war = war;
    }

    public static ExampleApp start() throws Exception {
        Path war = Path.of(System.getProperty("tether.example.war", "../war-example/target/tether-example.war"));
        if (!Files.isRegularFile(war)) {
            fail("no example WAR at " + war.toAbsolutePath() + ": build war-example first (mvn verify does)");
        }
        ExampleApp app = new ExampleApp(war);
        app.startServer(0);
        return app;
    }

    private void startServer(int wantedPort) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("example-jetty");
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(wantedPort);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(war.toAbsolutePath().toString());
        webapp.setParentLoaderPriority(false); // the WAR's own copies of Tether, as in a real deployment
        server.setHandler(webapp);
        server.start();
        port = connector.getLocalPort();
    }

    public int port() {
        return port;
    }

    /** {@code ws://127.0.0.1:<port><path>}. */
    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * Drops every open connection, as a network failure or a proxy would; the application runs on,
     * and the port stays bound (stopping the connector and binding again raced the old socket).
     */
    public void dropConnections() {
        connector.getConnectedEndPoints().forEach(EndPoint::close);
    }

    /** Stops the server (the application too) and starts a new one on the same port. */
    public void restart() throws Exception {
        server.stop();
        startServer(port);
    }

    /** Stops the server; {@link #startAgain} brings it back on the same port. */
    public void stop() throws Exception {
        server.stop();
    }

    public void startAgain() throws Exception {
        startServer(port);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the example's Jetty", e);
        }
    }
}
