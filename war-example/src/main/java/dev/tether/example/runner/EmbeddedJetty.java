package dev.tether.example.runner;

import dev.tether.example.Endpoints;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ClassMatcher;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the example WAR, unchanged, on embedded Jetty 12.1 (ee10): on 127.0.0.1 (or {@code $HOST};
 * {@code 0.0.0.0} for every interface), port 8080 (or {@code $PORT}). With {@code $TETHER_REDIS_URL}
 * (or {@code -Dtether.redis.url}) the chat is shared with every node started with the same URL; it
 * prints which way it runs. Stopping it (Ctrl-C) stops Jetty, which deletes the WAR's unpacked copy.
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
        // Except SLF4J, which the Redis client needs: the WAR brings its own copy for containers
        // without one, and that copy would find Jetty's logging but not be let in to load it.
        // Taking Jetty's puts the Redis client's log lines in Jetty's log.
        webapp.addProtectedClassMatcher(new ClassMatcher("org.slf4j."));
        // A web app that fails to start (a wrong Redis URL, say) stops the runner instead of serving 503s.
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        try {
            server.start();
        } catch (Exception e) { // Jetty has logged it in full
            server.stop();
            System.err.println("The example did not start: " + e.getMessage());
            System.exit(1);
        }
        String address = urlHost(host) + ":" + connector.getLocalPort();
        System.out.println("Tether example running on Jetty " + Server.getVersion() + " at " + host + ": http://" + address + "/");
        System.out.println("  Chat page:          http://" + address + "/");
        System.out.println("  Chat rooms:         ws://" + address + "/chat/{room}?name={name}");
        System.out.println("  Activity (SSE):     http://" + address + "/activity");
        System.out.println("  WebSocket echo:     ws://" + address + "/echo");
        System.out.println("  Server-sent events: http://" + address + "/events");
        // Set by the application's Endpoints listener: "alone", or "with Redis at <url>". The name is a
        // constant, compiled into this class: the runner loads none of the application's classes.
        System.out.println("  Chat runs:          " + webapp.getServletContext().getAttribute(Endpoints.MODE));
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
