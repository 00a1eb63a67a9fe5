package dev.tether.example.runner;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the example WAR, unchanged, on embedded Jetty 12.1 (ee10): on 127.0.0.1 (or {@code $HOST};
 * {@code 0.0.0.0} for every interface), port 8080 (or {@code $PORT}). Stopping it (Ctrl-C) stops
 * Jetty, which deletes the WAR's unpacked copy. Not part of the WAR itself.
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
        String host = System.getenv().getOrDefault("HOST", "127.0.0.1");
        Server server = new Server();
        server.setStopAtShutdown(true); // Ctrl-C stops Jetty, and Jetty deletes the unpacked WAR
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
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
        String address = urlHost(host) + ":" + connector.getLocalPort();
        System.out.println("Tether example running on Jetty " + Server.getVersion() + " at " + host + ": http://" + address + "/");
        System.out.println("  Chat page:          http://" + address + "/");
        System.out.println("  Chat rooms:         ws://" + address + "/chat/{room}?name={name}");
        System.out.println("  Activity (SSE):     http://" + address + "/activity");
        System.out.println("  WebSocket echo:     ws://" + address + "/echo");
        System.out.println("  Server-sent events: http://" + address + "/events");
        server.join();
    }

    /** The host as a URL names it: every interface is reached on localhost, an IPv6 address in brackets. */
    private static String urlHost(String host) {
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            return "localhost";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
