package dev.tether.example.runner;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the example WAR, unchanged, on embedded Jetty 12.1 (ee10): port 8080, or {@code $PORT}.
 * Not part of the WAR itself.
 */
public final class EmbeddedJetty {
    private EmbeddedJetty() {
    }

    public static void main(String[] args) throws Exception {
        Path war = Path.of(args.length > 0 ? args[0] : "war-example/target/tether-example.war");
        if (!Files.isRegularFile(war)) {
            System.err.println("No WAR at " + war.toAbsolutePath() + ": build it first (mvn -pl war-example -am package).");
            System.exit(2);
        }
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(port);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(war.toAbsolutePath().toString());
        // Started from a plain class path, Jetty would let the web app see this class loader's
        // copies of our classes; a real deployment isolates them, and so do we.
        webapp.setParentLoaderPriority(false);
        server.setHandler(webapp);
        server.start();
        int actual = connector.getLocalPort();
        System.out.println("Tether example running on Jetty " + Server.getVersion() + ": http://localhost:" + actual + "/");
        System.out.println("  Chat page:          http://localhost:" + actual + "/");
        System.out.println("  Chat rooms:         ws://localhost:" + actual + "/chat/{room}?name={name}");
        System.out.println("  Activity (SSE):     http://localhost:" + actual + "/activity");
        System.out.println("  WebSocket echo:     ws://localhost:" + actual + "/echo");
        System.out.println("  Server-sent events: http://localhost:" + actual + "/events");
        server.join();
    }
}
