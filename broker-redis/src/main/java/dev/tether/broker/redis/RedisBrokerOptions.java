package dev.tether.broker.redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link RedisBroker} reaches Redis and how it behaves when Redis is away. Immutable; made by
 * {@link #builder(String...)}. Every limit has a safe default.
 */
public final class RedisBrokerOptions {
    /** What {@link RedisBroker#open} does when Redis cannot be reached at start. */
    public enum IfUnreachable {
        /** Throw {@link BrokerUnavailableException}: the node does not start without its broker. */
        FAIL,
        /** Log a warning and run this node alone ({@link dev.tether.runtime.broadcast.LocalBroker}). */
        RUN_ALONE
    }

    private final List<URI> uris;
    private final boolean cluster;
    private final String keyPrefix;
    private final Duration connectTimeout;
    private final Duration publishTimeout;
    private final int publishQueueLimit;
    private final Duration reconnectDelayMin;
    private final Duration reconnectDelayMax;
    private final Duration heartbeatInterval;
    private final Duration presenceTimeout;
    private final IfUnreachable ifUnreachable;
    private final int streamLength;

    private RedisBrokerOptions(Builder b) {
        this.uris = List.copyOf(b.uris);
        this.cluster = b.cluster;
        this.keyPrefix = b.keyPrefix;
        this.connectTimeout = b.connectTimeout;
        this.publishTimeout = b.publishTimeout;
        this.publishQueueLimit = b.publishQueueLimit;
        this.reconnectDelayMin = b.reconnectDelayMin;
        this.reconnectDelayMax = b.reconnectDelayMax;
        this.heartbeatInterval = b.heartbeatInterval;
        this.presenceTimeout = b.presenceTimeout;
        this.ifUnreachable = b.ifUnreachable;
        this.streamLength = b.streamLength;
    }

    /**
     * Options for the Redis server at {@code uris}: one {@code redis://host:port} (or {@code rediss://}
     * for TLS, with {@code redis://user:password@host} for authentication), or a Redis Cluster's
     * nodes with {@link Builder#cluster(boolean) cluster(true)} (one is enough to find the others).
     *
     * @param uris one or more {@code redis://} or {@code rediss://} URIs
     * @return a builder holding the URIs and the defaults
     * @throws IllegalArgumentException if no URI is given, or one is not a {@code redis://} or
     *                                  {@code rediss://} URI
     */
    public static Builder builder(String... uris) {
        return new Builder(uris);
    }

    /**
     * The Redis URIs.
     *
     * @return the URIs given to {@link #builder(String...)}, in order; unmodifiable
     */
    public List<URI> uris() {
        return uris;
    }

    /**
     * Whether the URIs are a Redis Cluster's: WebSocket topics then use sharded pub/sub.
     *
     * @return true for a Redis Cluster, false for a single server
     */
    public boolean cluster() {
        return cluster;
    }

    /**
     * What every key and channel name starts with.
     *
     * @return the key prefix, {@code tether:} unless set
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    /**
     * How long connecting at start may take.
     *
     * @return the connect timeout, positive
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long a publish may wait for Redis (while it is away, too) before its stage fails, and an
     * event topic's append for this node's reader to read it back.
     *
     * @return the publish timeout, positive
     */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /**
     * Most commands queued per connection while Redis is away; past it a publish fails at once.
     *
     * @return the queue limit, 1 to 16,384
     */
    public int publishQueueLimit() {
        return publishQueueLimit;
    }

    /**
     * The first wait before reconnecting; it doubles on each failure up to {@link #reconnectDelayMax()}.
     *
     * @return the shortest reconnection delay, positive
     */
    public Duration reconnectDelayMin() {
        return reconnectDelayMin;
    }

    /**
     * The longest wait between reconnection attempts.
     *
     * @return the longest reconnection delay, at least {@link #reconnectDelayMin()}
     */
    public Duration reconnectDelayMax() {
        return reconnectDelayMax;
    }

    /**
     * How often this node renews its members' presence and looks for nodes whose presence expired.
     *
     * @return the heartbeat interval, positive
     */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * How long a node's members stay in others' lists after its last heartbeat: a crashed node's
     * members leave {@link dev.tether.runtime.broadcast.Presence#members()} within this time, and the
     * listeners hear of it at most one {@link #heartbeatInterval()} later.
     *
     * @return the presence timeout, longer than {@link #heartbeatInterval()}
     */
    public Duration presenceTimeout() {
        return presenceTimeout;
    }

    /**
     * What to do when Redis cannot be reached at start.
     *
     * @return {@link IfUnreachable#FAIL} unless set
     */
    public IfUnreachable ifUnreachable() {
        return ifUnreachable;
    }

    /**
     * About how many entries an event topic's stream keeps, at least (and at least the topic's
     * replay length). More than a node mirrors, so a node's reader that falls behind by a burst (the
     * publishes queued during an outage, all sent at once) still finds every entry, and a client
     * with an id older than the mirror is replayed from the stream.
     *
     * @return the approximate least number of entries a stream keeps, at least 1
     */
    public int streamLength() {
        return streamLength;
    }

    /** Builds {@link RedisBrokerOptions}. */
    public static final class Builder {
        private final List<URI> uris = new ArrayList<>();
        private boolean cluster;
        private String keyPrefix = "tether:";
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration publishTimeout = Duration.ofSeconds(10);
        private int publishQueueLimit = 10_000;
        private Duration reconnectDelayMin = Duration.ofMillis(100);
        private Duration reconnectDelayMax = Duration.ofSeconds(5);
        private Duration heartbeatInterval = Duration.ofSeconds(2);
        private Duration presenceTimeout = Duration.ofSeconds(10);
        private IfUnreachable ifUnreachable = IfUnreachable.FAIL;
        private int streamLength = 10_000;

        private Builder(String... uris) {
            if (uris.length == 0) throw new IllegalArgumentException("give at least one Redis URI, e.g. redis://127.0.0.1:6379");
            for (String uri : uris) {
                URI parsed = URI.create(Objects.requireNonNull(uri, "uri"));
                if (!"redis".equals(parsed.getScheme()) && !"rediss".equals(parsed.getScheme())) {
                    throw new IllegalArgumentException("a Redis URI starts with redis:// or rediss://: " + uri);
                }
                this.uris.add(parsed);
            }
        }

        /**
         * Whether the URIs are a Redis Cluster's (default false).
         *
         * @param cluster true when the URIs are nodes of a Redis Cluster
         * @return this builder
         */
        public Builder cluster(boolean cluster) {
            this.cluster = cluster;
            return this;
        }

        /**
         * What every key and channel name starts with (default {@code tether:}).
         *
         * @param keyPrefix the prefix; nodes that share topics must use the same one
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /**
         * How long connecting at start may take (default 5 s).
         *
         * @param timeout the connect timeout, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long a publish may wait for Redis before its stage fails (default 10 s).
         *
         * @param timeout the publish timeout, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder publishTimeout(Duration timeout) {
            this.publishTimeout = positive(timeout, "publishTimeout");
            return this;
        }

        /**
         * Most commands queued per connection while Redis is away (default 10,000, at most 16,384).
         * The cap is the window of sequence numbers an event topic's reader remembers: appends queued
         * during an outage may reach the stream reordered by up to this many.
         *
         * @param limit the queue limit, 1 to 16,384
         * @return this builder
         * @throws IllegalArgumentException if {@code limit} is out of range
         */
        public Builder publishQueueLimit(int limit) {
            if (limit < 1 || limit > SeenSequences.WINDOW) {
                // Appends queued during an outage may reach the stream reordered by up to this many.
                throw new IllegalArgumentException("publishQueueLimit must be 1 to " + SeenSequences.WINDOW + ": " + limit);
            }
            this.publishQueueLimit = limit;
            return this;
        }

        /**
         * The reconnection backoff: from {@code min}, doubling, up to {@code max} (default 100 ms to 5 s).
         *
         * @param min the first delay, positive
         * @param max the longest delay, at least {@code min}
         * @return this builder
         * @throws IllegalArgumentException if a delay is zero or negative, or {@code max} is below {@code min}
         */
        public Builder reconnectDelay(Duration min, Duration max) {
            this.reconnectDelayMin = positive(min, "reconnectDelay min");
            this.reconnectDelayMax = positive(max, "reconnectDelay max");
            if (max.compareTo(min) < 0) throw new IllegalArgumentException("reconnectDelay max is below min: " + max + " < " + min);
            return this;
        }

        /**
         * How often presence is renewed and expired nodes looked for (default 2 s).
         *
         * @param interval the heartbeat interval, positive and shorter than the presence timeout
         * @return this builder
         * @throws IllegalArgumentException if {@code interval} is zero or negative
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive(interval, "heartbeatInterval");
            return this;
        }

        /**
         * How long a silent node's members stay present (default 10 s; more than the heartbeat interval).
         *
         * @param timeout the presence timeout, longer than the heartbeat interval
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder presenceTimeout(Duration timeout) {
            this.presenceTimeout = positive(timeout, "presenceTimeout");
            return this;
        }

        /**
         * What to do when Redis cannot be reached at start (default {@link IfUnreachable#FAIL}).
         *
         * @param ifUnreachable fail, or run this node alone
         * @return this builder
         */
        public Builder ifUnreachable(IfUnreachable ifUnreachable) {
            this.ifUnreachable = Objects.requireNonNull(ifUnreachable, "ifUnreachable");
            return this;
        }

        /**
         * About how many entries an event topic's stream keeps, at least (default 10,000).
         *
         * @param entries the approximate least number of entries, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code entries} is below 1
         */
        public Builder streamLength(int entries) {
            if (entries < 1) throw new IllegalArgumentException("streamLength must be at least 1: " + entries);
            this.streamLength = entries;
            return this;
        }

        /**
         * Builds the options from what is set.
         *
         * @return the immutable options
         * @throws IllegalArgumentException if the presence timeout is not longer than the heartbeat interval
         */
        public RedisBrokerOptions build() {
            if (presenceTimeout.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalArgumentException("presenceTimeout (" + presenceTimeout
                        + ") must be longer than heartbeatInterval (" + heartbeatInterval + "), or members expire between heartbeats");
            }
            return new RedisBrokerOptions(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) throw new IllegalArgumentException(name + " must be positive: " + value);
            return value;
        }
    }
}
