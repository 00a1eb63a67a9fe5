package dev.tether.runtime.sse;

import dev.tether.api.EventSource;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams that are still open, to close together when whatever started them stops (a servlet or
 * filter being destroyed, a server shutting down). Thread-safe; a stream leaves by itself when it
 * closes.
 */
public final class OpenStreams {
    private final Set<EventSource> open = ConcurrentHashMap.newKeySet();

    /** An empty set of streams. */
    public OpenStreams() {
    }

    /**
     * Remembers {@code source} until it closes; returns it.
     *
     * @param source the stream to close with the others
     * @return {@code source}, for chaining
     */
    public EventSource track(EventSource source) {
        open.add(source);
        source.closed().whenComplete((ok, error) -> open.remove(source));
        return source;
    }

    /**
     * The number of streams still open.
     *
     * @return how many tracked streams have not closed yet
     */
    public int size() {
        return open.size();
    }

    /** Closes every stream still open; each ends once what it has queued is written. */
    public void closeAll() {
        List.copyOf(open).forEach(EventSource::close);
    }
}
