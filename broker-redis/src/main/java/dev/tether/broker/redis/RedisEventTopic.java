package dev.tether.broker.redis;

import dev.tether.api.EventSource;
import dev.tether.runtime.broadcast.EventTopic;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.sse.SseEncoder;
import dev.tether.sse.SseEvent;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An event topic whose log is a Redis stream: {@code broadcast} appends the event ({@code XADD},
 * trimmed to about the replay length), and every node's reader follows the stream ({@code XREAD
 * BLOCK}) and hands each event, with the stream's id as its SSE id, to a local
 * {@link EventBroadcaster} whose replay buffer mirrors the stream's newest events. All nodes
 * therefore send the same events with the same ids in the same order, and a client reconnecting
 * with {@code Last-Event-ID} to any node is sent exactly what it missed:
 * <ul>
 *   <li>from the local mirror when it still holds the id;</li>
 *   <li>for an older id, from the stream ({@code XRANGE}) up to the mirror's oldest event and then
 *       from the mirror, under the broadcast lock, so nothing is missed or sent twice;</li>
 *   <li>for an id this node's reader has not reached yet (the client came from a node that read
 *       further), once the reader has passed it;</li>
 *   <li>for an id the stream no longer holds (or never did), with the {@code reset} event.</li>
 * </ul>
 * Each append carries its node and a sequence number, so an append Redis took twice (re-sent after
 * a reconnection) is delivered once. The reader resumes from the last id it saw after Redis comes
 * back; with Redis's append-only file on, nothing acknowledged is lost across a restart.
 */
final class RedisEventTopic implements EventTopic {
    private static final System.Logger LOG = System.getLogger(RedisEventTopic.class.getName());
    /** How long one XREAD waits for new entries at most; below the connection's command timeout. */
    private static final Duration MAX_READ_BLOCK = Duration.ofSeconds(2);
    private static final int READ_BATCH = 512;
    /** Entries fetched per XRANGE when replaying past the mirror. */
    private static final int REPLAY_PAGE = 256;
    /** How long a join waits for this node's reader to reach the id a client saw on another node. */
    private static final Duration CATCH_UP = Duration.ofSeconds(2);
    private static final int JOIN_ATTEMPTS = 3;
    private static final int ORIGINS_REMEMBERED = 256;
    private static final byte DATA = 'd';
    private static final byte EVENT = 'e';
    private static final byte RETRY = 'r';
    private static final byte ORIGIN = 'o';
    private static final byte SEQUENCE = 's';

