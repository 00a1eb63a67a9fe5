package dev.tether.servlet.sse;

import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.Objects;

/**
 * Server-sent events from any servlet or filter (which must be async-supported):
 *
 * <pre>{@code
 * if (EventSources.isEventSource(request)) {
 *     EventSource events = EventSources.start(request, response, options);
 *     events.send(SseEvent.data("Breaking News!").event("notification").id("99"));
 *     return;
 * }
 * }</pre>
 *
 * <p>The response is {@code 200} with {@code Content-Type: text/event-stream;charset=UTF-8},
 * {@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no} (and never
 * {@code Connection: close}: HTTP/1.1 chunking frames the stream, and the header is not allowed in
 * HTTP/2). The head is flushed at once and every event as it is written, without blocking. The
 * container's async timeout is switched off for the stream ({@code AsyncContext.setTimeout(0)}):
 * the keepalive ping keeps proxies from closing a quiet stream and finds clients that are gone.
 */
public final class EventSources {
    private static final EventSourceListener NO_LISTENER = new EventSourceListener() {
    };

    private EventSources() {
    }

    /**
     * Whether {@code request} is an EventSource request: a GET whose {@code Accept} header lists
     * {@code text/event-stream} (among any other media ranges, any case, with parameters; not with
     * {@code q=0}). Wildcards such as {@code *}{@code /*} do not count: browsers and EventSource
     * clients name the type.
     */
    public static boolean isEventSource(HttpServletRequest request) {
        return "GET".equals(request.getMethod()) && AcceptHeader.lists(request.getHeaders("Accept"), "text/event-stream");
    }

    /** As {@link #start(HttpServletRequest, HttpServletResponse, EventSourceOptions, EventSourceListener)} with no listener. */
    public static EventSource start(HttpServletRequest request, HttpServletResponse response, EventSourceOptions options) {
        return start(request, response, options, NO_LISTENER);
    }

    /**
     * Starts an event stream on {@code response}: sends the head (and {@code retry} if set), starts
     * async processing (or takes over the async context already started, switching its timeout
     * off) and returns the open stream. The servlet or filter must return without writing to the
     * response afterwards. The listener's {@code onOpen} has run when this returns.
     *
     * <p>When the client is already gone the returned stream is {@code CLOSED} and no listener event
     * fires.
     *
     * @throws IllegalStateException when the request does not support async processing: mark the
     *                               servlet and every filter in front of it async-supported
     */
    public static EventSource start(HttpServletRequest request, HttpServletResponse response,
                                    EventSourceOptions options, EventSourceListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        if (!request.isAsyncStarted() && !request.isAsyncSupported()) {
            throw new IllegalStateException("an event stream needs async processing: mark the servlet and every filter"
                    + " in front of it async-supported (<async-supported>true</async-supported>)");
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("the response is already committed: start the event stream before writing anything");
        }
        return ServletEventSource.start(request, response, options, listener);
    }
}
