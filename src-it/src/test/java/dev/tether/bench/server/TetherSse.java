package dev.tether.bench.server;

import dev.tether.api.EventSource;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.servlet.sse.EventSourceOptions;
import dev.tether.servlet.sse.EventSources;
import dev.tether.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Tether's SSE fan-out: one broadcaster, each event encoded once, non-blocking writes. */
final class TetherSse extends HttpServlet implements SsePublisher {
    private static final long serialVersionUID = 1L;
    /**
     * Broadcasts left unfinished: ~28 KB per subscriber at most. With 2048 the backlog (an entry per
     * event per subscriber, 2 million in all) outgrew the caches and delivery ran at 160k-500k
     * events/s from run to run; with 256 at 1.1M-1.9M.
     */
    private static final int WINDOW = 256;

    private final transient EventBroadcaster broadcaster = new EventBroadcaster();
    /** Notified at each subscription, for {@link #awaitSubscribers}. */
    private final transient Object subscribed = new Object();
    private final transient EventSourceOptions options = EventSourceOptions.builder()
            .pingInterval(Duration.ZERO).bufferLimit(4 << 20).build();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        EventSource source = EventSources.start(request, response, options);
        broadcaster.subscribe(source);
        synchronized (subscribed) {
            subscribed.notifyAll(); // a tick waiting for its subscribers counts again
        }
    }

    @Override
    public boolean awaitSubscribers(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (subscribed) {
            for (long left; broadcaster.size() < count; ) {
                if ((left = deadline - System.nanoTime()) <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(subscribed, left);
            }
            return true;
        }
    }

    /** Broadcasts as fast as the subscribers take it: at most {@value #WINDOW} broadcasts unfinished. */
    @Override
    public long publish(double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        ArrayDeque<CompletableFuture<Integer>> inFlight = new ArrayDeque<>();
        long published = 0;
        while (System.nanoTime() < end) {
            inFlight.add(broadcaster.broadcast(PAYLOAD));
            published++;
            if (inFlight.size() >= WINDOW) {
                inFlight.poll().join();
            }
        }
        inFlight.forEach(CompletableFuture::join);
        return published;
    }

    @Override
    public void publishOne(String data) {
        broadcaster.broadcast(SseEvent.data(data));
    }

    @Override
    public int subscribers() {
        return broadcaster.size();
    }
}
