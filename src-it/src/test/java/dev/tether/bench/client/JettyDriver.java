package dev.tether.bench.client;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Jetty 12.1's own client ({@code org.eclipse.jetty.websocket.client.WebSocketClient}, on its
 * {@code HttpClient}), with Jetty's defaults except two a benchmark needs: messages up to 64 MiB
 * (Jetty's default is 64 KiB, and C2 sends 1 MiB; Tether's default is 64 MiB) and an idle timeout of
 * an hour (Jetty's 30 s would close C3's idle connections). The listener demands automatically and
 * completes each message's callback at once; sends pass the payload as it is (Jetty masks into a
 * buffer of its own, leaving it unchanged).
 */
public final class JettyDriver implements ClientDriver {
    private final WebSocketClient client = new WebSocketClient();

    JettyDriver() throws Exception {
        client.setMaxBinaryMessageSize(64L << 20);
        client.setIdleTimeout(Duration.ofHours(1));
        client.start();
    }

    @Override
    public CompletableFuture<Connection> connect(URI uri, byte[] payload, Handler handler) {
        Socket socket = new Socket(payload, handler);
        try {
            return client.connect(socket, uri).thenApply(session -> {
                socket.session = session;
                return socket;
            });
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void shutdown() throws Exception {
        client.stop();
    }

    /** Public: Jetty calls the listener's methods through public lookups. */
    public static final class Socket implements Session.Listener.AutoDemanding, Connection, Callback {
        private final ByteBuffer payload;
        private final Handler handler;
        volatile Session session;

        Socket(byte[] payload, Handler handler) {
            this.payload = ByteBuffer.wrap(payload);
            this.handler = handler;
        }

        @Override
        public void send() {
            session.sendBinary(payload.duplicate(), this);
        }

        @Override
        public void close() {
            session.close(1000, "", Callback.NOOP);
        }

        /** A send completed. */
        @Override
        public void succeed() {
        }

        /** A send failed. */
        @Override
        public void fail(Throwable error) {
            handler.onError(this, error);
        }

        @Override
        public void onWebSocketOpen(Session opened) {
            session = opened;
        }

        @Override
        public void onWebSocketBinary(ByteBuffer data, Callback callback) {
            int length = data.remaining();
            callback.succeed();
            if (length != payload.capacity()) {
                handler.onError(this, ClientDriver.unexpected("binary", length, payload.capacity()));
                return;
            }
            handler.onMessage(this);
        }

        @Override
        public void onWebSocketText(String text) {
            handler.onError(this, ClientDriver.unexpected("text", text.length(), payload.capacity()));
        }

        @Override
        public void onWebSocketError(Throwable error) {
            if (session != null) {
                handler.onError(this, error);
            }
        }

        @Override
        public void onWebSocketClose(int code, String reason, Callback callback) {
            callback.succeed();
            if (session != null) {
                handler.onClosed(this);
            }
        }
    }
}
