package dev.tether.servlet.sse;

import dev.tether.api.EventSourceListener;
import dev.tether.runtime.sse.OpenStreams;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A servlet that serves server-sent events: each EventSource request gets a listener from
 * {@link #newListener}, whose {@code onOpen} receives the stream to send on. Other requests are
 * answered 406 Not Acceptable. Register it async-supported. Its open streams are closed when it is
 * destroyed.
 *
 * <pre>{@code
 * @WebServlet(urlPatterns = "/news", asyncSupported = true)
 * public class NewsServlet extends EventSourceServlet {
 *     protected EventSourceListener newListener(HttpServletRequest request) {
 *         return new EventSourceListener() {
 *             public void onOpen(EventSource events) { news.subscribe(events); }
 *         };
 *     }
 * }
 * }</pre>
 */
public abstract class EventSourceServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient OpenStreams open = new OpenStreams();

    /** A servlet with the default {@link #options()}; subclasses provide {@link #newListener}. */
    protected EventSourceServlet() {
    }

    /**
     * The options for streams started by this servlet; override to change the defaults.
     *
     * @return the options for the next stream; called on every request that gets one
     */
    protected EventSourceOptions options() {
        return EventSourceOptions.defaults();
    }

    /**
     * The listener for one new stream; its request is {@code request}.
     *
     * @param request the EventSource request
     * @return the listener for the stream, not null
     */
    protected abstract EventSourceListener newListener(HttpServletRequest request);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!EventSources.acceptsEventStream(request)) {
            response.sendError(HttpServletResponse.SC_NOT_ACCEPTABLE, "this resource serves text/event-stream only");
            return;
        }
        open.track(EventSources.start(request, response, options(), newListener(request)));
    }

    /** Closes the streams this servlet started: the application is stopping. */
    @Override
    public void destroy() {
        open.closeAll();
        super.destroy();
    }
}
