package dev.tether.broker.redis;

import dev.tether.api.WebSocketTopic;
import dev.tether.runtime.broadcast.Broker;
import dev.tether.runtime.broadcast.EventTopic;
import dev.tether.runtime.broadcast.LocalBroker;
import dev.tether.runtime.broadcast.Presence;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Topics shared by several servers through Redis: WebSocket topics over pub/sub (sharded pub/sub on
 * a Redis Cluster), event topics over Redis Streams, so a client reconnecting with
 * {@code Last-Event-ID} to any node gets what it missed, and presence with node heartbeats.
 *
 * <pre>{@code
 * Broker broker = RedisBroker.open(RedisBrokerOptions.builder("redis://127.0.0.1:6379").build());
 * WebSocketTopic room = broker.webSocketTopic("chat:lobby");
 * room.add(socket);                 // this node's connection
 * room.broadcast("hello");          // to the members on every node
 * EventTopic feed = broker.eventTopic("activity", 1_000, 1 << 20);
 * feed.join(eventSource, 20);       // replays from Last-Event-ID, whichever node it was sent by
 * }</pre>
 *
 * <h2>When Redis is away</h2>
 * The connections reconnect with the options' backoff and resubscribe. Publishes made meanwhile wait
 * in a bounded queue ({@link RedisBrokerOptions#publishQueueLimit()}) for at most
 * {@link RedisBrokerOptions#publishTimeout()}; past either, the broadcast's stage fails. This node's
 * own members are sent a broadcast at once, Redis or not. An event topic's reader resumes from the
 * last stream id it saw, so its subscribers miss nothing the stream still holds; pub/sub carries no
 * history, so a WebSocket message published while another node was not yet subscribed again is not
 * delivered there.
 *
 * <p>Uses Lettuce's threads (two for I/O, two for computation, a timer) and one of its own, for
 * heartbeats and for issuing the commands other threads ask for; one connection for commands, one
 * for pub/sub and one per event topic (its reader blocks). Presence expiry compares the nodes'
 * clocks. Thread-safe.
 */
public final class RedisBroker implements Broker {
    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());

    private final RedisBrokerOptions options;
    private final long nodeId;
    private final String node;
    private final Keys keys;
    private final RedisLink link;
    private final Map<String, TopicState> topics = new ConcurrentHashMap<>();
    private final Map<String, RedisEventTopic> eventTopics = new ConcurrentHashMap<>();
    /**
     * The broker's own thread: heartbeats, and every command an application or container thread
     * asks for. Netty keeps per-thread state on any thread that writes to its channels; on a
     * container's threads that state would hold the web application's classes after it is undeployed.
     */
    private final java.util.concurrent.ScheduledThreadPoolExecutor scheduler;
    private volatile Thread brokerThread;
    private final java.util.concurrent.ScheduledFuture<?> heartbeats;
    private final AtomicLong memberSequence = new AtomicLong();
    /** Presence writes and their notices under way, which closing waits for. */
    private final Set<CompletableFuture<?>> presenceWrites = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    private RedisBroker(RedisBrokerOptions options) {
        this.options = options;
        SecureRandom random = new SecureRandom();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        this.nodeId = id;
        this.node = Long.toHexString(id);
        this.keys = new Keys(options.keyPrefix());
        this.scheduler = new java.util.concurrent.ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "tether-redis-broker-" + node);
            thread.setDaemon(true);
            brokerThread = thread;
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true); // an append's deadline leaves the queue when it is delivered
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // closing: queued commands still fail
        try {
            this.link = onBrokerThread(() -> RedisLink.connect(options, this::onMessage));
        } catch (RedisException e) {
            scheduler.shutdownNow();
            throw new BrokerUnavailableException("Redis at " + withoutPasswords(options) + " cannot be reached: " + rootMessage(e)
                    + ". Start it, give the right address, or let the node run alone"
                    + " (RedisBrokerOptions.ifUnreachable(RUN_ALONE)).", e);
        } catch (RuntimeException | Error e) {
            scheduler.shutdownNow();
            throw e;
        }
        long heartbeat = options.heartbeatInterval().toMillis();
        this.heartbeats = scheduler.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to Redis.
     *
     * @param options where Redis is and how the broker behaves
     * @return the connected broker, to close when the node stops
     * @throws BrokerUnavailableException when Redis cannot be reached, whatever
     *                                    {@link RedisBrokerOptions#ifUnreachable()} says
     */
    public static RedisBroker connect(RedisBrokerOptions options) {
        return new RedisBroker(Objects.requireNonNull(options, "options"));
    }

    /**
     * Connects to Redis or, when it cannot be reached and the options say
     * {@link RedisBrokerOptions.IfUnreachable#RUN_ALONE}, logs a warning and returns a
     * {@link LocalBroker}: this node then serves its own clients only.
     *
     * @param options where Redis is and how the broker behaves
     * @return a {@link RedisBroker}, or a {@link LocalBroker} when Redis cannot be reached and the
     *         options say {@code RUN_ALONE}
     * @throws BrokerUnavailableException when Redis cannot be reached and the options say FAIL
     */
    public static Broker open(RedisBrokerOptions options) {
        try {
            return connect(options);
        } catch (BrokerUnavailableException e) {
            if (options.ifUnreachable() == RedisBrokerOptions.IfUnreachable.FAIL) throw e;
            LOG.log(System.Logger.Level.WARNING, "RUNNING ALONE: " + e.getMessage()
                    + " Broadcasts reach this node's clients only, and no other node sees its members.");
            return new LocalBroker();
        }
    }

    /**
     * This node's id, as it appears in presence keys.
     *
     * @return the node id in hexadecimal, drawn at random when the broker was made
     */
    public String node() {
        return node;
    }

    @Override
    public WebSocketTopic webSocketTopic(String name) {
        return new RedisWebSocketTopic(this, Objects.requireNonNull(name, "name"));
    }

    @Override
    public EventTopic eventTopic(String name, int replayEvents, long replayBytes) {
        Objects.requireNonNull(name, "name");
        if (replayEvents < 1) throw new IllegalArgumentException("replayEvents must be at least 1: " + replayEvents);
        checkOpen();
        return eventTopics.computeIfAbsent(name, n -> new RedisEventTopic(this, n, replayEvents, replayBytes));
    }

    @Override
    public Presence presence(String name) {
        return new RedisPresence(this, Objects.requireNonNull(name, "name"));
    }

    @Override
    public boolean shared() {
        return true;
    }

    /**
     * Removes this node's members from every presence (others hear of it at once), stops the event
     * topics' readers and closes their subscribers' streams, and closes the connections.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) return;
        closed = true;
        heartbeats.cancel(false);
        topics.values().forEach(TopicState::drop);
        List<CompletableFuture<?>> goodbyes = new ArrayList<>(presenceWrites);
        for (TopicState state : topics.values()) {
            if (state.membersSnapshot().isEmpty()) continue;
            goodbyes.add(call(() -> link.commands().del(keys.members(state.name, node)))
                    .thenCompose(n -> call(() -> link.commands().zrem(keys.nodes(state.name), Keys.bytes(node))))
                    .thenCompose(n -> publish(state.name, Envelope.encode(Envelope.PRESENCE, nodeId, new byte[0]))));
        }
        try {
            CompletableFuture.allOf(goodbyes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "leaving the presences did not finish; they expire instead", e);
        }
        eventTopics.values().forEach(RedisEventTopic::stop);
        try {
            onBrokerThread(() -> {
                link.close();
                return null;
            });
        } finally {
            scheduler.shutdown(); // commands still queued run on the closed link and fail: none left waiting
        }
    }

    // ---- for the topics of this package ----

    /**
     * Issues a command from the broker's thread (at once if this is it, else queued in order); the
     * stage completes on Lettuce's thread. Failed when the broker is closed.
     */
    <T> CompletableFuture<T> call(java.util.function.Supplier<? extends CompletionStage<T>> command) {
        if (onOwnThread()) return issue(command);
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            scheduler.execute(() -> issue(command).whenComplete((value, error) -> {
                if (error == null) result.complete(value);
                else result.completeExceptionally(error);
            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the Redis broker is closed"));
        }
        return result;
    }

    private static <T> CompletableFuture<T> issue(java.util.function.Supplier<? extends CompletionStage<T>> command) {
        try {
            return command.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // a closed connection throws
        }
    }

    /** Runs {@code work} on the broker's thread and waits for it (connecting, closing, opening a reader). */
    <T> T onBrokerThread(java.util.concurrent.Callable<T> work) {
        if (onOwnThread()) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return scheduler.submit(work).get();
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the Redis broker is closed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Redis broker worked", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            if (e.getCause() instanceof Error error) throw error;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Only the broker's thread issues directly: from any other (Lettuce's too) a command is queued
     * behind those already waiting, so Redis sees commands in the order they were made.
     */
    private boolean onOwnThread() {
        return Thread.currentThread() == brokerThread;
    }

    RedisBrokerOptions options() {
        return options;
    }

    long nodeId() {
        return nodeId;
    }

    Keys keys() {
        return keys;
    }

    RedisLink link() {
        return link;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    boolean closed() {
        return closed;
    }

    TopicState state(String name) {
        return topics.get(name);
    }

    /** Applies {@code change} to the topic's state, made (and its channel subscribed) if there is none. */
    TopicState update(String name, Consumer<TopicState> change) {
        checkOpen();
        return topics.compute(name, (n, state) -> {
            TopicState updated = state;
            if (updated == null) {
                updated = new TopicState(n, keys.channel(n));
                subscribe(updated, 0);
            }
            change.accept(updated);
            return updated;
        });
    }

    /**
     * Subscribes to the state's channel, again (with backoff) after a failure while the state is
     * current: Lettuce resubscribes after a reconnection only what Redis had confirmed, so a
     * subscription that timed out while Redis was away would otherwise never be made.
     */
    private void subscribe(TopicState state, int failures) {
        if (state.dropped()) {
            state.subscribed.completeExceptionally(new IllegalStateException("topic " + state.name + " was let go"));
            return;
        }
        call(() -> link.subscribe(state.channel)).whenComplete((ok, error) -> {
            if (error == null) {
                state.subscribed.complete(null);
                return;
            }
            if (closed || state.dropped()) {
                state.subscribed.completeExceptionally(error);
                return;
            }
            long delay = Math.min(options.reconnectDelayMax().toMillis(), options.reconnectDelayMin().toMillis() << Math.min(failures, 10));
            LOG.log(failures == 0 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                    () -> "subscribing to topic " + state.name + " failed (" + rootMessage(error) + "); again in " + delay + " ms");
            try {
                scheduler.schedule(() -> subscribe(state, failures + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                state.subscribed.completeExceptionally(error);
            }
        });
    }

    /** Unsubscribes a state let go, again after a failure unless the topic is in use again meanwhile. */
    private void unsubscribe(TopicState state, int failures) {
        call(() -> link.unsubscribe(state.channel)).whenComplete((ok, error) -> {
            if (error == null || closed || topics.containsKey(state.name)) return;
            long delay = Math.min(options.reconnectDelayMax().toMillis(), options.reconnectDelayMin().toMillis() << Math.min(failures, 10));
            try {
                scheduler.schedule(() -> {
                    if (!topics.containsKey(state.name)) unsubscribe(state, failures + 1);
                }, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // Closed: the connection goes, and its subscriptions with it.
            }
        });
    }

    /** Applies {@code change} to the topic's state if there is one, dropping it (and unsubscribing) once unused. */
    void updateIfPresent(String name, Consumer<TopicState> change) {
        topics.computeIfPresent(name, (n, state) -> {
            change.accept(state);
            if (!state.unused()) return state;
            state.drop();
            if (!closed) {
                unsubscribe(state, 0);
            }
            return null;
        });
    }

    /** Publishes on the topic's channel; until the connections close, so closing can still announce. */
    CompletableFuture<Long> publish(String topic, byte[] message) {
        return call(() -> link.publish(keys.channel(topic), message));
    }

    String newMemberKey() {
        return String.format("%013d:%s:%019d", System.currentTimeMillis(), node, memberSequence.incrementAndGet());
    }

    /**
     * Adds a member of this node, in Redis too, and announces it once the topic's channel is
     * subscribed (so this node hears the others from the moment they see it). The write is issued
     * under the state's lock, as leaving and the heartbeat's rewrite are, so Redis sees them in the
     * order this node made them: a member who left is never written back.
     */
    void enter(TopicState state, String key, String name) {
        CompletableFuture<?> written;
        synchronized (state) {
            state.members.put(key, name);
            long timeout = options.presenceTimeout().toMillis();
            byte[] members = keys.members(state.name, node);
            written = call(() -> link.commands().hset(members, Keys.bytes(key), Keys.bytes(name)));
            call(() -> link.commands().pexpire(members, timeout));
            call(() -> link.commands().zadd(keys.nodes(state.name), System.currentTimeMillis() + timeout, Keys.bytes(node)));
            call(() -> link.commands().pexpire(keys.nodes(state.name), nodesLifetime()));
        }
        // This node's listeners hear of it once written; the others once this node also hears them.
        track(written.handle((ok, error) -> {
            tellListeners(state, error, "entering");
            return error;
        }).thenCompose(error -> state.subscribed.handle((ok, e) -> error))
                .thenCompose(error -> error == null ? notice(state) : CompletableFuture.completedFuture(null)));
    }

    /** Removes a member of this node, from Redis too (with the node, after its last), then announces it. */
    boolean leave(TopicState state, String key) {
        CompletableFuture<?> removed;
        synchronized (state) {
            if (state.members.remove(key) == null) return false;
            removed = call(() -> link.commands().hdel(keys.members(state.name, node), Keys.bytes(key)));
            if (state.members.isEmpty()) {
                call(() -> link.commands().zrem(keys.nodes(state.name), Keys.bytes(node)));
            }
        }
        track(removed.handle((ok, error) -> error).thenCompose(error -> announce(state, error, "leaving")));
        return true;
    }

    /** How long a topic's set of nodes outlives its last renewal. */
    private long nodesLifetime() {
        return 2 * options.presenceTimeout().toMillis() + options.heartbeatInterval().toMillis();
    }

    private void track(CompletableFuture<?> write) {
        presenceWrites.add(write);
        write.whenComplete((ok, error) -> presenceWrites.remove(write));
    }

    /** Tells this node's listeners at once, and the other nodes through the channel unless the write failed. */
    private CompletableFuture<?> announce(TopicState state, Throwable error, String what) {
        tellListeners(state, error, what);
        return error == null ? notice(state) : CompletableFuture.completedFuture(null);
    }

    private static void tellListeners(TopicState state, Throwable error, String what) {
        if (error != null) {
            // The heartbeat writes this node's members again once Redis answers.
            LOG.log(System.Logger.Level.WARNING, what + " the presence of " + state.name + " failed: " + rootMessage(error));
        }
        state.notifyListeners();
    }

    /** Tells the other nodes that the topic's presence changed. */
    private CompletableFuture<Long> notice(TopicState state) {
        return publish(state.name, Envelope.encode(Envelope.PRESENCE, nodeId, new byte[0]));
    }

    /**
     * The names of the members of every node whose heartbeat is current, in the order they entered;
     * while Redis cannot be read, this node's members.
     */
    CompletionStage<List<String>> members(String topic) {
        long now = System.currentTimeMillis();
        RedisClusterAsyncCommands<byte[], byte[]> commands = link.commands();
        return call(() -> commands.zrangebyscore(keys.nodes(topic), Range.create(now, Long.MAX_VALUE)))
                .thenCompose(nodes -> {
                    List<CompletableFuture<Map<byte[], byte[]>>> reads = new ArrayList<>();
                    for (byte[] live : nodes) {
                        byte[] hash = keys.members(topic, Keys.text(live));
                        reads.add(call(() -> link.commands().hgetall(hash)));
                    }
                    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> {
                        TreeMap<String, String> byEntry = new TreeMap<>();
                        for (CompletableFuture<Map<byte[], byte[]>> read : reads) {
                            read.join().forEach((key, name) -> byEntry.put(Keys.text(key), Keys.text(name)));
                        }
                        return List.copyOf(byEntry.values());
                    });
                })
                .exceptionally(error -> {
                    LOG.log(System.Logger.Level.WARNING, "reading the presence of " + topic + " failed (" + rootMessage(error)
                            + "): listing this node's members only");
                    TopicState state = topics.get(topic);
                    return state == null ? List.of() : List.copyOf(state.membersSnapshot().values());
                });
    }

    /**
     * Renews this node's members in every topic (written again in full, so they come back after
     * Redis lost them), and drops the nodes whose presence expired, telling the listeners.
     */
    private void heartbeat() {
        try {
            beat();
        } catch (RuntimeException e) {
            // The next beat tries again; one failure must not stop them (presence would expire everywhere).
            LOG.log(System.Logger.Level.WARNING, "a presence heartbeat failed", e);
        }
    }

    /** Replaces a node's members of a topic in one step: what a heartbeat writes. */
    private static final String REWRITE_MEMBERS = """
            redis.call('DEL', KEYS[1])
            for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1""";

    private void beat() {
        if (closed) return;
        long now = System.currentTimeMillis();
        long timeout = options.presenceTimeout().toMillis();
        RedisClusterAsyncCommands<byte[], byte[]> commands = link.commands();
        for (TopicState state : topics.values()) {
            byte[] nodes = keys.nodes(state.name);
            synchronized (state) {
                if (!state.members.isEmpty()) {
                    // Written again in full: what a failed write or a restarted Redis lost comes back,
                    // and nothing that left since does.
                    List<byte[]> args = new ArrayList<>(1 + 2 * state.members.size());
                    args.add(Keys.bytes(Long.toString(timeout)));
                    state.members.forEach((key, name) -> {
                        args.add(Keys.bytes(key));
                        args.add(Keys.bytes(name));
                    });
                    commands.<Long>eval(REWRITE_MEMBERS, ScriptOutputType.INTEGER, new byte[][] {keys.members(state.name, node)},
                            args.toArray(byte[][]::new));
                    commands.zadd(nodes, now + timeout, Keys.bytes(node)).thenAccept(added -> {
                        if (added > 0) announce(state, null, "renewing"); // this node had expired: others drop and re-add it
                    });
                    // The set of nodes goes too once no node renews it (a topic nobody is in any more).
                    commands.pexpire(nodes, nodesLifetime());
                }
            }
            if (!state.listeners.isEmpty()) {
                commands.zremrangebyscore(nodes, Range.create(Long.MIN_VALUE, now)).thenAccept(expired -> {
                    if (expired > 0) announce(state, null, "expiring");
                });
            }
        }
    }

    private void onMessage(byte[] channel, byte[] message) {
        String topic = keys.topicOf(channel);
        Envelope envelope = topic == null ? null : Envelope.decode(message);
        if (envelope == null || envelope.origin() == nodeId) return; // not ours, or sent here directly
        TopicState state = topics.get(topic);
        if (state == null) return;
        switch (envelope.kind()) {
            case Envelope.TEXT -> state.sockets.broadcast(new String(envelope.payload(), envelope.offset(), envelope.length(),
                    java.nio.charset.StandardCharsets.UTF_8));
            case Envelope.BINARY -> state.sockets.broadcast(java.nio.ByteBuffer.wrap(envelope.payload(), envelope.offset(), envelope.length()));
            case Envelope.PRESENCE -> state.notifyListeners();
            default -> { }
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the Redis broker is closed");
    }

    /** The URIs as they may be logged: a password in them replaced by {@code ***}. */
    static String withoutPasswords(RedisBrokerOptions options) {
        return options.uris().stream().map(uri -> {
            String user = uri.getRawUserInfo();
            if (user == null) return uri.toString();
            int colon = user.indexOf(':');
            String shown = colon < 0 ? "***" : user.substring(0, colon) + ":***";
            return uri.toString().replace(user + "@", shown + "@");
        }).toList().toString();
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
