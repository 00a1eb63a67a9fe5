package dev.tether.bench.client;

import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.client.ClientOptions;
import dev.tether.client.ProxyOptions;
import dev.tether.client.WebSocketClient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Tether's client with its defaults (selector threads: one per core up to two; the runtime's shared
 * executor), no proxy lookup, and listeners that accept lent buffers, so a large message is read into
 * a pooled buffer (the benchmark only looks at its length).
 */
final class TetherDriver implements ClientDriver {
    private static final ClientOptions OPTIONS = ClientOptions.builder().proxy(ProxyOptions.none()).build();

    private final WebSocketClient client = WebSocketClient.create();

    @Override
    public CompletableFuture<Connection> connect(URI uri, byte[] payload, Handler handler) {
        Socket socket = new Socket(payload, handler);
        return client.connect(uri, OPTIONS, socket).toCompletableFuture().thenApply(ws -> {
            socket.ws = ws;
            return socket;
        });
    }

    @Override
    public void shutdown() {
        client.close();
    }

    private static final class Socket implements WebSocketListener, Connection {
        private final byte[] payload;
        private final Handler handler;
        private final BiConsumer<Void, Throwable> sent;
        volatile WebSocket ws;

        Socket(byte[] payload, Handler handler) {
            this.payload = payload;
            this.handler = handler;
            this.sent = (done, error) -> {
                if (error != null) {
                    handler.onError(this, error);
                }
            };
        }

        @Override
        public void send() {
            ws.send(payload).whenComplete(sent);
        }

        @Override
        public void close() {
            ws.close(1000, "");
        }

        @Override
        public void onOpen(WebSocket socket) {
            ws = socket; // heard before the connect's stage completes
        }

        @Override
        public boolean acceptsLentBuffers() {
            return true;
        }

        @Override
        public void onBinary(WebSocket socket, ByteBuffer data) {
            if (data.remaining() != payload.length) {
                handler.onError(this, ClientDriver.unexpected("binary", data.remaining(), payload.length));
                return;
            }
            handler.onMessage(this);
        }

        @Override
        public void onText(WebSocket socket, String text) {
            handler.onError(this, ClientDriver.unexpected("text", text.length(), payload.length));
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            handler.onError(this, error);
        }

        @Override
        public void onClose(WebSocket socket, CloseStatus status) {
            handler.onClosed(this);
        }
    }
}
