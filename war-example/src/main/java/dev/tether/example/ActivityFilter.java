package dev.tether.example;

import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import dev.tether.servlet.sse.EventSourceFilter;
import dev.tether.servlet.sse.EventSourceOptions;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;

import java.time.Duration;

/**
 * The chat rooms' {@link Activity} as server-sent events at {@code /activity} (EventSource requests
 * only; others pass through). Reconnecting clients resume with {@code Last-Event-ID}.
 *
 * <pre>{@code curl -N -H 'Accept: text/event-stream' http://localhost:8080/activity}</pre>
 */
public class ActivityFilter extends EventSourceFilter {
    private static final EventSourceOptions OPTIONS = EventSourceOptions.builder()
            .retry(Duration.ofSeconds(1))
            .build();

    public ActivityFilter() {
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        Object activity = config.getServletContext().getAttribute(Activity.ATTRIBUTE);
        if (!(activity instanceof Activity feed)) {
            throw new ServletException("no activity feed in the servlet context: the " + Endpoints.class.getName()
                    + " listener must be declared in web.xml");
        }
        route("/activity", OPTIONS, new EventSourceListener() {
            @Override
            public void onOpen(EventSource source) {
                feed.subscribe(source);
            }
        });
    }
}
