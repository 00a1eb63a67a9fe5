package dev.tether.broker.redis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A plain server-sent events reader over the JDK's HTTP client, with the {@code Last-Event-ID} of
 * the caller's choice and no reconnection of its own: what a test needs to move a client between
 * nodes by hand.
 */
final class EventStreamReader implements AutoCloseable {
    /** One event as the client saw it. */
    record Event(String type, String data, String id) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** The values of the {@code retry:} lines received, in order. */
    final BlockingQueue<String> retries = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Stream<String> lines;

    private EventStreamReader(URI uri, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        if (lastEventId != null) request.header("Last-Event-ID", lastEventId);
        response = HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(r -> {
            lines = r.body();
            StringBuilder data = new StringBuilder();
            String[] type = {"message"};
            String[] id = {""};
            try {
                lines.forEach(line -> {
                    if (line.isEmpty()) {
                        if (!data.isEmpty()) {
                            events.add(new Event(type[0], data.substring(0, data.length() - 1), id[0]));
                        }
                        data.setLength(0);
                        type[0] = "message";
                    } else if (line.startsWith("data:")) {
                        data.append(value(line)).append('\n');
                    } else if (line.startsWith("event:")) {
                        type[0] = value(line);
                    } else if (line.startsWith("id:")) {
                        id[0] = value(line);
                    } else if (line.startsWith("retry:")) {
                        retries.add(value(line));
                    }
                });
            } catch (RuntimeException closed) {
                // The test closed the stream.
            }
        });
    }

    static EventStreamReader open(URI uri, String lastEventId) {
        return new EventStreamReader(uri, lastEventId);
    }

    private static String value(String line) {
        int colon = line.indexOf(':');
        String value = line.substring(colon + 1);
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    /** The next event, waiting at most 10 s. */
    Event next() throws InterruptedException {
        Event event = events.poll(10, TimeUnit.SECONDS);
        if (event == null) throw new AssertionError("no event within 10 s");
        return event;
    }

    /** The next event if one comes within {@code millis}, else null. */
    Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        response.cancel(true);
        Stream<String> open = lines;
        if (open != null) open.close();
    }
}
