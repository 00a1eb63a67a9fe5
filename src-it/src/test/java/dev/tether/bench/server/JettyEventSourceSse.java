package dev.tether.bench.server;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlets.EventSource;
import org.eclipse.jetty.ee10.servlets.EventSourceServlet;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Jetty's own SSE: its EventSourceServlet, each event written to each emitter in turn (blocking). */
final class JettyEventSourceSse extends EventSourceServlet implements SsePublisher {
    private static final long serialVersionUID = 1L;

    private final transient List<EventSource.Emitter> emitters = new CopyOnWriteArrayList<>();

    @Override
    protected EventSource newEventSource(HttpServletRequest request) {
        return new EventSource() {
            private EventSource.Emitter emitter;

            @Override
            public void onOpen(EventSource.Emitter opened) {
                this.emitter = opened;
                emitters.add(opened);
            }

            @Override
            public void onClose() {
                emitters.remove(emitter);
            }
        };
    }

    @Override
    public long publish(double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long published = 0;
        while (System.nanoTime() < end) {
            for (EventSource.Emitter emitter : emitters) {
                try {
                    emitter.data(PAYLOAD);
                } catch (IOException gone) {
                    emitters.remove(emitter);
                }
            }
            published++;
        }
        return published;
    }

    @Override
    public int subscribers() {
        return emitters.size();
    }
}
