package dev.tether.servlet.sse;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An EventSource client on the JDK's HttpClient: the response head as soon as it arrives, then
 * what the stream dispatches, parsed line by line as the WHATWG algorithm does (no thread per
 * client: lines are pushed by the HttpClient). Everything received goes to {@link #received}.
 */
final class SseClient implements Flow.Subscriber<String> {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A dispatched event: its type, data, and the client's last event id after it. */
    record Event(String type, String data, String lastEventId) {
    }

    /** A comment line (a ping is the empty comment). */
    record Comment(String text) {
    }

    /** A {@code retry} field. */
    record Retry(long millis) {
    }

    final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
    /** Completes when the server ends the stream; fails when the connection fails. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private String lastEventId = "";
    private volatile Flow.Subscription subscription;

    static HttpClient newHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    /** Starts a request with {@code Accept: text/event-stream} and the extra header pairs; does not wait. */
    static SseClient connect(HttpClient http, URI uri, String... headers) {
        SseClient client = new SseClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
        http.sendAsync(request.build(), info -> {
            client.head.complete(info);
            return HttpResponse.BodySubscribers.fromLineSubscriber(client);
        }).whenComplete((response, error) -> {
            if (error != null) {
                client.head.completeExceptionally(error);
                client.ended.completeExceptionally(error);
            }
        });
        return client;
    }

    HttpResponse.ResponseInfo awaitHead() throws Exception {
        return head.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next thing received, of any kind. */
    Object next() throws InterruptedException {
        Object item = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(item, "nothing received within " + TIMEOUT);
        return item;
    }

    /** The next dispatched event, skipping comments and retry fields. */
    Event nextEvent() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Object item = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (item == null) fail("no event within " + TIMEOUT);
            if (item instanceof Event event) return event;
        }
    }

    void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) s.cancel();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.startsWith(":")) {
            received.add(new Comment(line.substring(1).stripLeading()));
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        switch (field) {
            case "event" -> type = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) lastEventId = value;
            }
            case "retry" -> {
                if (value.matches("[0-9]+")) received.add(new Retry(Long.parseLong(value)));
            }
            default -> {
                // unknown fields are ignored
            }
        }
    }

    private void dispatch() {
        if (data.length() == 0) {
            type = "";
            return;
        }
        data.setLength(data.length() - 1);
        received.add(new Event(type.isEmpty() ? "message" : type, data.toString(), lastEventId));
        data.setLength(0);
        type = "";
    }

    @Override
    public void onError(Throwable error) {
        ended.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        ended.complete(null);
    }
}
