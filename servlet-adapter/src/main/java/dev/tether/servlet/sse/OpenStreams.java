package dev.tether.servlet.sse;

import dev.tether.api.EventSource;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The streams a servlet or filter started and that are still open, to close when it is destroyed. */
final class OpenStreams {
    private final Set<EventSource> open = ConcurrentHashMap.newKeySet();

    /** Remembers {@code source} until it closes. */
    void track(EventSource source) {
        open.add(source);
        source.closed().whenComplete((ok, error) -> open.remove(source));
    }

    void closeAll() {
        List.copyOf(open).forEach(EventSource::close);
    }
}
