package dev.tether.client;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.sse.ReceivedEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An EventSource listener that writes down what it hears, one line per call, for tests to take in
 * order: {@code open <status> <path>}, {@code event <id> <type> <data>} (line feeds as {@code \n}),
 * {@code retry <ms>}, {@code comment <text>}, {@code reconnecting <reason>},
 * {@code close <reason>} ({@code close -} when closed by the user). Causes and delays are kept too.
 */
class EventLog implements EventSourceConnection.Listener {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<EventSourceException> reconnectCauses = new CopyOnWriteArrayList<>();
    final List<Duration> reconnectDelays = new CopyOnWriteArrayList<>();
    /** The connection's state as each onReconnecting heard it. */
    final List<EventSourceConnection.State> reconnectStates = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    /** Completes with the cause given to onClose, or null. */
    final CompletableFuture<EventSourceException> closed = new CompletableFuture<>();

    /** The next line, waiting for it. */
    String next() throws InterruptedException {
        String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) fail("the listener heard nothing within " + WAIT);
        return line;
    }

    /** The lines heard so far that nobody has taken. */
    List<String> rest() {
        return List.copyOf(lines);
    }

    /** The cause onClose got, waiting for it. */
    EventSourceException awaitClose() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    static String event(String id, String type, String data) {
        return "event " + id + " " + type + " " + data.replace("\n", "\\n");
    }

    @Override
    public void onOpen(EventSourceConnection connection, EventSourceConnection.Response response) {
        heard("open " + response.status() + " " + response.uri().getPath());
    }

    @Override
    public void onEvent(EventSourceConnection connection, ReceivedEvent event) {
        heard(event(event.id(), event.type(), event.data()));
    }

    @Override
    public void onRetry(EventSourceConnection connection, Duration delay) {
        heard("retry " + delay.toMillis());
    }

    @Override
    public void onComment(EventSourceConnection connection, String text) {
        heard("comment " + text);
    }

    @Override
    public void onReconnecting(EventSourceConnection connection, Duration delay, EventSourceException cause) {
        reconnectCauses.add(cause);
        reconnectDelays.add(delay);
        reconnectStates.add(connection.state());
        heard("reconnecting " + cause.reason());
    }

    @Override
    public void onClose(EventSourceConnection connection, EventSourceException cause) {
        heard("close " + (cause == null ? "-" : cause.reason()));
        closed.complete(cause);
    }

    private void heard(String line) {
        threads.add(Thread.currentThread().getName());
        lines.add(line);
    }
}
