package dev.tether.example;

import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.servlet.sse.EventSourceFilter;
import dev.tether.servlet.sse.EventSourceOptions;
import dev.tether.sse.SseEvent;
import jakarta.servlet.FilterConfig;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-sent events at {@code /events}: a numbered {@code tick} event with an id every second.
 * A client that reconnects with {@code Last-Event-ID} is sent the ticks it missed (the last five
 * minutes are kept), or a {@code reset} event when its id is older than that. Other requests to
 * {@code /events} pass through untouched.
 *
 * <pre>{@code curl -N -H 'Accept: text/event-stream' -H 'Last-Event-ID: 3' http://localhost:8080/events}</pre>
 *
 * The ticker thread belongs to this filter and stops with it, so undeploying the application leaves
 * no thread behind.
 *
 * <p>The ticks stay on this node, also when the chat runs as a cluster ({@link Endpoints}): each node
 * ticks on its own, with its own count, so a client that reconnects to another node resumes after
 * that node's tick of the same number (or is sent a reset).
 */
public class TickerFilter extends EventSourceFilter {
    private static final EventSourceOptions OPTIONS = EventSourceOptions.builder()
            .retry(Duration.ofSeconds(2))
            .header("Access-Control-Allow-Origin", "*") // the stream carries nothing private
            .build();

    private final EventBroadcaster ticks = new EventBroadcaster(300, 1 << 20);
    private final AtomicLong counter = new AtomicLong();
    private ScheduledExecutorService ticker;

    public TickerFilter() {
    }

    @Override
    public void init(FilterConfig config) {
        route("/events", OPTIONS, new EventSourceListener() {
            @Override
            public void onOpen(EventSource source) {
                ticks.subscribe(source);
            }
        });
        ticker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tether-example-ticker");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        long n = counter.incrementAndGet();
        ticks.broadcast(SseEvent.data("tick " + n).event("tick").id(Long.toString(n)));
    }

    @Override
    public void destroy() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.destroy(); // closes the open streams
    }
}
