package dev.tether.client.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code java.net.http} WebSocket as the fixtures' reference client: a listener that turns
 * whole messages, pings, the close and errors into a queue the test awaits (with a deadline).
 */
final class JdkClient implements WebSocket.Listener {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    sealed interface Event permits Text, Binary, Ping, Close, Error {
    }

    /** A whole text message, and in how many parts the JDK delivered it (at least its frames). */
    record Text(String text, int parts) implements Event {
    }

    record Binary(byte[] data) implements Event {
    }

    record Ping(String data) implements Event {
    }

    record Close(int code, String reason) implements Event {
    }

    record Error(Throwable error) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private int textParts;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        textParts++;
        if (last) {
            events.add(new Text(text.toString(), textParts));
            text.setLength(0);
            textParts = 0;
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            events.add(new Binary(binary.toByteArray()));
            binary.reset();
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
        events.add(new Ping(StandardCharsets.UTF_8.decode(message).toString())); // the JDK answers with a pong itself
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        events.add(new Close(statusCode, reason));
        return null; // the JDK answers the close when this completes
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        events.add(new Error(error));
    }

    /** The next event, failing after {@link #TIMEOUT}. */
    Event next() throws InterruptedException {
        Event event = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(event, "no WebSocket event within " + TIMEOUT);
        return event;
    }

    /** The next event, which must be of {@code type}. */
    <T extends Event> T next(Class<T> type) throws InterruptedException {
        return assertInstanceOf(type, next());
    }

    /** Sends {@code text} and returns the text message that comes back. */
    String ask(WebSocket ws, String text) throws Exception {
        ws.sendText(text, true).toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return next(Text.class).text();
    }

    /** Expects the close handshake with {@code code} and {@code reason} to arrive next. */
    void expectClose(int code, String reason) throws InterruptedException {
        Close close = next(Close.class);
        assertEquals(new Close(code, reason), close);
    }
}
