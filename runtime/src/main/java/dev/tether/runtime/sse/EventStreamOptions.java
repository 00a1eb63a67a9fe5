package dev.tether.runtime.sse;

import dev.tether.runtime.RuntimeThreads;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How an {@link EventStream} behaves whatever carries it: reconnection delay, keepalive, the
 * outbound queue's limit and policy, and the threads it uses. Immutable; {@link #builder()} starts
 * from the defaults, each of which is safe for a public server. A server's options (e.g. the
 * servlet adapter's {@code EventSourceOptions}) extend {@link Settings}, so these keep their names
 * and defaults there.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code retry}</td><td>not sent</td><td>the client's reconnection delay, sent first on every stream (browsers use about 3 s without it)</td></tr>
 *   <tr><td>{@code pingInterval}</td><td>15 s</td><td>a comment line ({@code :}) is written when this long passes; it keeps proxies from timing the stream out and finds clients that are gone. Zero turns it off</td></tr>
 *   <tr><td>{@code bufferLimit}</td><td>1 MiB</td><td>most bytes queued for one client; a send that would pass it triggers the overflow policy (one event always fits an empty queue)</td></tr>
 *   <tr><td>{@code overflowPolicy}</td><td>{@code CLOSE}</td><td>what a send past the limit does</td></tr>
 *   <tr><td>{@code stallTimeout}</td><td>60 s</td><td>a client that has not taken queued bytes for this long is dropped (checked at each ping; part of a write in progress counts only where the output reports it, which the servlet writer does not: there one event is one step); also the longest {@code close()} waits for queued events</td></tr>
 *   <tr><td>{@code executor}, {@code scheduler}</td><td>{@link RuntimeThreads}</td><td>where pings, the stall
 *       deadline and completions off the caller's stack run, and what times them; never the common pool</td></tr>
 * </table>
 */
public final class EventStreamOptions {

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

    private static final EventStreamOptions DEFAULTS = new Builder().build();

    private final Duration retry;
    private final Duration pingInterval;
    private final long bufferLimit;
    private final OverflowPolicy overflowPolicy;
    private final Duration stallTimeout;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;

    private EventStreamOptions(Settings<?> s) {
        this.retry = s.retry;
        this.pingInterval = s.pingInterval;
        this.bufferLimit = s.bufferLimit;
        this.overflowPolicy = s.overflowPolicy;
        this.stallTimeout = s.stallTimeout;
        this.executor = s.executor;
        this.scheduler = s.scheduler;
    }

    /**
     * The options with every default, as the class comment lists them.
     *
     * @return the shared default options
     */
    public static EventStreamOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The reconnection delay sent first on every stream, if any.
     *
     * @return the {@code retry} delay, or empty when none is sent
     */
    public Optional<Duration> retry() {
        return Optional.ofNullable(retry);
    }

    /**
     * The keepalive comment period; zero when off.
     *
     * @return the period of the keepalive ping, or zero
     */
    public Duration pingInterval() {
        return pingInterval;
    }

    /**
     * The most bytes queued for one client; a send that would pass it triggers the overflow policy.
     *
     * @return the limit in bytes, at least 1
     */
    public long bufferLimit() {
        return bufferLimit;
    }

    /**
     * What a send that would pass the buffer limit does.
     *
     * @return the overflow policy
     */
    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    /**
     * How long a client may take no queued bytes before it is dropped; also the longest
     * {@code close()} waits for queued events.
     *
     * @return the stall timeout, positive
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /**
     * Where a stream runs pings, the stall deadline and completions off the caller's stack.
     *
     * @return the executor
     */
    public Executor executor() {
        return executor;
    }

    /**
     * What times the pings and the stall deadline.
     *
     * @return the scheduler
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** A builder of these options alone. */
    public static final class Builder extends Settings<Builder> {
        private Builder() {
        }

        /**
         * The options as set so far.
         *
         * @return immutable options
         */
        public EventStreamOptions build() {
            return eventStreamOptions();
        }
    }

    /**
     * The setters every server's event stream options builder shares, returning that builder
     * ({@code B}).
     *
     * @param <B> the concrete builder
     */
    public abstract static class Settings<B extends Settings<B>> {
        private Duration retry;
        private Duration pingInterval = Duration.ofSeconds(15);
        private long bufferLimit = 1L << 20;
        private OverflowPolicy overflowPolicy = OverflowPolicy.CLOSE;
        private Duration stallTimeout = Duration.ofSeconds(60);
        private Executor executor = RuntimeThreads.executor();
        private ScheduledExecutorService scheduler = RuntimeThreads.scheduler();

        /** Settings holding every default. */
        protected Settings() {
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * Sends {@code retry: <millis>} first on every stream.
         *
         * @param delay the client's reconnection delay, not negative
         * @return this builder
         */
        public B retry(Duration delay) {
            if (Objects.requireNonNull(delay, "retry").isNegative()) {
                throw new IllegalArgumentException("retry must not be negative: " + delay);
            }
            this.retry = delay;
            return self();
        }

        /**
         * Zero turns the keepalive ping off (and with it the detection of clients that are gone without a trace).
         *
         * @param interval the period of the keepalive ping, not negative; 15 s by default
         * @return this builder
         */
        public B pingInterval(Duration interval) {
            if (Objects.requireNonNull(interval, "pingInterval").isNegative()) {
                throw new IllegalArgumentException("pingInterval must not be negative: " + interval);
            }
            this.pingInterval = interval;
            return self();
        }

        /**
         * The most bytes queued for one client; a send that would pass it triggers the overflow
         * policy (one event always fits an empty queue).
         *
         * @param bytes the limit, at least 1; 1 MiB by default
         * @return this builder
         */
        public B bufferLimit(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("bufferLimit must be at least 1 byte: " + bytes);
            }
            this.bufferLimit = bytes;
            return self();
        }

        /**
         * What a send that would pass the buffer limit does.
         *
         * @param policy the policy; {@link OverflowPolicy#CLOSE} by default
         * @return this builder
         */
        public B overflowPolicy(OverflowPolicy policy) {
            this.overflowPolicy = Objects.requireNonNull(policy, "policy");
            return self();
        }

        /**
         * How long a client may take no queued bytes before it is dropped (checked at each ping);
         * also the longest {@code close()} waits for queued events.
         *
         * @param timeout the timeout, positive; 60 s by default
         * @return this builder
         */
        public B stallTimeout(Duration timeout) {
            if (Objects.requireNonNull(timeout, "stallTimeout").isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("stallTimeout must be positive: " + timeout);
            }
            this.stallTimeout = timeout;
            return self();
        }

        /**
         * Where a stream runs what it does not run on the caller's stack; never the caller's thread.
         *
         * @param executor the executor; {@link RuntimeThreads#executor()} by default
         * @return this builder
         */
        public B executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return self();
        }

        /**
         * What times the pings and the stall deadline; its tasks only hand work to the executor.
         *
         * @param scheduler the scheduler; {@link RuntimeThreads#scheduler()} by default
         * @return this builder
         */
        public B scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return self();
        }

        /**
         * These settings as options.
         *
         * @return immutable options holding the current settings
         */
        protected final EventStreamOptions eventStreamOptions() {
            return new EventStreamOptions(this);
        }
    }
}
