package dev.tether.bench.client;

import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Java-WebSocket (org.java-websocket) 1.6's client: one {@link WebSocketClient} per connection, as its
 * API has it, each with its own threads (a reading thread, a writing thread, and the lost-connection
 * checker's), on a blocking socket. Defaults, except TCP_NODELAY, which it offers as a setting and
 * every other client here has on.
 */
final class JavaWebSocketDriver implements ClientDriver {

    @Override
    public CompletableFuture<Connection> connect(URI uri, byte[] payload, Handler handler) {
        Client client = new Client(uri, payload, handler);
        client.setTcpNoDelay(true);
        client.connect(); // starts the client's reading thread, which connects
        return client.opened;
    }

    @Override
    public void shutdown() {
        // nothing shared: each connection's threads end with it
    }

    private static final class Client extends WebSocketClient implements Connection {
        private final byte[] payload;
        private final Handler handler;
        final CompletableFuture<Connection> opened = new CompletableFuture<>();

        Client(URI uri, byte[] payload, Handler handler) {
            super(uri);
            this.payload = payload;
            this.handler = handler;
        }

        @Override
        public void send() {
            try {
                send(payload);
            } catch (RuntimeException e) {
                handler.onError(this, e);
            }
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
            opened.complete(this);
        }

        @Override
        public void onMessage(ByteBuffer bytes) {
            if (bytes.remaining() != payload.length) {
                handler.onError(this, ClientDriver.unexpected("binary", bytes.remaining(), payload.length));
                return;
            }
            handler.onMessage(this);
        }

        @Override
        public void onMessage(String message) {
            handler.onError(this, ClientDriver.unexpected("text", message.length(), payload.length));
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            if (opened.completeExceptionally(new IOException("closed before it opened: " + code + " " + reason))) {
                return;
            }
            handler.onClosed(this);
        }

        @Override
        public void onError(Exception error) {
            if (opened.completeExceptionally(error)) {
                return;
            }
            handler.onError(this, error);
        }
    }
}
