package dev.tether.servlet.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The JDK's own WebSocket client, collecting whole messages and the close for tests to wait on. */
public final class JdkClient implements WebSocket.Listener, AutoCloseable {
    public final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A listener not yet connected: build the socket with your own builder and assign it to {@link #socket}. */
    public JdkClient() {
    }

    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final CompletableFuture<String> closeFrame = new CompletableFuture<>();
    public final CompletableFuture<Throwable> error = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);
    public WebSocket socket;

    public static JdkClient connect(URI uri, String... subprotocols) throws Exception {
        JdkClient client = new JdkClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.socket = builder.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
        return client;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer grown = ByteBuffer.allocate(binary.remaining() + data.remaining());
        grown.put(binary).put(data).flip();
        binary = grown;
        if (last) {
            messages.add(binary);
            binary = ByteBuffer.allocate(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        closeFrame.complete(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable e) {
        error.complete(e);
        closed.completeExceptionally(e);
        closeFrame.completeExceptionally(e);
    }

    /** Sends a whole text message. */
    public CompletableFuture<?> sendText(String message) {
        return socket.sendText(message, true);
    }

    /** The peer's close frame as "code reason". */
    public String awaitClose() throws Exception {
        return closeFrame.get(10, TimeUnit.SECONDS);
    }

    /** The next whole message: a String or a ByteBuffer. */
    public Object next() throws InterruptedException {
        Object message = messages.poll(20, TimeUnit.SECONDS);
        assertNotNull(message, "no message within 20 s");
        return message;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
