package dev.tether.client.events;

import dev.tether.client.EventSourceRequest;
import dev.tether.client.net.Redirects;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * The HTTP requests of one attempt: the first to the stream's URI, then one for each redirect
 * followed. Each has {@code Accept: text/event-stream}, {@code Cache-Control: no-cache}, the last
 * event id and the proxy's headers; the user's own headers ({@code Authorization},
 * {@code Cookie} …) only until a redirect leads to another origin, after which they are never sent
 * again in this attempt (as the Fetch standard drops {@code Authorization}).
 */
final class StreamRequests {
    private static final System.Logger LOG = System.getLogger(StreamRequests.class.getName());

    private final EventSourceRequest request;
    private final StreamContext context;
    private final String lastEventId;
    private boolean userHeaders = true;

    StreamRequests(EventSourceRequest request, StreamContext context, String lastEventId) {
        this.request = request;
        this.context = context;
        this.lastEventId = lastEventId;
    }

    /** The request to the stream's own URI. */
    HttpRequest first() {
        if (!lastEventId.isEmpty() && !HeaderValues.isSendable(lastEventId)) {
            LOG.log(Level.WARNING, () -> request.uri() + ": " + unsendable(lastEventId));
        }
        return to(request.uri());
    }

    /** The request following a redirect from {@code from} to {@code target}. */
    HttpRequest next(URI from, URI target) {
        if (!Redirects.sameOrigin(from, target)) userHeaders = false;
        return to(target);
    }

    /** What a request without the last event id means, for messages. */
    static String unsendable(String id) {
        return "reconnecting without Last-Event-ID: the last event id \"" + id.replace("\r", "\\r").replace("\n", "\\n")
                + "\" is not printable ASCII, which java.net.http cannot send; the server cannot tell what was missed";
    }

    private HttpRequest to(URI target) {
        HttpRequest.Builder http = HttpRequest.newBuilder(target).GET()
                .timeout(context.connectTimeout())
                .header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache");
        if (userHeaders) request.headers().forEach(http::setHeader);
        if (!lastEventId.isEmpty() && HeaderValues.isSendable(lastEventId)) http.header("Last-Event-ID", lastEventId);
        context.proxyHeaders().forEach(http::setHeader);
        return http.build();
    }
}
