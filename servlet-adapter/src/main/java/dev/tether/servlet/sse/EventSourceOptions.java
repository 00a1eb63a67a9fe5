package dev.tether.servlet.sse;

import dev.tether.runtime.RuntimeThreads;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How event streams behave. Immutable; {@link #builder()} starts from the defaults, each of which
 * is safe for a public server.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code retry}</td><td>not sent</td><td>the client's reconnection delay, sent first on every stream (browsers use about 3 s without it)</td></tr>
 *   <tr><td>{@code pingInterval}</td><td>15 s</td><td>a comment line ({@code :}) is written when this long passes; it keeps proxies from timing the stream out and finds clients that are gone. Zero turns it off</td></tr>
 *   <tr><td>{@code header}</td><td>none</td><td>extra response headers, e.g. CORS ({@code Access-Control-Allow-Origin})</td></tr>
 *   <tr><td>{@code bufferLimit}</td><td>1 MiB</td><td>most bytes queued for one client; a send that would pass it triggers the overflow policy (one event always fits an empty queue)</td></tr>
 *   <tr><td>{@code overflowPolicy}</td><td>{@code CLOSE}</td><td>what a send past the limit does</td></tr>
 *   <tr><td>{@code executor}, {@code scheduler}</td><td>{@link RuntimeThreads}</td><td>where pings, the stall
 *       deadline and completions off the caller's stack run, and what times them; never the common pool</td></tr>
 *   <tr><td>{@code stallTimeout}</td><td>60 s</td><td>a client that has not taken queued bytes for this long is dropped (checked at each ping); also the longest {@code close()} waits for queued events</td></tr>
 * </table>
 */
public final class EventSourceOptions {

    /** What a send that would pass {@code bufferLimit} does. Either way that send fails. */
    public enum OverflowPolicy {
        /** The send fails with {@code OutboundOverflowException}; the stream carries on without that event. */
        FAIL_SEND,
        /**
         * The send fails and the stream is dropped; sends made before the drop takes effect fail
         * too, so the client has received every event up to the refused one, without a gap. A
         * browser reconnects with {@code Last-Event-ID} and, through a replay buffer, catches up,
         * instead of silently missing events.
         */
        CLOSE
    }

    /** Headers the stream sets itself, or that would break it. */
    private static final Set<String> RESERVED = Set.of("content-type", "content-length", "transfer-encoding", "connection");

    private static final EventSourceOptions DEFAULTS = new Builder().build();

    private final Duration retry;
    private final Duration pingInterval;
    private final Map<String, String> headers;
    private final long bufferLimit;
    private final OverflowPolicy overflowPolicy;
    private final Duration stallTimeout;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;

    private EventSourceOptions(Builder b) {
        this.retry = b.retry;
        this.pingInterval = b.pingInterval;
        this.headers = Map.copyOf(b.headers);
        this.bufferLimit = b.bufferLimit;
        this.overflowPolicy = b.overflowPolicy;
        this.stallTimeout = b.stallTimeout;
        this.executor = b.executor;
        this.scheduler = b.scheduler;
    }

    public static EventSourceOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The reconnection delay sent first on every stream, if any. */
    public Optional<Duration> retry() {
        return Optional.ofNullable(retry);
    }

    /** The keepalive comment period; zero when off. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** Extra response headers. */
    public Map<String, String> headers() {
        return headers;
    }

    public long bufferLimit() {
        return bufferLimit;
    }

    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    public Duration stallTimeout() {
        return stallTimeout;
    }

    public Executor executor() {
        return executor;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public static final class Builder {
        private Duration retry;
        private Duration pingInterval = Duration.ofSeconds(15);
        private final Map<String, String> headers = new LinkedHashMap<>();
        private long bufferLimit = 1L << 20;
        private OverflowPolicy overflowPolicy = OverflowPolicy.CLOSE;
        private Duration stallTimeout = Duration.ofSeconds(60);
        private Executor executor = RuntimeThreads.executor();
        private ScheduledExecutorService scheduler = RuntimeThreads.scheduler();

        private Builder() {
        }

        /** Sends {@code retry: <millis>} first on every stream. */
        public Builder retry(Duration delay) {
            if (Objects.requireNonNull(delay, "retry").isNegative()) {
                throw new IllegalArgumentException("retry must not be negative: " + delay);
            }
            this.retry = delay;
            return this;
        }

        /** Zero turns the keepalive ping off (and with it the detection of clients that are gone without a trace). */
        public Builder pingInterval(Duration interval) {
            if (Objects.requireNonNull(interval, "pingInterval").isNegative()) {
                throw new IllegalArgumentException("pingInterval must not be negative: " + interval);
            }
            this.pingInterval = interval;
            return this;
        }

        /**
         * Adds a response header, replacing an earlier one of the same name.
         *
         * @throws IllegalArgumentException for Content-Type, Content-Length, Transfer-Encoding and
         *                                  Connection, which the stream controls
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + " is set by the event stream itself and cannot be changed");
            }
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            headers.put(name, value);
            return this;
        }

        public Builder bufferLimit(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("bufferLimit must be at least 1 byte: " + bytes);
            }
            this.bufferLimit = bytes;
            return this;
        }

        public Builder overflowPolicy(OverflowPolicy policy) {
            this.overflowPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder stallTimeout(Duration timeout) {
            if (Objects.requireNonNull(timeout, "stallTimeout").isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("stallTimeout must be positive: " + timeout);
            }
            this.stallTimeout = timeout;
            return this;
        }

        /** Where a stream runs what it does not run on the caller's stack; never the caller's thread. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** What times the pings and the stall deadline; its tasks only hand work to the executor. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        public EventSourceOptions build() {
            return new EventSourceOptions(this);
        }
    }
}
