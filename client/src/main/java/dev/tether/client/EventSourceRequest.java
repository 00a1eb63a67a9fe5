package dev.tether.client;

import dev.tether.client.events.HeaderValues;
import dev.tether.sse.EventStreamParser;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link EventSourceClient} asks for, and how it keeps asking: the stream's URI, request
 * headers, the last event id to resume after, the reconnection delays and the size limit of one
 * event. Immutable; {@link #builder(URI)} starts from the defaults.
 *
 * <table class="striped">
 *   <caption>Options and defaults</caption>
 *   <thead><tr><th>option</th><th>default</th><th>meaning</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link Builder#header(String, String) header}</td><td>none</td><td>extra request headers
 *         ({@code Authorization}, {@code Cookie} …), sent with every (re)connection to the stream's
 *         origin, never across a redirect to another (see {@code maxRedirects}); the client sends
 *         {@code Accept: text/event-stream}, {@code Cache-Control: no-cache} (replaceable) and
 *         {@code Last-Event-ID} itself</td></tr>
 *     <tr><td>{@link Builder#lastEventId(String) lastEventId}</td><td>none</td><td>the id to resume
 *         after on the first connection, sent as {@code Last-Event-ID}; afterwards the stream's own
 *         last event id is sent</td></tr>
 *     <tr><td>{@link Builder#retry(Duration) retry}</td><td>3 s (as browsers)</td><td>the reconnection
 *         delay until the server sets one with a {@code retry:} field</td></tr>
 *     <tr><td>{@link Builder#minRetryDelay(Duration) minRetryDelay}</td><td>500 ms</td><td>the least
 *         any reconnection waits, whatever the retry delay ({@code retry: 0} included): browsers
 *         clamp it too, so that a server ending every stream at once cannot make a tight loop</td></tr>
 *     <tr><td>{@link Builder#maxRetryDelay(Duration) maxRetryDelay}</td><td>30 s</td><td>reconnections
 *         in a row without a working stream wait twice as long each time, up to this (never less
 *         than the retry delay); the first reconnection after a working stream waits the plain retry
 *         delay. A stream works once it has delivered an event or stayed open 30 s: one that the
 *         server ends at once, without an event, is a failure like a refused connection</td></tr>
 *     <tr><td>{@link Builder#maxServerRetry(Duration) maxServerRetry}</td><td>5 min</td><td>the longest
 *         reconnection delay a server's {@code retry:} may set; a longer one is taken as this (browsers
 *         take any, so a server, or whoever can write into its stream, could park the client for days)</td></tr>
 *     <tr><td>{@link Builder#maxReconnects(int) maxReconnects}</td><td>unlimited</td><td>reconnections in
 *         a row without a working stream in between; when one more would be needed, the connection
 *         closes with the last failure. 0 never reconnects</td></tr>
 *     <tr><td>{@link Builder#maxEventBytes(int) maxEventBytes}</td><td>1 MiB</td><td>the most one
 *         event may hold (its data and the line being read, as UTF-8); a larger one fails the stream,
 *         which reconnects ({@link EventSourceException.Reason#TOO_LARGE})</td></tr>
 *     <tr><td>{@link Builder#idleTimeout(Duration) idleTimeout}</td><td>5 min</td><td>how long an open
 *         stream may bring nothing at all (a half-open TCP connection brings nothing forever) before
 *         it is abandoned and reconnected ({@link EventSourceException.Reason#TIMEOUT}); timed from
 *         the response's head and from each chunk, 0 for never. The client's {@code connectTimeout}
 *         covers the time before the head</td></tr>
 *     <tr><td>{@link Builder#maxRedirects(int) maxRedirects}</td><td>5</td><td>redirects followed by one
 *         attempt (relative {@code Location}s resolved). The headers given here go only to the
 *         stream's own origin (scheme, host, port): once a redirect leads elsewhere, the attempt
 *         sends none of them, as the Fetch standard drops {@code Authorization}; never from
 *         {@code https} to {@code http}. A redirect not followed closes the connection
 *         ({@link EventSourceRefusedException}); reconnections ask the stream's URI again</td></tr>
 *   </tbody>
 * </table>
 */
public final class EventSourceRequest {
    /** The default {@link #retry()}: 3 seconds, as browsers wait. */
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(3);
    /** The default {@link #minRetryDelay()}: 500 milliseconds. */
    public static final Duration DEFAULT_MIN_RETRY_DELAY = Duration.ofMillis(500);
    /** The default {@link #idleTimeout()}: 5 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** The default {@link #maxRedirects()}: 5. */
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    /** The default {@link #maxServerRetry()}: 5 minutes. */
    public static final Duration DEFAULT_MAX_SERVER_RETRY = Duration.ofMinutes(5);
    /** The default {@link #maxRetryDelay()}: 30 seconds. */
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(30);

    private final URI uri;
    private final Map<String, String> headers;
    private final String lastEventId;
    private final Duration retry;
    private final Duration minRetryDelay;
    private final Duration maxRetryDelay;
    private final Duration maxServerRetry;
    private final int maxReconnects;
    private final int maxEventBytes;
    private final Duration idleTimeout;
    private final int maxRedirects;

    private EventSourceRequest(Builder b) {
        this.uri = b.uri;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.lastEventId = b.lastEventId;
        this.retry = b.retry;
        this.minRetryDelay = b.minRetryDelay;
        this.maxRetryDelay = b.maxRetryDelay;
        this.maxServerRetry = b.maxServerRetry;
        this.maxReconnects = b.maxReconnects;
        this.maxEventBytes = b.maxEventBytes;
        this.idleTimeout = b.idleTimeout;
        this.maxRedirects = b.maxRedirects;
    }

    /**
     * A request for {@code uri} with the default options.
     *
     * @param uri the stream's {@code http} or {@code https} URI, with a host and without a fragment
     * @return a request with every default of the table above
     * @throws IllegalArgumentException for another scheme, no host, or a fragment
     */
    public static EventSourceRequest of(URI uri) {
        return builder(uri).build();
    }

    /**
     * A builder for {@code uri}, an {@code http} or {@code https} URI with a host.
     *
     * @param uri the stream's URI
     * @return a builder holding {@code uri} and the defaults
     * @throws IllegalArgumentException for another scheme, no host, or a fragment
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * The stream's URI; reconnections ask it again (not where a redirect led).
     *
     * @return the URI given to the builder
     */
    public URI uri() {
        return uri;
    }

    /**
     * The extra request headers, in the order given. Unmodifiable.
     *
     * @return the headers by name; empty when none were given
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The id to resume after on the first connection; empty for none.
     *
     * @return the first {@code Last-Event-ID} to send, or the empty string
     */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * The reconnection delay until the server sends {@code retry:}.
     *
     * @return the initial reconnection delay; zero or more
     */
    public Duration retry() {
        return retry;
    }

    /**
     * The least any reconnection waits, whatever the retry delay.
     *
     * @return the shortest reconnection delay; at least 1 ms
     */
    public Duration minRetryDelay() {
        return minRetryDelay;
    }

    /**
     * The most a reconnection waits after failures in a row (but never less than the retry delay).
     *
     * @return the cap of the backoff
     */
    public Duration maxRetryDelay() {
        return maxRetryDelay;
    }

    /**
     * The longest reconnection delay a server's {@code retry:} may set; a longer one is taken as this.
     *
     * @return the bound of the server's retry delay
     */
    public Duration maxServerRetry() {
        return maxServerRetry;
    }

    /**
     * Reconnections in a row without a working stream (one that delivered an event or stayed open
     * 30 s) before giving up; {@link Integer#MAX_VALUE} for unlimited.
     *
     * @return the most failed reconnections in a row; 0 never reconnects
     */
    public int maxReconnects() {
        return maxReconnects;
    }

    /**
     * The most bytes one event may hold.
     *
     * @return the limit of one event's data and the line being read, in UTF-8 bytes
     */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /**
     * How long an open stream may bring nothing before it is abandoned and reconnected; zero for never.
     *
     * @return the idle timeout of an open stream
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * How many redirects one connection attempt follows.
     *
     * @return the most redirects followed; 0 follows none
     */
    public int maxRedirects() {
        return maxRedirects;
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder holding this request's URI and options
     */
    public Builder toBuilder() {
        Builder b = new Builder(uri);
        b.headers.putAll(headers);
        b.lastEventId = lastEventId;
        b.retry = retry;
        b.minRetryDelay = minRetryDelay;
        b.maxRetryDelay = maxRetryDelay;
        b.maxServerRetry = maxServerRetry;
        b.maxReconnects = maxReconnects;
        b.maxEventBytes = maxEventBytes;
        b.idleTimeout = idleTimeout;
        b.maxRedirects = maxRedirects;
        return b;
    }

    /** The URI and the options, with header names but not their values (which may be secrets). */
    @Override
    public String toString() {
        return "EventSourceRequest[" + uri + (headers.isEmpty() ? "" : ", headers " + headers.keySet())
                + (lastEventId.isEmpty() ? "" : ", lastEventId " + lastEventId) + ", retry " + retry
                + ", minRetryDelay " + minRetryDelay + ", maxRetryDelay " + maxRetryDelay
                + ", maxServerRetry " + maxServerRetry
                + (maxReconnects == Integer.MAX_VALUE ? "" : ", maxReconnects " + maxReconnects)
                + ", maxEventBytes " + maxEventBytes + ", idleTimeout " + idleTimeout
                + ", maxRedirects " + maxRedirects + "]";
    }

    /** Builds an {@link EventSourceRequest}. Not thread-safe. */
    public static final class Builder {
        /** The longest delay or timeout taken: far beyond any use, and well inside what nanoseconds in a long hold. */
        private static final Duration LONGEST = Duration.ofDays(365);

        private final URI uri;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String lastEventId = "";
        private Duration retry = DEFAULT_RETRY;
        private Duration minRetryDelay = DEFAULT_MIN_RETRY_DELAY;
        private Duration maxRetryDelay = DEFAULT_MAX_RETRY_DELAY;
        private Duration maxServerRetry = DEFAULT_MAX_SERVER_RETRY;
        private int maxReconnects = Integer.MAX_VALUE;
        private int maxEventBytes = EventStreamParser.DEFAULT_MAX_EVENT_BYTES;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxRedirects = DEFAULT_MAX_REDIRECTS;

        private Builder(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("an event stream is fetched over http:// or https://, not: " + uri);
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("the URI has no host (or one java.net.URI cannot read as a host name): "
                        + uri);
            }
            if (uri.getRawFragment() != null) {
                throw new IllegalArgumentException("the URI has a fragment, which is never sent to a server: " + uri);
            }
            this.uri = uri;
        }

        /**
         * An extra request header, replacing one of the same name (ignoring case). Sent to the
         * stream's origin only: a redirect to another origin is followed without it.
         *
         * @throws IllegalArgumentException for a name HTTP does not allow, a value that is not printable
         *                                  ASCII (spaces and tabs allowed: java.net.http writes
         *                                  {@code U+0080}–{@code U+00FF} as {@code ?}), a header
         *                                  java.net.http writes itself ({@code Host},
         *                                  {@code Connection}, {@code Content-Length}, {@code Expect},
         *                                  {@code Upgrade}), {@code Accept} (always
         *                                  {@code text/event-stream}) or {@code Last-Event-ID} (set
         *                                  with {@link #lastEventId(String)})
         *
         * @param name  the header's name
         * @param value the header's value, printable ASCII
         * @return this builder
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.equalsIgnoreCase("Accept")) {
                throw new IllegalArgumentException("the Accept header of an EventSource request is always text/event-stream");
            }
            if (name.equalsIgnoreCase("Last-Event-ID")) {
                throw new IllegalArgumentException("set the first Last-Event-ID with lastEventId(…): the client sends the"
                        + " stream's own last event id on reconnections");
            }
            if (!HeaderValues.isSendable(value)) { // the value is not shown: it may be a secret
                throw new IllegalArgumentException("header " + name + " cannot be sent: its value must be printable ASCII"
                        + " (spaces and tabs allowed); java.net.http would write other characters as '?' or refuse them");
            }
            try {
                HttpRequest.newBuilder(uri).header(name, value); // java.net.http's own checks, now rather than later
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("header " + name + " cannot be sent: " + e.getMessage(), e);
            }
            headers.keySet().removeIf(name::equalsIgnoreCase);
            headers.put(name, value);
            return this;
        }

        /**
         * The id to resume after, sent as {@code Last-Event-ID} on the first connection (say, one
         * saved by a previous run); reconnections send the stream's own last event id. Empty for
         * none. Like every id sent back, it must be printable ASCII: java.net.http writes header
         * values as ASCII.
         *
         * @param id the last event id, printable ASCII; empty for none
         * @return this builder
         * @throws IllegalArgumentException if it holds a character other than printable ASCII,
         *                                  space and tab
         */
        public Builder lastEventId(String id) {
            Objects.requireNonNull(id, "id");
            if (!HeaderValues.isSendable(id)) {
                throw new IllegalArgumentException("a Last-Event-ID must be printable ASCII to be sent: \""
                        + id.replace("\r", "\\r").replace("\n", "\\n") + "\"");
            }
            this.lastEventId = id;
            return this;
        }

        /**
         * The reconnection delay until the server sends {@code retry:}; zero or more (a reconnection
         * still waits at least {@link #minRetryDelay(Duration) minRetryDelay}). Default 3 s.
         *
         * @param delay the initial reconnection delay, at most 365 days
         * @return this builder
         * @throws IllegalArgumentException if {@code delay} is negative or longer than 365 days
         */
        public Builder retry(Duration delay) {
            this.retry = nonNegative(delay, "retry");
            return this;
        }

        /**
         * The least any reconnection waits, whatever the request's or the server's retry delay;
         * at least 1 ms. Default 500 ms. Lower it only for a server you trust not to end every
         * stream at once.
         *
         * @param delay the shortest reconnection delay, 1 ms to 365 days
         * @return this builder
         * @throws IllegalArgumentException if {@code delay} is under 1 ms or longer than 365 days
         */
        public Builder minRetryDelay(Duration delay) {
            nonNegative(delay, "minRetryDelay");
            if (delay.toMillis() < 1) throw new IllegalArgumentException("minRetryDelay must be at least 1 ms: " + delay);
            this.minRetryDelay = delay;
            return this;
        }

        /**
         * The most a reconnection waits after failures in a row; zero or more. Default 30 s.
         *
         * @param delay the cap of the backoff, at most 365 days
         * @return this builder
         * @throws IllegalArgumentException if {@code delay} is negative or longer than 365 days
         */
        public Builder maxRetryDelay(Duration delay) {
            this.maxRetryDelay = nonNegative(delay, "maxRetryDelay");
            return this;
        }

        /**
         * The longest reconnection delay a server's {@code retry:} field may set; a longer one is
         * taken as this. Default 5 minutes. Browsers take any value, so a server (or whatever can
         * write into its stream) could otherwise make the client wait for days before reconnecting.
         * The request's own {@link #retry(Duration) retry} is not bounded by it.
         *
         * @param delay the bound of the server's retry delay, zero to 365 days
         * @return this builder
         * @throws IllegalArgumentException if {@code delay} is negative or longer than 365 days
         */
        public Builder maxServerRetry(Duration delay) {
            this.maxServerRetry = nonNegative(delay, "maxServerRetry");
            return this;
        }

        /**
         * How many reconnections in a row may be made without a working stream in between (one that
         * delivered an event or stayed open 30 s); 0 never reconnects. Default
         * {@link Integer#MAX_VALUE}: unlimited.
         *
         * @param reconnects the most failed reconnections in a row; not negative
         * @return this builder
         * @throws IllegalArgumentException if {@code reconnects} is negative
         */
        public Builder maxReconnects(int reconnects) {
            if (reconnects < 0) throw new IllegalArgumentException("maxReconnects must not be negative: " + reconnects);
            this.maxReconnects = reconnects;
            return this;
        }

        /**
         * How long an open stream may bring nothing at all (no event, no comment, no byte) before it
         * is taken for dead, abandoned and reconnected ({@link EventSourceException.Reason#TIMEOUT});
         * zero for never. Default 5 minutes. For a server that sends keepalive comments, about three
         * of its intervals (Tether's servers send one every 15 s by default: 45 s).
         *
         * @param timeout the idle timeout, zero to 365 days
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is negative or longer than 365 days
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = nonNegative(timeout, "idleTimeout");
            return this;
        }

        /**
         * How many redirects (301, 302, 303, 307, 308) one connection attempt follows; 0 follows
         * none. Default 5. A redirect beyond them, without a {@code Location}, or from
         * {@code https} to {@code http} is a refusal: the connection closes.
         *
         * @param redirects the most redirects one attempt follows; not negative
         * @return this builder
         * @throws IllegalArgumentException if {@code redirects} is negative
         */
        public Builder maxRedirects(int redirects) {
            if (redirects < 0) throw new IllegalArgumentException("maxRedirects must not be negative: " + redirects);
            this.maxRedirects = redirects;
            return this;
        }

        /**
         * The most bytes one event may hold (its data and the line being read, as UTF-8); positive. Default 1 MiB.
         *
         * @param bytes the limit of one event, in bytes
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is less than 1
         */
        public Builder maxEventBytes(int bytes) {
            if (bytes < 1) throw new IllegalArgumentException("maxEventBytes must be at least 1: " + bytes);
            this.maxEventBytes = bytes;
            return this;
        }

        /**
         * Makes the request.
         *
         * @return an immutable request holding what was set here and the defaults for the rest
         */
        public EventSourceRequest build() {
            return new EventSourceRequest(this);
        }

        /** Zero to {@link #LONGEST}: every duration here is turned into milliseconds and nanoseconds. */
        private static Duration nonNegative(Duration delay, String name) {
            Objects.requireNonNull(delay, name);
            if (delay.isNegative()) throw new IllegalArgumentException(name + " must not be negative: " + delay);
            if (delay.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException(name + " must be at most " + LONGEST.toDays() + " days: " + delay);
            }
            return delay;
        }
    }
}
