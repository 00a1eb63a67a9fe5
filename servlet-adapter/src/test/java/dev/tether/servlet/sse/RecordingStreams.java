package dev.tether.servlet.sse;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** An {@link EventSourceServlet} that hands every stream it opens to the test, and counts closes. */
final class RecordingStreams extends EventSourceServlet implements AutoCloseable {
    private static final long serialVersionUID = 1L;

    final transient BlockingQueue<EventSource> opened = new LinkedBlockingQueue<>();
    final transient BlockingQueue<EventSource> closed = new LinkedBlockingQueue<>();
    final AtomicInteger closes = new AtomicInteger();
    private final transient List<EventSource> all = new CopyOnWriteArrayList<>();
    private final transient EventSourceOptions options;
    private final transient Consumer<EventSource> onOpen;

    RecordingStreams(EventSourceOptions options) {
        this(options, source -> { });
    }

    /** {@code onOpen} runs in the stream's open event, before the test sees the stream. */
    RecordingStreams(EventSourceOptions options, Consumer<EventSource> onOpen) {
        this.options = options;
        this.onOpen = onOpen;
    }

    @Override
    protected EventSourceOptions options() {
        return options;
    }

    @Override
    protected EventSourceListener newListener(HttpServletRequest request) {
        return new EventSourceListener() {
            @Override
            public void onOpen(EventSource source) {
                all.add(source);
                onOpen.accept(source);
                opened.add(source);
            }

            @Override
            public void onClose(EventSource source) {
                closes.incrementAndGet();
                closed.add(source);
            }
        };
    }

    /** Closes every stream, so that stopping the container does not wait for them (Tomcat would, 2 s). */
    @Override
    public void close() {
        all.forEach(EventSource::close);
    }

    EventSource awaitOpen() throws InterruptedException {
        EventSource source = opened.poll(SseClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(source, "no stream opened within " + SseClient.TIMEOUT);
        return source;
    }

    EventSource awaitClose() throws InterruptedException {
        EventSource source = closed.poll(SseClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(source, "no stream closed within " + SseClient.TIMEOUT);
        return source;
    }
}
