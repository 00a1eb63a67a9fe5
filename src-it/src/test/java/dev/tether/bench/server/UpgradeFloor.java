package dev.tether.bench.server;

import dev.tether.driver.handshake.AcceptKey;
import dev.tether.runtime.Transport;
import dev.tether.servlet.upgrade.ContainerUpgrade;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * S3's floor: what a container's upgraded connection costs before any WebSocket library keeps a
 * byte. The servlet answers the handshake (101 with a correct {@code Sec-WebSocket-Accept}, from the
 * core's {@link AcceptKey}, which keeps nothing) and takes the connection over by one of two
 * {@link Route}s, and what it keeps is only the one thing every library must: something reading the
 * connection's input (it discards what arrives and closes at its end).
 *
 * <p>{@link Route#PORTABLE} ({@code tomcat-floor}) upgrades through {@code HttpServletRequest.upgrade}
 * with a read listener on the upgraded input: any library on the portable servlet path holds at least
 * this much per connection, so a memory ratio below the floor's own is out of reach for all of them.
 * {@link Route#CONTAINER} ({@code jetty-floor}) upgrades through Tether's own {@link ContainerUpgrade}
 * instead, because Jetty 12.1's {@code HttpServletRequest.upgrade} delivers no input: on Jetty that is
 * Jetty's servlet dispatch and handshake, then Jetty's endpoint taken over by Tether's transport (a
 * Jetty connection, as Jetty's own WebSocket has one) with an inbound that drops what it reads. Nothing
 * of a WebSocket connection is kept: no parser, no queues, no timers.
 */
public class UpgradeFloor extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** As Tether's defaults ({@code ConnectionOptions.readBufferSize}, {@code WebSocketOptions.readTurnBytes}). */
    private static final ContainerUpgrade.TransportSettings SETTINGS =
            new ContainerUpgrade.TransportSettings(64 << 10, 256 << 10);

    /** How the connection is taken over after the 101. */
    public enum Route {
        /** {@code HttpServletRequest.upgrade}, with a read listener on the upgraded input (Tomcat's floor). */
        PORTABLE,
        /** Tether's {@link ContainerUpgrade}, with a transport that reads and drops (Jetty's floor). */
        CONTAINER
    }

    private final Route route;

    /** The portable floor. */
    public UpgradeFloor() {
        this(Route.PORTABLE);
    }

    public UpgradeFloor(Route route) {
        this.route = route;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, jakarta.servlet.ServletException {
        String key = request.getHeader("Sec-WebSocket-Key");
        if (key == null || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "not a WebSocket handshake");
            return;
        }
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        response.setHeader("Upgrade", "websocket");
        response.setHeader("Connection", "Upgrade");
        response.setHeader("Sec-WebSocket-Accept", AcceptKey.accept(key.trim()));
        if (route == Route.CONTAINER) {
            ContainerUpgrade.upgrade(request, response, SETTINGS, new Drop());
        } else {
            request.upgrade(Handler.class);
        }
    }

    /** The container route's connection: reads whatever comes and drops it, closes at the input's end. */
    private static final class Drop implements ContainerUpgrade.Upgraded, Transport.Inbound {
        private volatile Transport transport;

        @Override
        public void start(Transport t) {
            transport = t;
            t.start(this);
        }

        @Override
        public void startFailed(Throwable cause) {
            // never upgraded: nothing to release
        }

        @Override
        public boolean wantsInput() {
            return true;
        }

        @Override
        public void onInput(ByteBuffer bytes) {
            bytes.position(bytes.limit()); // dropped
        }

        @Override
        public void onEndOfInput() {
            transport.close();
        }

        @Override
        public void onFailure(Throwable error) {
            transport.abort();
        }
    }

    /** Holds the connection's input and nothing else; reads and drops whatever comes. */
    public static final class Handler implements HttpUpgradeHandler {
        public Handler() {
        }

        @Override
        public void init(WebConnection connection) {
            try {
                ServletInputStream in = connection.getInputStream();
                in.setReadListener(new Discard(connection, in));
            } catch (IOException e) {
                close(connection);
            }
        }

        @Override
        public void destroy() {
        }
    }

    private record Discard(WebConnection connection, ServletInputStream in) implements ReadListener {
        private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

        @Override
        public void onDataAvailable() throws IOException {
            byte[] scratch = SCRATCH.get();
            while (in.isReady() && in.read(scratch) >= 0) {
                // dropped
            }
        }

        @Override
        public void onAllDataRead() {
            close(connection);
        }

        @Override
        public void onError(Throwable error) {
            close(connection);
        }
    }

    private static void close(WebConnection connection) {
        try {
            connection.close();
        } catch (Exception ignored) {
            // gone already
        }
    }
}
