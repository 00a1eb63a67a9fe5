package dev.tether.client.peers;

import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RunningServer;

import java.net.URI;

/** Tether's servlet adapter on an embedded container, serving {@link TetherEchoServlet} at every path. */
public final class TetherPeer implements Peer {
    private final RunningServer server;

    private TetherPeer(RunningServer server) {
        this.server = server;
    }

    /** Started on {@code container}, supporting {@code protocols}. */
    public static TetherPeer start(Container container, String... protocols) throws Exception {
        return new TetherPeer(container.start(registrar -> registrar.addServlet("/*", new TetherEchoServlet(protocols))));
    }

    /** Started on {@code container} with {@code options} (extensions, limits …). */
    public static TetherPeer start(Container container, WebSocketOptions options) throws Exception {
        return new TetherPeer(container.start(registrar -> registrar.addServlet("/*", new TetherEchoServlet(options))));
    }

    @Override
    public String name() {
        return "Tether on " + server.name();
    }

    @Override
    public URI uri(String path) {
        return server.wsUri(path);
    }

    @Override
    public void close() {
        server.close();
    }
}
