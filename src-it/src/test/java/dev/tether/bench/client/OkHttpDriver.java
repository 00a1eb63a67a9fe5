package dev.tether.bench.client;

import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * OkHttp 5's client ({@code okhttp-jvm}: OkHttp 5's plain {@code okhttp} artifact holds no classes for
 * Maven). Three settings differ from its defaults, each because the benchmark cannot run without it
 * or would measure something else: the dispatcher's limit of 64 running calls is lifted (a web
 * socket holds one of them, and its reading thread, for its whole life: C1 opens 100, C3 10,000);
 * the read timeout is off (as OkHttp's own web socket sample has it); and sockets get TCP_NODELAY,
 * which every other client here sets by itself and OkHttp does not (Nagle's algorithm would hold back
 * C1's small messages). The payload is one {@link ByteString} per connection, sent as it is.
 */
final class OkHttpDriver implements ClientDriver {
    private final OkHttpClient client;

    OkHttpDriver() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(Integer.MAX_VALUE);
        dispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
        client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .readTimeout(Duration.ZERO)
                .socketFactory(new NoDelaySockets())
                .build();
    }

    @Override
    public CompletableFuture<Connection> connect(URI uri, byte[] payload, Handler handler) {
        Link link = new Link(ByteString.of(payload), handler);
        link.ws = client.newWebSocket(new Request.Builder().url(uri.toString()).build(), link);
        return link.opened;
    }

    @Override
    public void shutdown() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private static final class Link extends WebSocketListener implements Connection {
        private final ByteString payload;
        private final Handler handler;
        final CompletableFuture<Connection> opened = new CompletableFuture<>();
        volatile WebSocket ws;

        Link(ByteString payload, Handler handler) {
            this.payload = payload;
            this.handler = handler;
        }

        @Override
        public void send() {
            if (!ws.send(payload)) {
                handler.onError(this, new IllegalStateException("OkHttp refused the send: closing, or 16 MiB queued"));
            }
        }

        @Override
        public void close() {
            ws.close(1000, null);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            opened.complete(this);
        }

        @Override
        public void onMessage(WebSocket webSocket, ByteString bytes) {
            if (bytes.size() != payload.size()) {
                handler.onError(this, ClientDriver.unexpected("binary", bytes.size(), payload.size()));
                return;
            }
            handler.onMessage(this);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            handler.onError(this, ClientDriver.unexpected("text", text.length(), payload.size()));
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(1000, null); // answers the server's close (does nothing when ours went first)
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            handler.onClosed(this);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable error, Response response) {
            if (opened.completeExceptionally(error)) {
                return;
            }
            handler.onError(this, error);
            handler.onClosed(this); // a failure ends the socket: no onClosed follows
        }
    }

    /** The JDK's plain sockets, with TCP_NODELAY. */
    private static final class NoDelaySockets extends SocketFactory {
        private final SocketFactory sockets = SocketFactory.getDefault();

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(sockets.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(sockets.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return noDelay(sockets.createSocket(address, port, localAddress, localPort));
        }
    }
}
