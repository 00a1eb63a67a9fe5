package dev.tether.servlet;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.Role;
import dev.tether.extension.Extension;
import dev.tether.message.BufferPool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How server connections behave. Immutable; {@link #builder()} starts from the defaults, each of
 * which is safe for a public server.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code protocols}</td><td>none</td><td>subprotocols supported, in preference order</td></tr>
 *   <tr><td>{@code extension}</td><td>none</td><td>extensions supported, in pipeline order</td></tr>
 *   <tr><td>{@code header}</td><td>none</td><td>extra headers in every 101 response</td></tr>
 *   <tr><td>{@code maxLength}</td><td>64 MiB − 1</td><td>largest frame and message accepted; more → 1009</td></tr>
 *   <tr><td>{@code allowedOrigins}</td><td>any</td><td>when set, other {@code Origin}s get 403</td></tr>
 *   <tr><td>{@code pingInterval}</td><td>30 s</td><td>keepalive ping period; zero turns keepalive off</td></tr>
 *   <tr><td>{@code pongTimeout}</td><td>30 s</td><td>a peer that sends nothing for this long after a keepalive ping was written is dead: dropped (1006)</td></tr>
 *   <tr><td>{@code closeTimeout}</td><td>30 s</td><td>how long to wait for the peer's close frame (or for our close to be written) before dropping the connection (1006);
 *       also how long the listener's replies to the messages before a peer's close may hold up the answer to it</td></tr>
 *   <tr><td>{@code idleTimeout}</td><td>off</td><td>no text or binary message received or sent for this long → close
 *       1001; pings, pongs (keepalive's too) and close frames do not count, and a message counts once it has arrived
 *       whole</td></tr>
 *   <tr><td>{@code handshakeTimeout}</td><td>10 s</td><td>upgrade to open (hixie-76 key bytes included); longer → dropped</td></tr>
 *   <tr><td>{@code outboundLimit}</td><td>4 MiB</td><td>most bytes queued for one connection; a send that would pass it triggers the overflow policy (a single message always fits an empty queue)</td></tr>
 *   <tr><td>{@code overflowPolicy}</td><td>{@code FAIL_SEND}</td><td>what a send past the limit does</td></tr>
 *   <tr><td>{@code highWaterMark}</td><td>64 KiB</td><td>above it {@code isWritable()} is false and reading pauses; {@code onDrain} when half of it is left</td></tr>
 *   <tr><td>{@code readBufferSize}</td><td>64 KiB</td><td>most bytes read at once, into a per-thread buffer taken at the thread's first read: it starts at 4 KiB and doubles up to this when a read fills it (idle connections hold none; threads that never meet bulk input hold 4 KiB)</td></tr>
 *   <tr><td>{@code readsPerYield}</td><td>2</td><td>after this many reads, a connection's thread yields the CPU, so that the
 *       container's selector and other connections' threads run: under load no connection starves; 0 never yields (bulk
 *       transfer is then ~10 % faster, the slowest connection far slower)</td></tr>
 *   <tr><td>{@code lentBufferMemory}</td><td>32 MiB</td><td>for listeners that {@link
 *       dev.tether.api.WebSocketListener#acceptsLentBuffers() accept lent buffers}: the most memory the pooled buffers of
 *       large binary messages (64 KiB to {@value #LARGEST_LENT_BUFFER} bytes, in one frame) take, lent and free together,
 *       per buffer kind (direct where the container writes them without a copy, else heap), shared by the connections
 *       made with these options; past it messages get buffers of their own. 0 lends none</td></tr>
 * </table>
 */
public final class WebSocketOptions {

    /** What a send that would pass {@code outboundLimit} does. Either way that send fails. */
    public enum OverflowPolicy {
        /** The send fails with {@code OutboundOverflowException}; the connection carries on. */
        FAIL_SEND,
        /** The send fails and the connection is closed with 1008 (policy violation). */
        CLOSE_POLICY_VIOLATION,
        /** The send fails and the connection is closed with 1013 (try again later). */
        CLOSE_TRY_AGAIN_LATER
    }

    private static final WebSocketOptions DEFAULTS = new Builder().build();
    /** The largest message buffer lent from a pool; larger messages get buffers of their own. */
    public static final int LARGEST_LENT_BUFFER = 4 << 20;

    private final DriverOptions driverOptions;
    private final Set<String> allowedOrigins;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final Duration closeTimeout;
    private final Duration idleTimeout;
    private final Duration handshakeTimeout;
    private final long outboundLimit;
    private final OverflowPolicy overflowPolicy;
    private final long highWaterMark;
    private final int readBufferSize;
    private final int readsPerYield;
    private final HandshakeHook handshakeHook;
    private final long lentBufferMemory;
    /** Made when first needed: most applications lend nothing. Guarded by {@code this}. */
    private BufferPool heapBuffers;
    private BufferPool directBuffers;

    private WebSocketOptions(Builder b) {
        this.driverOptions = b.driver.build();
        this.allowedOrigins = Set.copyOf(b.allowedOrigins);
        this.pingInterval = b.pingInterval;
        this.pongTimeout = b.pongTimeout;
        this.closeTimeout = b.closeTimeout;
        this.idleTimeout = b.idleTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.outboundLimit = b.outboundLimit;
        this.overflowPolicy = b.overflowPolicy;
        this.highWaterMark = b.highWaterMark;
        this.readBufferSize = b.readBufferSize;
        this.readsPerYield = b.readsPerYield;
        this.handshakeHook = b.handshakeHook;
        this.lentBufferMemory = b.lentBufferMemory;
    }

    public static WebSocketOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The protocol options handed to the core (subprotocols, extensions, headers, maxLength). */
    public DriverOptions driverOptions() {
        return driverOptions;
    }

    /** Allowed origins in lower case; empty means any. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    public Duration pingInterval() {
        return pingInterval;
    }

    public Duration pongTimeout() {
        return pongTimeout;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public long outboundLimit() {
        return outboundLimit;
    }

    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    public long highWaterMark() {
        return highWaterMark;
    }

    public int readBufferSize() {
        return readBufferSize;
    }

    /** Reads after which a connection's thread yields the CPU; 0 for never. */
    public int readsPerYield() {
        return readsPerYield;
    }

    /** The hook that sees every handshake before it is answered, or null. */
    public HandshakeHook handshakeHook() {
        return handshakeHook;
    }

    /** The most memory the lent message buffers of each kind take; 0 when none are lent. */
    public long lentBufferMemory() {
        return lentBufferMemory;
    }

    /** The pool lent message buffers of one kind come from, shared by these options' connections; null when none are lent. */
    synchronized BufferPool lentBuffers(boolean direct) {
        if (lentBufferMemory == 0) {
            return null;
        }
        if (direct) {
            if (directBuffers == null) {
                directBuffers = new BufferPool(true, LARGEST_LENT_BUFFER, lentBufferMemory);
            }
            return directBuffers;
        }
        if (heapBuffers == null) {
            heapBuffers = new BufferPool(false, LARGEST_LENT_BUFFER, lentBufferMemory);
        }
        return heapBuffers;
    }

    public static final class Builder {
        private final DriverOptions.Builder driver = DriverOptions.builder(Role.SERVER);
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private Duration pingInterval = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(30);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ZERO;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private long outboundLimit = 4L << 20;
        private OverflowPolicy overflowPolicy = OverflowPolicy.FAIL_SEND;
        private long highWaterMark = 64 << 10;
        private int readBufferSize = 64 << 10;
        private int readsPerYield = 2;
        private HandshakeHook handshakeHook;
        private long lentBufferMemory = 32L << 20;

        private Builder() {
        }

        public Builder protocols(String... names) {
            driver.protocols(names);
            return this;
        }

        public Builder extension(Extension extension) {
            driver.extension(extension);
            return this;
        }

        public Builder header(String name, String value) {
            driver.header(name, value);
            return this;
        }

        public Builder maxLength(int bytes) {
            driver.maxLength(bytes);
            return this;
        }

        /** Only these origins may connect (compared ignoring case); requests without an Origin are let through. */
        public Builder allowedOrigins(String... origins) {
            List<String> list = new ArrayList<>();
            for (String o : origins) {
                list.add(Objects.requireNonNull(o, "origin").toLowerCase(Locale.ROOT));
            }
            allowedOrigins.addAll(list);
            return this;
        }

        public Builder pingInterval(Duration interval) {
            this.pingInterval = nonNegative(interval, "pingInterval");
            return this;
        }

        public Builder pongTimeout(Duration timeout) {
            this.pongTimeout = positive(timeout, "pongTimeout");
            return this;
        }

        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return this;
        }

        /**
         * Closes the connection (1001) when no text or binary message has been received or sent for
         * this long. Pings and pongs, the keepalive's included, and close frames do not count; a
         * message counts once it has arrived whole. Zero turns the idle timeout off.
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = nonNegative(timeout, "idleTimeout");
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout");
            return this;
        }

        public Builder outboundLimit(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("outboundLimit must be at least 1 byte: " + bytes);
            }
            this.outboundLimit = bytes;
            return this;
        }

        public Builder overflowPolicy(OverflowPolicy policy) {
            this.overflowPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder highWaterMark(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("highWaterMark must be at least 1 byte: " + bytes);
            }
            this.highWaterMark = bytes;
            return this;
        }

        public Builder readBufferSize(int bytes) {
            if (bytes < 128 || bytes > 1 << 20) {
                throw new IllegalArgumentException("readBufferSize must be 128 bytes to 1 MiB: " + bytes);
            }
            this.readBufferSize = bytes;
            return this;
        }

        /**
         * How many reads a connection makes before its thread yields the CPU ({@link Thread#yield}); 0
         * turns yielding off. A busy connection otherwise keeps reading on its thread for as long as its
         * peer keeps sending, while the container's selector, one thread among many, notices the other
         * connections late: under load they starve.
         */
        public Builder readsPerYield(int reads) {
            if (reads < 0) {
                throw new IllegalArgumentException("readsPerYield must not be negative: " + reads);
            }
            this.readsPerYield = reads;
            return this;
        }

        /** The most memory pooled message buffers of one kind take (see the table above); 0 lends none. */
        public Builder lentBufferMemory(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("lentBufferMemory must not be negative: " + bytes);
            }
            this.lentBufferMemory = bytes;
            return this;
        }

        public Builder handshakeHook(HandshakeHook hook) {
            this.handshakeHook = hook;
            return this;
        }

        public WebSocketOptions build() {
            if (highWaterMark > outboundLimit) {
                throw new IllegalArgumentException("highWaterMark (" + highWaterMark + ") must not exceed outboundLimit (" + outboundLimit + ")");
            }
            return new WebSocketOptions(this);
        }

        private static Duration nonNegative(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }

        private static Duration positive(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
