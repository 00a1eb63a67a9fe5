package dev.tether.servlet.sse;

import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import dev.tether.runtime.sse.EventStream;
import dev.tether.servlet.io.NonBlockingWriter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
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
 *
 * <p>This class is the servlet side only: the response head, the async context and a non-blocking
 * writer over the response's output stream. The stream itself (queueing, keepalive, overflow,
 * close) is the runtime's {@link EventStream}.
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
     *
     * @param request the request to look at
     * @return true when {@code request} asks for an event stream by name
     */
    public static boolean isEventSource(HttpServletRequest request) {
        return "GET".equals(request.getMethod()) && AcceptHeader.lists(request.getHeaders("Accept"), "text/event-stream");
    }

    /**
     * Whether a request to a path that serves nothing but an event stream should get it: an
     * {@linkplain #isEventSource EventSource request}, or a GET that takes anything, with no
     * {@code Accept} header or a wildcard ({@code *}{@code /*}, {@code text/*}) and no
     * {@code text/html} (curl, scripts, command-line clients). A browser opening the path as a page
     * asks for {@code text/html} and is not given a stream. {@link EventSourceFilter} routes and
     * {@link EventSourceServlet} answer by this.
     *
     * @param request the request to look at
     * @return true when {@code request} should be answered with an event stream
     */
    public static boolean acceptsEventStream(HttpServletRequest request) {
        if (isEventSource(request)) {
            return true;
        }
        return "GET".equals(request.getMethod()) && AcceptHeader.takesAnything(request.getHeaders("Accept"))
                && !AcceptHeader.lists(request.getHeaders("Accept"), "text/html");
    }

    /**
     * As {@link #start(HttpServletRequest, HttpServletResponse, EventSourceOptions, EventSourceListener)} with no listener.
     *
     * @param request  the EventSource request, async-supported
     * @param response the response the stream is written to, not yet committed
     * @param options  how the response and the stream behave
     * @return the open stream, or a {@code CLOSED} one when the client is already gone
     * @throws IllegalStateException when the request does not support async processing, or the
     *                               response is already committed
     */
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
     * @param request  the EventSource request, async-supported
     * @param response the response the stream is written to, not yet committed
     * @param options  how the response and the stream behave
     * @param listener the listener for the stream's events
     * @return the open stream, or a {@code CLOSED} one when the client is already gone
     * @throws IllegalStateException when the request does not support async processing: mark the
     *                               servlet and every filter in front of it async-supported; also
     *                               when the response is already committed
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
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx: pass each event on, do not buffer
        options.headers().forEach(response::setHeader);
        NonBlockingWriter.prepare(response);

        AsyncContext async = request.isAsyncStarted() ? request.getAsyncContext() : request.startAsync(request, response);
        async.setTimeout(0); // never the container's timeout: it would end quiet streams
        EventStream[] ofWriter = new EventStream[1]; // the writer reports to the stream, the stream stops the writer
        NonBlockingWriter writer = new NonBlockingWriter(error -> ofWriter[0].outputEnded("a write failed", error));
        EventStream stream = new EventStream(options.stream(), listener, urlOf(request), lastEventIdOf(request), () -> {
            writer.stop(); // no thread writes to the response once it is completed (and recycled)
            complete(async);
        });
        ofWriter[0] = stream;
        async.addListener(new ContainerEvents(stream));
        try {
            // Still blocking I/O until the write listener is set: commit the head at once.
            response.flushBuffer();
            writer.start(response.getOutputStream());
        } catch (IOException | RuntimeException e) {
            stream.outputEnded("the response head could not be sent", e);
            return stream;
        }
        stream.start(writer);
        return stream;
    }

    private static void complete(AsyncContext async) {
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            // The container completed the request first (client gone, or shutting down).
        }
    }

    private static String urlOf(HttpServletRequest request) {
        String query = request.getQueryString();
        return request.getRequestURL() + (query == null ? "" : "?" + query);
    }

    private static String lastEventIdOf(HttpServletRequest request) {
        String header = request.getHeader("Last-Event-ID");
        if (header != null) return header;
        String parameter = request.getParameter("lastEventId");
        return parameter != null ? parameter : "";
    }

    /** The container's view of the request: each of its ends is the end of the stream's output. */
    private record ContainerEvents(EventStream stream) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            stream.outputEnded("the container completed the response", null);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            stream.outputEnded("the container's async timeout fired although it was switched off", null);
        }

        @Override
        public void onError(AsyncEvent event) {
            stream.outputEnded("the container reported an error", event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // Not re-dispatched: nothing to do.
        }
    }
}
