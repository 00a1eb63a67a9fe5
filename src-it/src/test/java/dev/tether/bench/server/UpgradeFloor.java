package dev.tether.bench.server;

import dev.tether.driver.handshake.AcceptKey;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;

/**
 * S3's floor: what a container's upgraded connection costs before any WebSocket library keeps a
 * byte. The servlet answers the handshake (101 with a correct {@code Sec-WebSocket-Accept}, from the
 * core's {@link AcceptKey}, which keeps nothing) through {@code HttpServletRequest.upgrade}, and the
 * handler keeps only the one thing every library must: a read listener on the connection's input
 * (it discards what arrives and closes at its end). Any
 * library on the portable servlet path holds at least this much per connection, so a memory ratio
 * below the floor's own is out of reach for all of them.
 */
public class UpgradeFloor extends HttpServlet {
    private static final long serialVersionUID = 1L;

    public UpgradeFloor() {
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
        request.upgrade(Handler.class);
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
