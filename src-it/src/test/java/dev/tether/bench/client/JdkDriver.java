package dev.tether.bench.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The JDK's {@code java.net.http.WebSocket}, on one {@link HttpClient} with its defaults. Its API
 * allows one send in progress per socket (another throws), so the glue queues the rest and sends the
 * next when the last completes, as an application must; and it hands a message over in parts, so
 * the glue adds up their lengths. Demand: everything, once, at open.
 */
final class JdkDriver implements ClientDriver {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @Override
    public CompletableFuture<Connection> connect(URI uri, byte[] payload, Handler handler) {
        Socket socket = new Socket(payload, handler);
        return client.newWebSocketBuilder().buildAsync(uri, socket).thenApply(ws -> {
            socket.ws = ws;
            return socket;
        });
    }

    @Override
    public void shutdown() {
        // HttpClient has no close on Java 17; its threads are daemons and end with the process.
    }

    private static final class Socket implements WebSocket.Listener, Connection {
        private final ByteBuffer payload;
        private final Handler handler;
        private final BiConsumer<WebSocket, Throwable> sent = this::sent;
        volatile WebSocket ws;
        /** Sends waiting for the one in progress, and whether one is; guarded by this. */
        private int queued;
        private boolean sending;
        private boolean closeWhenSent;
        /** Bytes of the message arriving so far; touched by the one thread delivering. */
        private int received;

        Socket(byte[] payload, Handler handler) {
            this.payload = ByteBuffer.wrap(payload); // sent as duplicates; the JDK masks into its own buffer
            this.handler = handler;
        }

        @Override
        public void send() {
            synchronized (this) {
                if (sending) {
                    queued++;
                    return;
                }
                sending = true;
            }
            ws.sendBinary(payload.duplicate(), true).whenComplete(sent);
        }

        private void sent(WebSocket socket, Throwable error) {
            if (error != null) {
                handler.onError(this, error);
                return;
            }
            boolean next = false;
            boolean close = false;
            synchronized (this) {
                if (queued > 0) {
                    queued--;
                    next = true;
                } else {
                    sending = false;
                    close = closeWhenSent;
                    closeWhenSent = false;
                }
            }
            if (next) {
                socket.sendBinary(payload.duplicate(), true).whenComplete(sent);
            } else if (close) {
                sendClose();
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (sending) {
                    closeWhenSent = true; // sendClose too waits for the send in progress
                    return;
                }
            }
            sendClose();
        }

        private void sendClose() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((socket, error) -> {
                if (error != null) {
                    handler.onError(this, error);
                }
            });
        }

        @Override
        public void onOpen(WebSocket socket) {
            ws = socket;
            socket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            received += data.remaining();
            if (last) {
                int length = received;
                received = 0;
                if (length != payload.capacity()) {
                    handler.onError(this, ClientDriver.unexpected("binary", length, payload.capacity()));
                } else {
                    handler.onMessage(this);
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            handler.onError(this, ClientDriver.unexpected("text", data.length(), payload.capacity()));
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            handler.onClosed(this);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            handler.onError(this, error);
            handler.onClosed(this); // onError ends the socket: no onClose follows
        }
    }
}