    private final RedisBroker broker;
    private final String name;
    private final byte[] stream;
    /** How many entries the stream keeps, about; at least as many as the mirror. */
    private final int streamLength;
    /** How many entries the mirror keeps. */
    private final int mirrorLength;
    /** The most encoded bytes a stream is sent to catch up: the mirror's bound. */
    private final long replayBytes;
    private final Duration readBlock;
    private final EventBroadcaster local;
    private final StatefulConnection<byte[], byte[]> readerConnection;
    private final RedisClusterAsyncCommands<byte[], byte[]> reader;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicLong sequence = new AtomicLong();
    /** This node's appends not yet delivered here, by sequence. */
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Joins waiting for the reader to pass an id; guarded by itself. */
    private final List<CatchUp> catchUps = new ArrayList<>();
    /** The id of the last entry the reader delivered; written by the reader only. */
    private volatile String lastId = "0-0";
    /** The sequences delivered per node, for skipping duplicates; the reader's only. */
    private final Map<Long, SeenSequences> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, SeenSequences> eldest) {
            return size() > ORIGINS_REMEMBERED;
        }
    };
    private volatile boolean stopped;
    private int readFailures;

    private static final class Pending {
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        volatile String id;
        /** Fails the append if it is not read back in time; cancelled when it is. */
        volatile java.util.concurrent.ScheduledFuture<?> deadline;

        void settle() {
            java.util.concurrent.ScheduledFuture<?> pendingDeadline = deadline;
            if (pendingDeadline != null) pendingDeadline.cancel(false);
        }
    }

    private record CatchUp(String id, CompletableFuture<Void> passed) {
    }

    RedisEventTopic(RedisBroker broker, String name, int replayEvents, long replayBytes) {
        this.broker = broker;
        this.name = name;
        this.stream = broker.keys().stream(name);
        this.mirrorLength = replayEvents;
        this.replayBytes = replayBytes;
        Duration half = broker.options().publishTimeout().dividedBy(2);
        Duration block = half.compareTo(MAX_READ_BLOCK) < 0 ? half : MAX_READ_BLOCK;
        this.readBlock = block.toMillis() < 1 ? Duration.ofMillis(1) : block; // BLOCK 0 would wait for ever
        this.streamLength = Math.max(replayEvents, broker.options().streamLength());
        this.local = new EventBroadcaster(replayEvents, replayBytes);
        this.readerConnection = broker.onBrokerThread(() -> broker.link().openReader());
        this.reader = broker.link().readerCommands(readerConnection);
        loadNewest();
    }

    @Override
    public CompletionStage<Joined> join(EventSource source, int recent) {
        Objects.requireNonNull(source, "source");
        if (recent < 0) throw new IllegalArgumentException("recent must not be negative: " + recent);
        if (stopped) return CompletableFuture.failedFuture(new IllegalStateException("the Redis broker is closed"));
        return ready.thenCompose(v -> join(source, recent, 0, true));
    }

    private CompletionStage<Joined> join(EventSource source, int recent, int attempt, boolean mayWait) {
        String lastEventId = source.lastEventId();
        if (lastEventId.isEmpty() || !StreamIds.valid(lastEventId) || local.holds(lastEventId)) {
            return CompletableFuture.completedFuture(local.subscribe(source, recent));
        }
        String[] held = local.heldIds();
        String oldest = held[0];
        String newest = held[1];
        if ((newest == null || StreamIds.compare(lastEventId, newest) > 0) && mayWait) {
            // The client saw an event this node's reader has not delivered yet.
            return caughtUp(lastEventId).thenCompose(v -> join(source, recent, attempt, false));
        }
        if (oldest == null || StreamIds.compare(lastEventId, oldest) > 0 || attempt >= JOIN_ATTEMPTS) {
            return CompletableFuture.completedFuture(local.subscribe(source, recent)); // not in the stream: reset
        }
        return replayFrom(lastEventId, oldest, new Replay()).thenCompose(replay -> {
            if (replay == null) {
                return CompletableFuture.completedFuture(local.subscribe(source, recent)); // not replayable: reset
            }
            if (!oldest.equals(replay.through)) {
                return join(source, recent, attempt + 1, false); // the mirror moved on meanwhile
            }
            Joined joined = local.subscribeAfter(source, replay.events, oldest);
            return joined != null ? CompletableFuture.completedFuture(joined) : join(source, recent, attempt + 1, false);
        });
    }

    /** The events a stream is sent from the stream itself, before the mirror's. */
    private static final class Replay {
        final List<byte[]> events = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        long bytes;
        String through;
    }

    /**
     * Fetches the entries after {@code after} up to {@code oldest} (the mirror's oldest, included),
     * a page at a time from the shared connection (the reader's is blocked in XREAD). Null when
     * {@code after} is not in the stream (trimmed, or never there) or the events to send come to
     * more than the topic's replay bytes: the client is then sent a reset, not a backlog its stream
     * could not hold.
     */
    private CompletableFuture<Replay> replayFrom(String from, String oldest, Replay replay) {
        // Each page starts at the last entry taken, included: if it is gone, the stream was trimmed
        // past it meanwhile and what follows would skip events, so the client gets a reset instead.
        return broker.call(() -> broker.link().commands().xrange(stream, Range.create(from, oldest), Limit.from(REPLAY_PAGE + 1)))
                .thenCompose(entries -> {
                    if (entries.isEmpty() || !entries.get(0).getId().equals(from)) return CompletableFuture.completedFuture(null);
                    for (StreamMessage<byte[], byte[]> entry : entries.subList(1, entries.size())) {
                        Decoded decoded = decode(entry);
                        replay.through = entry.getId();
                        if (decoded != null && replay.seen.add(decoded.origin + ":" + decoded.sequence)) {
                            byte[] encoded = SseEncoder.encode(decoded.event);
                            replay.bytes += encoded.length;
                            if (replay.bytes > replayBytes) return CompletableFuture.completedFuture(null);
                            replay.events.add(encoded);
                        }
                    }
                    boolean done = entries.size() <= REPLAY_PAGE || oldest.equals(replay.through);
                    return done ? CompletableFuture.completedFuture(replay) : replayFrom(replay.through, oldest, replay);
                });
    }

    /** Completes when the reader has delivered {@code id} or a later entry, or after {@link #CATCH_UP}. */
    private CompletableFuture<Void> caughtUp(String id) {
        CatchUp catchUp = new CatchUp(id, new CompletableFuture<>());
        synchronized (catchUps) {
            if (StreamIds.compare(lastId, id) >= 0) return CompletableFuture.completedFuture(null);
            catchUps.add(catchUp);
        }
        return catchUp.passed.completeOnTimeout(null, CATCH_UP.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> {
                    synchronized (catchUps) {
                        catchUps.remove(catchUp);
                    }
                });
    }

    @Override
    public boolean unsubscribe(EventSource source) {
        return local.unsubscribe(source);
    }

    @Override
    public int size() {
        return local.size();
    }

    /**
     * Appends {@code event} to the stream (its own id is replaced by the stream's). The stage
     * completes when this node's reader has delivered it to this node's subscribers, with how many
     * it was written to; it fails when Redis did not take it in time or too many appends wait.
     */
    @Override
    public CompletableFuture<Integer> broadcast(SseEvent event) {
        Objects.requireNonNull(event, "event");
        if (stopped || broker.closed()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the Redis broker is closed"));
        }
        if (pending.size() >= broker.options().publishQueueLimit()) {
            return CompletableFuture.failedFuture(new IllegalStateException("event topic " + name + ": "
                    + pending.size() + " appends are waiting for Redis (publishQueueLimit)"));
        }
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        if (event.data() != null) fields.put(new byte[] {DATA}, Keys.bytes(event.data()));
        if (event.event() != null) fields.put(new byte[] {EVENT}, Keys.bytes(event.event()));
        event.retry().ifPresent(retry -> fields.put(new byte[] {RETRY}, Keys.bytes(Long.toString(retry))));
        fields.put(new byte[] {ORIGIN}, ByteBuffer.allocate(8).putLong(broker.nodeId()).array());
        long seq = sequence.incrementAndGet();
        fields.put(new byte[] {SEQUENCE}, Keys.bytes(Long.toString(seq)));
        Pending append = new Pending();
        pending.put(seq, append);
        if (stopped) { // closed meanwhile: stop() may have swept the map already
            if (pending.remove(seq) != null) append.done.completeExceptionally(new IllegalStateException("the Redis broker is closed"));
            return append.done;
        }
        broker.call(() -> broker.link().commands().xadd(stream, XAddArgs.Builder.maxlen(streamLength).approximateTrimming(), fields))
                .whenComplete((id, error) -> {
                    if (error != null) {
                        if (pending.remove(seq) != null) append.done.completeExceptionally(error);
                        return;
                    }
                    append.id = id;
                    if (StreamIds.compare(id, lastId) <= 0 && pending.remove(seq) != null) {
                        append.done.completeExceptionally(notDelivered(id));
                        return;
                    }
                    // Accepted: delivered here by the reader, or failed, within the publish timeout.
                    try {
                        append.deadline = broker.scheduler().schedule(() -> {
                            if (pending.remove(seq, append)) {
                                append.done.completeExceptionally(new java.util.concurrent.TimeoutException("event topic " + name
                                        + ": appended as " + id + " but not read back within " + broker.options().publishTimeout()));
                            }
                        }, broker.options().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.RejectedExecutionException closed) {
                        if (pending.remove(seq, append)) append.done.completeExceptionally(new IllegalStateException("the Redis broker is closed"));
                    }
                    if (!pending.containsKey(seq)) append.settle(); // delivered while the deadline was being set
                });
        return append.done;
    }

    private IllegalStateException notDelivered(String id) {
        return new IllegalStateException("event topic " + name + ": appended as " + id
                + " but it left the stream before this node read it (raise RedisBrokerOptions.streamLength)");
    }

    @Override
    public void closeAll() {
        local.closeAll();
    }

    /** Stops the reader and closes this node's subscribers' streams; the broker then closes the connection. */
    void stop() {
        stopped = true;
        ready.completeExceptionally(new IllegalStateException("the Redis broker is closed"));
        List<CatchUp> waiting;
        synchronized (catchUps) {
            waiting = new ArrayList<>(catchUps);
        }
        waiting.forEach(catchUp -> catchUp.passed.complete(null));
        local.closeAll();
        IllegalStateException closed = new IllegalStateException("the Redis broker is closed");
        for (Long seq : pending.keySet()) {
            Pending append = pending.remove(seq);
            if (append != null) {
                append.settle();
                append.done.completeExceptionally(closed);
            }
        }
    }

    /** Fills the mirror with the stream's newest entries, then follows the stream from the newest. */
    private void loadNewest() {
        reader(commands -> commands.xrevrange(stream, Range.create("-", "+"), Limit.from(mirrorLength)))
                .whenComplete((newestFirst, error) -> {
                    if (error != null) {
                        retry("loading", error, this::loadNewest);
                        return;
                    }
                    List<StreamMessage<byte[], byte[]>> entries = new ArrayList<>(newestFirst);
                    Collections.reverse(entries);
                    deliver(entries);
                    ready.complete(null);
                    readNext();
                });
    }

    @SuppressWarnings("unchecked") // XREAD's offsets are varargs of a generic type: one offset here
    private void readNext() {
        if (stopped) return;
        reader(commands -> commands.xread(XReadArgs.Builder.block(readBlock).count(READ_BATCH),
                XReadArgs.StreamOffset.from(stream, lastId)))
                .whenComplete((entries, error) -> {
                    if (error != null) {
                        retry("reading", error, this::readNext);
                        return;
                    }
                    readFailures = 0;
                    if (entries != null) deliver(entries);
                    readNext();
                });
    }

    private <T> CompletableFuture<T> reader(java.util.function.Function<RedisClusterAsyncCommands<byte[], byte[]>,
            CompletionStage<T>> command) {
        return broker.call(() -> command.apply(reader));
    }

    private void retry(String what, Throwable error, Runnable again) {
        if (stopped || broker.closed()) return;
        long delay = Math.min(broker.options().reconnectDelayMax().toMillis(),
                broker.options().reconnectDelayMin().toMillis() << Math.min(readFailures++, 10));
        LOG.log(readFailures == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                () -> what + " event topic " + name + " failed (" + RedisBroker.rootMessage(error) + "); again in " + delay + " ms");
        broker.scheduler().schedule(again, delay, TimeUnit.MILLISECONDS);
    }

    /** The reader's only way in: entries in stream order, duplicates skipped, this node's appends completed. */
    private void deliver(List<StreamMessage<byte[], byte[]>> entries) {
        for (StreamMessage<byte[], byte[]> entry : entries) {
            Decoded decoded = decode(entry);
            if (decoded != null) {
                SeenSequences fromOrigin = seen.get(decoded.origin);
                boolean firstTime = fromOrigin == null || fromOrigin.firstTime(decoded.sequence);
                if (fromOrigin == null) {
                    seen.put(decoded.origin, new SeenSequences(decoded.sequence));
                }
                if (firstTime) {
                    CompletableFuture<Integer> sent = local.broadcast(decoded.event);
                    Pending append = decoded.origin == broker.nodeId() ? pending.remove(decoded.sequence) : null;
                    if (append != null) {
                        append.settle();
                        sent.whenComplete((written, error) -> append.done.complete(error == null ? written : 0));
                    }
                }
            }
            lastId = entry.getId();
        }
        if (entries.isEmpty()) return;
        String through = lastId;
        for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Pending append = it.next().getValue();
            if (append.id != null && StreamIds.compare(append.id, through) <= 0) {
                it.remove();
                append.settle();
                append.done.completeExceptionally(notDelivered(append.id));
            }
        }
        List<CatchUp> passed = new ArrayList<>();
        synchronized (catchUps) {
            for (CatchUp catchUp : catchUps) {
                if (StreamIds.compare(catchUp.id, through) <= 0) passed.add(catchUp);
            }
        }
        passed.forEach(catchUp -> catchUp.passed.complete(null));
    }

    private record Decoded(long origin, long sequence, SseEvent event) {
    }

    /** The event in a stream entry, with the entry's id; null for an entry this topic did not write. */
    private static Decoded decode(StreamMessage<byte[], byte[]> entry) {
        String data = null;
        String type = null;
        long retry = -1;
        long origin = 0;
        long sequence = -1;
        for (Map.Entry<byte[], byte[]> field : entry.getBody().entrySet()) {
            byte[] key = field.getKey();
            if (key.length != 1) continue;
            byte[] value = field.getValue();
            try {
                switch (key[0]) {
                    case DATA -> data = Keys.text(value);
                    case EVENT -> type = Keys.text(value);
                    case RETRY -> retry = Long.parseLong(Keys.text(value));
                    case ORIGIN -> origin = value.length == 8 ? ByteBuffer.wrap(value).getLong() : 0;
                    case SEQUENCE -> sequence = Long.parseLong(Keys.text(value));
                    default -> { }
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (sequence < 0) return null;
        SseEvent event = (data == null ? SseEvent.of() : SseEvent.data(data)).id(entry.getId());
        if (type != null) event = event.event(type);
        if (retry >= 0) event = event.retry(retry);
        return new Decoded(origin, sequence, event);
    }

    @Override
    public String toString() {
        return "Redis event topic " + name;
    }
}
