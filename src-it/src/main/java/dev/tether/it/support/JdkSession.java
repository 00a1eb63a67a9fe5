package dev.tether.it.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.AssertionFailedError;

/**
 * A {@code java.net.http} WebSocket whose events (whole messages, pongs, the close, errors) are
 * queued for a test to take one by one under a deadline.
 */
public final class JdkSession implements WebSocket.Listener, AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Something the server did. */
    public sealed interface Event permits Message, Pong, Closed, Failed {
    }

    /** A whole message; {@code text} tells text from binary. */
    public record Message(boolean text, byte[] bytes) implements Event {
        public String string() {
            return new String(bytes, UTF_8);
        }
    }

    public record Pong(byte[] bytes) implements Event {
    }

    public record Closed(int code, String reason) implements Event {
    }

    public record Failed(Throwable error) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private WebSocket socket;

    private JdkSession() {
    }

    /** Opens a WebSocket to {@code uri}, offering {@code subprotocols} (if any). */
    public static JdkSession open(HttpClient client, URI uri, String... subprotocols) throws Exception {
        JdkSession session = new JdkSession();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        session.socket = await(builder.buildAsync(uri, session));
        return session;
    }

    public WebSocket socket() {
        return socket;
    }

    /** Waits for a send (or anything else) to complete, failing the test after {@link #TIMEOUT}. */
    public static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionFailedError("not done within " + TIMEOUT, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** The next event; fails the test if none comes within {@link #TIMEOUT}. */
    public Event next() throws InterruptedException {
        Event event = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) throw new AssertionFailedError("no event from the server within " + TIMEOUT);
        return event;
    }

    /** The next event, which must be of {@code type}. */
    public <E extends Event> E next(Class<E> type) throws InterruptedException {
        Event event = next();
        if (!type.isInstance(event)) {
            throw new AssertionFailedError("expected " + type.getSimpleName() + ", got " + describe(event));
        }
        return type.cast(event);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            events.add(new Message(true, text.toString().getBytes(UTF_8)));
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            events.add(new Message(false, binary.toByteArray()));
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        events.add(new Pong(bytes));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add(new Failed(error));
    }

    /** Drops the connection if the test left it open. */
    @Override
    public void close() {
        if (socket != null && !socket.isInputClosed()) socket.abort();
    }

    private static String describe(Event event) {
        if (event instanceof Message m) {
            return (m.text() ? "text" : "binary") + " message of " + m.bytes().length + " bytes"
                    + (m.bytes().length <= 64 ? " " + (m.text() ? m.string() : java.util.HexFormat.of().formatHex(m.bytes())) : "");
        }
        if (event instanceof Failed f) return "error " + f.error();
        return String.valueOf(event);
    }
}
