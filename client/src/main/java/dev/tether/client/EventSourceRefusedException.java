package dev.tether.client;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The server answered an EventSource request with something other than an event stream: a status
 * other than 200 ({@code 204 No Content} is how a server tells clients to stop reconnecting), or a
 * 200 whose {@code Content-Type} is not {@code text/event-stream}, or a redirect that is not followed
 * (no {@code Location}, from {@code https} to {@code http}, more than {@code maxRedirects}). As the
 * WHATWG specification says,
 * the connection then closes for good. Carries the answer: status, content type, headers and the
 * start of the body, which often says why.
 */
public final class EventSourceRefusedException extends EventSourceException {
    private static final long serialVersionUID = 1L;

    /** The URI that answered, after any redirects. */
    private final URI uri;
    /** The response's status code. */
    private final int status;
    /** The response's {@code Content-Type}, or null when it had none. */
    private final String contentType;
    private final transient Map<String, List<String>> headers;
    /** The start of the response's body as text; empty when there was none. */
    private final String bodyStart;

    /**
     * A refusal by the server at {@code uri}; the message says what the answer was.
     *
     * @param uri         the URI that answered (after redirects)
     * @param status      the response's status code
     * @param contentType the {@code Content-Type} header, or null when there was none
     * @param headers     the response's headers
     * @param bodyStart   the first bytes of the body as text, or empty
     */
    public EventSourceRefusedException(URI uri, int status, String contentType, Map<String, List<String>> headers,
                                       String bodyStart) {
        this(uri, status, contentType, headers, bodyStart, null);
    }

    /**
     * As {@link #EventSourceRefusedException(URI, int, String, Map, String)}, with a word on why
     * the answer was not taken further, shown in brackets after the status: a redirect that was
     * not followed says why ("Location: http://…: a redirect from https:// to http:// is never
     * followed").
     *
     * @param uri         the URI that answered (after redirects)
     * @param status      the response's status code
     * @param contentType the {@code Content-Type} header, or null when there was none
     * @param headers     the response's headers
     * @param bodyStart   the first bytes of the body as text, or empty
     * @param detail      why, or null
     */
    public EventSourceRefusedException(URI uri, int status, String contentType, Map<String, List<String>> headers,
                                       String bodyStart, String detail) {
        super(Reason.REFUSED, true, describe(uri, status, contentType, bodyStart, detail), null);
        this.uri = uri;
        this.status = status;
        this.contentType = contentType;
        this.headers = headers == null ? Map.of() : headers;
        this.bodyStart = bodyStart == null ? "" : bodyStart;
    }

    /**
     * The URI that answered, after any redirects.
     *
     * @return the URI of the refusing answer
     */
    public URI uri() {
        return uri;
    }

    /**
     * The response's status.
     *
     * @return the status code: 204, a 4xx or 5xx, a redirect not followed, or 200 with the wrong content type
     */
    public int status() {
        return status;
    }

    /**
     * The response's {@code Content-Type}, or null when it had none.
     *
     * @return the content type as sent, or null
     */
    public String contentType() {
        return contentType;
    }

    /**
     * The response's headers (names in any case, looked up ignoring case). Unmodifiable.
     *
     * @return the headers of the answer; empty when there were none, or after deserialization
     *         (they are not serialized)
     */
    public Map<String, List<String>> headers() {
        return headers == null ? Map.of() : headers;
    }

    /**
     * The start of the body (at most a few hundred bytes, decoded as UTF-8); empty when there was none.
     *
     * @return the start of the body, often the server's reason for the refusal; never null
     */
    public String bodyStart() {
        return bodyStart;
    }

    private static String describe(URI uri, int status, String contentType, String bodyStart, String detail) {
        String what;
        if (status == 204) {
            what = "answered 204 No Content: the server asks EventSource clients to stop reconnecting";
        } else if (status == 407) {
            what = "got 407 Proxy Authentication Required from the proxy, which wants credentials"
                    + " (ProxyOptions.of(http://user:password@host:port))"
                    + (uri != null && "https".equalsIgnoreCase(uri.getScheme())
                    ? "; for an https:// stream java.net.http sends Basic credentials on the proxy's CONNECT only when the"
                    + " JVM was started with -Djdk.http.auth.tunneling.disabledSchemes= (empty)" : "");
        } else if (status != 200) {
            what = "answered " + status + " instead of 200 with an event stream";
        } else {
            what = "answered 200 with " + (contentType == null ? "no Content-Type" : "Content-Type " + contentType)
                    + ", not text/event-stream";
        }
        if (detail != null && !detail.isBlank()) what += " (" + detail + ")";
        String body = bodyStart == null || bodyStart.isBlank() ? "" : ": " + bodyStart.strip();
        String shown = String.valueOf(uri);
        if (shown.length() > 120) shown = shown.substring(0, 117) + "…";
        return shown + " " + what + body;
    }
}
