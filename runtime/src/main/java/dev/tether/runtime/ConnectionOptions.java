package dev.tether.runtime;

import dev.tether.driver.DriverOptions;
import dev.tether.message.BufferPool;
import dev.tether.message.MemoryBudget;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How a connection behaves whichever side opened it: limits, deadlines, the outbound queue, and the
 * threads it uses. Immutable. The server's and the client's options extend {@link Settings}, so
 * these have the same names and defaults on both sides.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code maxFrameLength}</td><td>64 MiB − 1</td><td>largest frame accepted; more → 1009 at the frame's header</td></tr>
 *   <tr><td>{@code maxMessageLength}</td><td>64 MiB − 1</td><td>largest message accepted, all its frames together; more → 1009.
 *       {@link DriverOptions#NO_MESSAGE_LIMIT} turns it off for messages the listener receives in parts or as a stream (a
 *       message received whole is held to an array's size, and to {@code messageMemory}). {@code maxLength(n)} sets both
 *       limits</td></tr>
 *   <tr><td>{@code messageMemory}</td><td>{@link MemoryBudget#shared()}: a quarter of {@code -Xmx}, at least
 *       64 MiB</td><td>what messages being received take as their bytes arrive (never past twice what arrived and
 *       4 KiB), shared by every connection given the same budget; a message that cannot get what it needs fails its
 *       connection with 1013 (try again later), one larger than the whole budget with 1009</td></tr>
 *   <tr><td>{@code pingInterval}</td><td>30 s</td><td>keepalive ping period; zero turns keepalive off</td></tr>
 *   <tr><td>{@code pongTimeout}</td><td>30 s</td><td>a peer that sends nothing for this long after a keepalive ping was written is dead: dropped (1006)</td></tr>
 *   <tr><td>{@code closeTimeout}</td><td>30 s</td><td>how long to wait for the peer's close frame (or for our close to be written) before dropping the connection (1006);
 *       also how long the listener's replies to the messages before a peer's close may hold up the answer to it</td></tr>
 *   <tr><td>{@code idleTimeout}</td><td>off</td><td>no text or binary message received or sent for this long → close
 *       1001; pings, pongs (keepalive's too) and close frames do not count, and a message counts once it has arrived
 *       whole (one received in parts or as a stream counts with each part)</td></tr>
 *   <tr><td>{@code handshakeTimeout}</td><td>10 s</td><td>from the connection's start to open; longer → dropped</td></tr>
 *   <tr><td>{@code outboundLimit}</td><td>4 MiB</td><td>most bytes queued for one connection; a send that would pass it triggers the overflow policy (a single message always fits an empty queue)</td></tr>
 *   <tr><td>{@code overflowPolicy}</td><td>{@code FAIL_SEND}</td><td>what a send past the limit does</td></tr>
 *   <tr><td>{@code highWaterMark}</td><td>64 KiB</td><td>above it {@code isWritable()} is false and reading pauses; {@code onDrain} when half of it is left</td></tr>
 *   <tr><td>{@code streamBufferSize}</td><td>256 KiB</td><td>for messages a listener receives as a {@link
 *       dev.tether.api.ReceiveMode#STREAM stream}: the most unread bytes held for its reader; past it reading from the
 *       peer pauses until the reader has taken half (on top of it may come one read of the peer's, and the piece of a frame the driver was filling)</td></tr>
 *   <tr><td>{@code sendFrameSize}</td><td>64 KiB</td><td>largest frame payload sent: a larger message (or {@code sendPart}),
 *       compressed or not, goes out as several frames, so that pings and pongs are written between them instead of
 *       waiting behind the whole message; text may be cut inside a character (RFC 6455 allows it). The send
 *       completes when its last frame is written. 0 sends each message in one frame. No effect on the hixie
 *       drafts</td></tr>
 *   <tr><td>{@code readBufferSize}</td><td>64 KiB</td><td>most bytes a transport reads at once (per-thread buffers that start at 4 KiB and grow to this when reads fill them)</td></tr>
 *   <tr><td>{@code lentBufferMemory}</td><td>32 MiB</td><td>for listeners that {@link
 *       dev.tether.api.WebSocketListener#acceptsLentBuffers() accept lent buffers}: the most memory the pooled buffers of
 *       large binary messages (64 KiB to {@value #LARGEST_LENT_BUFFER} bytes, in one frame) take, lent and free together,
 *       per buffer kind (direct where the transport writes them without a copy, else heap), shared by the connections
 *       made with these options; past it messages get buffers of their own. 0 lends none</td></tr>
 *   <tr><td>{@code executor}</td><td>{@link RuntimeThreads#executor()}</td><td>runs timer tasks, events due while the
 *       application is inside a call, and send completions past the inline depth; never the common pool</td></tr>
 *   <tr><td>{@code scheduler}</td><td>{@link RuntimeThreads#scheduler()}</td><td>times keepalive, close, idle and
 *       handshake deadlines; its tasks only hand work to {@code executor}</td></tr>
 * </table>
 */
public final class ConnectionOptions {
    /** The largest message buffer lent from a pool; larger messages get buffers of their own. */
    public static final int LARGEST_LENT_BUFFER = 4 << 20;
    private static final ConnectionOptions DEFAULTS = new Builder().build();

    private final int maxFrameLength;
    private final long maxMessageLength;
    private final MemoryBudget messageMemory;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final Duration closeTimeout;
    private final Duration idleTimeout;
    private final Duration handshakeTimeout;
    private final long outboundLimit;
    private final OverflowPolicy overflowPolicy;
    private final long highWaterMark;
    private final int sendFrameSize;
    private final int readBufferSize;
    private final int streamBufferSize;
    private final long lentBufferMemory;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    /** Made when first needed: most applications lend nothing. Guarded by {@code this}. */
    private BufferPool heapBuffers;
    private BufferPool directBuffers;

    private ConnectionOptions(Settings<?> s) {
        this.maxFrameLength = s.maxFrameLength;
        this.maxMessageLength = s.maxMessageLength;
        this.messageMemory = s.messageMemory;
        this.pingInterval = s.pingInterval;
        this.pongTimeout = s.pongTimeout;
        this.closeTimeout = s.closeTimeout;
        this.idleTimeout = s.idleTimeout;
        this.handshakeTimeout = s.handshakeTimeout;
        this.outboundLimit = s.outboundLimit;
        this.overflowPolicy = s.overflowPolicy;
        this.highWaterMark = s.highWaterMark;
        this.sendFrameSize = s.sendFrameSize;
        this.readBufferSize = s.readBufferSize;
        this.streamBufferSize = s.streamBufferSize;
        this.lentBufferMemory = s.lentBufferMemory;
        this.executor = s.executor;
        this.scheduler = s.scheduler;
    }

    /**
     * The options with every default, as the class comment lists them.
     *
     * @return the shared default options
     */
    public static ConnectionOptions defaults() {
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
     * The largest frame payload accepted; a larger frame closes the connection with 1009.
     *
     * @return the limit in bytes
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * The largest message accepted, all its frames together; a larger one closes the connection with 1009.
     *
     * @return the limit in bytes, or {@link DriverOptions#NO_MESSAGE_LIMIT} when messages received in parts or as a
     *         stream may be of any size
     */
    public long maxMessageLength() {
        return maxMessageLength;
    }

    /**
     * What messages being received take memory from as their bytes arrive.
     *
     * @return the budget, shared by every connection given it
     */
    public MemoryBudget messageMemory() {
        return messageMemory;
    }

    /**
     * The keepalive ping period.
     *
     * @return the period, or zero when keepalive is off
     */
    public Duration pingInterval() {
        return pingInterval;
    }

    /**
     * How long a peer may send nothing after a keepalive ping was written before it is dropped (1006).
     *
     * @return the timeout, positive
     */
    public Duration pongTimeout() {
        return pongTimeout;
    }

    /**
     * How long to wait for the peer's close frame, or for our close to be written, before dropping
     * the connection (1006).
     *
     * @return the timeout, positive
     */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /**
     * How long the connection may go without a text or binary message before it is closed with 1001.
     *
     * @return the timeout, or zero when off
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * How long the connection may take from its start to open before it is dropped.
     *
     * @return the timeout, positive
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * The most bytes queued for one connection; a send that would pass it triggers the overflow policy.
     *
     * @return the limit in bytes, at least 1
     */
    public long outboundLimit() {
        return outboundLimit;
    }

    /**
     * What a send that would pass {@link #outboundLimit()} does.
     *
     * @return the overflow policy
     */
    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    /**
     * The queued bytes above which {@code isWritable()} is false and reading pauses; {@code onDrain}
     * comes when half of it is left.
     *
     * @return the mark in bytes, at most {@link #outboundLimit()}
     */
    public long highWaterMark() {
        return highWaterMark;
    }

    /**
     * The most unread bytes of a message received as a stream held for its reader; past it reading
     * from the peer pauses until the reader has taken half.
     *
     * @return the size in bytes
     */
    public int streamBufferSize() {
        return streamBufferSize;
    }

    /**
     * The largest frame payload sent, larger messages being split; 0 when each goes in one frame.
     *
     * @return the size in bytes, or 0
     */
    public int sendFrameSize() {
        return sendFrameSize;
    }

    /**
     * The most bytes a transport reads at once.
     *
     * @return the size in bytes, 128 to 1 MiB
     */
    public int readBufferSize() {
        return readBufferSize;
    }

    /**
     * The most memory the lent message buffers of each kind take; 0 when none are lent.
     *
     * @return the memory in bytes per buffer kind, or 0
     */
    public long lentBufferMemory() {
        return lentBufferMemory;
    }

    /**
     * Where a connection runs timer tasks, events due while the application is inside a call, and
     * send completions past the inline depth.
     *
     * @return the executor
     */
    public Executor executor() {
        return executor;
    }

    /**
     * What times the keepalive, close, idle and handshake deadlines.
     *
     * @return the scheduler
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * The pool lent message buffers of one kind come from, shared by these options' connections; null when none are lent.
     *
     * @param direct true for the pool of direct buffers, false for that of heap buffers
     * @return the pool, made on first use, or null when {@link #lentBufferMemory()} is 0
     */
    public synchronized BufferPool lentBuffers(boolean direct) {
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

    /** A builder of these options alone. */
    public static final class Builder extends Settings<Builder> {
        private Builder() {
        }

        /**
         * The options as set so far.
         *
         * @return immutable options
         * @throws IllegalArgumentException if {@code highWaterMark} exceeds {@code outboundLimit}
         */
        public ConnectionOptions build() {
            return connectionOptions();
        }
    }

    /**
     * The setters every side's options builder shares, returning that builder ({@code B}).
     *
     * @param <B> the concrete builder
     */
    public abstract static class Settings<B extends Settings<B>> {
        private int maxFrameLength = DriverOptions.DEFAULT_MAX_LENGTH;
        private long maxMessageLength = DriverOptions.DEFAULT_MAX_LENGTH;
        private MemoryBudget messageMemory = MemoryBudget.shared();
        private Duration pingInterval = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(30);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ZERO;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private long outboundLimit = 4L << 20;
        private OverflowPolicy overflowPolicy = OverflowPolicy.FAIL_SEND;
        private long highWaterMark = 64 << 10;
        private int sendFrameSize = DriverOptions.DEFAULT_SEND_FRAME_SIZE;
        private int readBufferSize = 64 << 10;
        private int streamBufferSize = 256 << 10;
        private long lentBufferMemory = 32L << 20;
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
         * Both {@link #maxFrameLength} and {@link #maxMessageLength}: 1 to {@link Integer#MAX_VALUE} − 8 bytes.
         *
         * @param bytes the largest frame and the largest message accepted
         * @return this builder
         */
        public B maxLength(int bytes) {
            return maxFrameLength(bytes).maxMessageLength(bytes);
        }

        /**
         * The largest frame accepted, 1 to {@link Integer#MAX_VALUE} − 8 bytes; more → 1009.
         *
         * @param bytes the limit; 64 MiB − 1 by default
         * @return this builder
         */
        public B maxFrameLength(int bytes) {
            if (bytes < 1 || bytes > DriverOptions.LARGEST_WHOLE_MESSAGE) {
                throw new IllegalArgumentException("maxFrameLength must be 1 to " + DriverOptions.LARGEST_WHOLE_MESSAGE + " bytes: " + bytes);
            }
            this.maxFrameLength = bytes;
            return self();
        }

        /**
         * The largest message accepted, at least 1 byte; more → 1009. {@link DriverOptions#NO_MESSAGE_LIMIT}
         * lets messages received in parts or as a stream be of any size, each frame still held to
         * {@code maxFrameLength}.
         *
         * @param bytes the limit; 64 MiB − 1 by default
         * @return this builder
         */
        public B maxMessageLength(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxMessageLength must be at least 1 byte: " + bytes);
            }
            this.maxMessageLength = bytes;
            return self();
        }

        /**
         * What messages being received take memory from, shared with every connection given the same
         * budget; e.g. {@code MemoryBudget.of(256L << 20)} for all of one endpoint's connections.
         *
         * @param budget the budget; {@link MemoryBudget#shared()} by default
         * @return this builder
         */
        public B messageMemory(MemoryBudget budget) {
            this.messageMemory = Objects.requireNonNull(budget, "messageMemory");
            return self();
        }

        /**
         * The keepalive ping period.
         *
         * @param interval the period, not negative; zero turns keepalive off; 30 s by default
         * @return this builder
         */
        public B pingInterval(Duration interval) {
            this.pingInterval = nonNegative(interval, "pingInterval");
            return self();
        }

        /**
         * How long a peer may send nothing after a keepalive ping was written before it is taken for
         * dead and dropped (1006).
         *
         * @param timeout the timeout, positive; 30 s by default
         * @return this builder
         */
        public B pongTimeout(Duration timeout) {
            this.pongTimeout = positive(timeout, "pongTimeout");
            return self();
        }

        /**
         * How long to wait for the peer's close frame (or for our close to be written) before dropping
         * the connection (1006); also how long the listener's replies to the messages before a peer's
         * close may hold up the answer to it.
         *
         * @param timeout the timeout, positive; 30 s by default
         * @return this builder
         */
        public B closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return self();
        }

        /**
         * Closes the connection (1001) when no text or binary message has been received or sent for
         * this long. Pings and pongs, the keepalive's included, and close frames do not count; a
         * message counts once it has arrived whole, or, received in parts or as a stream, with each part. Zero turns the idle timeout off.
         *
         * @param timeout the timeout, not negative; off by default
         * @return this builder
         */
        public B idleTimeout(Duration timeout) {
            this.idleTimeout = nonNegative(timeout, "idleTimeout");
            return self();
        }

        /**
         * How long the connection may take from its start to open; longer, it is dropped.
         *
         * @param timeout the timeout, positive; 10 s by default
         * @return this builder
         */
        public B handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout");
            return self();
        }

        /**
         * The most bytes queued for one connection; a send that would pass it triggers the overflow
         * policy (a single message always fits an empty queue).
         *
         * @param bytes the limit, at least 1 and not below {@code highWaterMark}; 4 MiB by default
         * @return this builder
         */
        public B outboundLimit(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("outboundLimit must be at least 1 byte: " + bytes);
            }
            this.outboundLimit = bytes;
            return self();
        }

        /**
         * What a send that would pass {@code outboundLimit} does.
         *
         * @param policy the policy; {@link OverflowPolicy#FAIL_SEND} by default
         * @return this builder
         */
        public B overflowPolicy(OverflowPolicy policy) {
            this.overflowPolicy = Objects.requireNonNull(policy, "policy");
            return self();
        }

        /**
         * The queued bytes above which {@code isWritable()} is false and reading pauses; {@code onDrain}
         * comes when half of it is left.
         *
         * @param bytes the mark, at least 1 and at most {@code outboundLimit}; 64 KiB by default
         * @return this builder
         */
        public B highWaterMark(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("highWaterMark must be at least 1 byte: " + bytes);
            }
            this.highWaterMark = bytes;
            return self();
        }

        /**
         * The largest frame payload sent: a larger message or part goes out as frames of at most this
         * size, between which pings and pongs may be written. 0 sends each message in one frame, which
         * a ping or pong then waits behind.
         *
         * @param bytes the size, not negative; 64 KiB by default
         * @return this builder
         */
        public B sendFrameSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("sendFrameSize must not be negative (0 turns splitting off): " + bytes);
            }
            this.sendFrameSize = bytes;
            return self();
        }

        /**
         * The most bytes a transport reads at once (per-thread buffers that start smaller and grow to
         * this when reads fill them).
         *
         * @param bytes the size, 128 bytes to 1 MiB; 64 KiB by default
         * @return this builder
         */
        public B readBufferSize(int bytes) {
            if (bytes < 128 || bytes > 1 << 20) {
                throw new IllegalArgumentException("readBufferSize must be 128 bytes to 1 MiB: " + bytes);
            }
            this.readBufferSize = bytes;
            return self();
        }

        /**
         * The most unread bytes of a message received as a stream held for its reader (see the table above).
         *
         * @param bytes the size, at least 1; 256 KiB by default
         * @return this builder
         */
        public B streamBufferSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("streamBufferSize must be at least 1 byte: " + bytes);
            }
            this.streamBufferSize = bytes;
            return self();
        }

        /**
         * The most memory pooled message buffers of one kind take (see the table above); 0 lends none.
         *
         * @param bytes the memory per buffer kind, not negative; 32 MiB by default
         * @return this builder
         */
        public B lentBufferMemory(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("lentBufferMemory must not be negative: " + bytes);
            }
            this.lentBufferMemory = bytes;
            return self();
        }

        /**
         * Where a connection runs what it does not run on the caller's stack (see the table above).
         * It must not run tasks on the calling thread, and should not queue them behind long ones
         * (listeners' stream readers hold a thread each for as long as they read: a bounded pool
         * needs room for them and the rest):
         * events of every connection wait on it.
         *
         * @param executor the executor; {@link RuntimeThreads#executor()} by default
         * @return this builder
         */
        public B executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return self();
        }

        /**
         * What times the connections' deadlines; its tasks are short and hand their work to the executor.
         *
         * @param scheduler the scheduler; {@link RuntimeThreads#scheduler()} by default
         * @return this builder
         */
        public B scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return self();
        }

        /**
         * These settings as options, checked for consistency.
         *
         * @return immutable options holding the current settings
         * @throws IllegalArgumentException if {@code highWaterMark} exceeds {@code outboundLimit}
         */
        protected final ConnectionOptions connectionOptions() {
            if (highWaterMark > outboundLimit) {
                throw new IllegalArgumentException("highWaterMark (" + highWaterMark + ") must not exceed outboundLimit (" + outboundLimit + ")");
            }
            return new ConnectionOptions(this);
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
