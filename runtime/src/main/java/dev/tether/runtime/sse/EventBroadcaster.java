package dev.tether.runtime.sse;

import dev.tether.api.EventSource;
import dev.tether.api.ReadyState;
import dev.tether.runtime.RuntimeThreads;
import dev.tether.runtime.broadcast.EventTopic;
import dev.tether.runtime.io.Handoff;
import dev.tether.sse.ReplayBuffer;
import dev.tether.sse.SseEncoder;
import dev.tether.sse.SseEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One named stream of events sent to many subscribers, with a replay buffer so that a client
 * reconnecting with {@code Last-Event-ID} gets what it missed. Thread-safe.
 *
 * <p>Each event is encoded once and the same bytes are queued to every subscriber's own bounded
 * queue; a broadcast never waits for any subscriber, so a slow one meets its own buffer limit and
 * overflow policy while the others carry on. Subscribers leave by themselves when their stream
 * closes.
 *
 * <h2>Writing behind</h2>
 * A broadcast only queues; the writes are made by a flush pass on the broadcaster's executor
 * (the runtime's shared daemon threads unless one is given). While a pass writes, further
 * broadcasts queue behind it, so the next pass writes each subscriber's backlog in one gathered
 * write: the faster events come,
 * the more of them share a system call, and the publisher never pays for the sockets. An idle
 * broadcaster's event leaves at once, one hand-off later.
 *
 * <p>A publisher that broadcasts faster than the subscribers read should pace itself on the
 * stages {@code broadcast} returns, keeping a few hundred unfinished: every queued event costs an
 * entry in every subscriber's queue, and backlogs of thousands of events across a thousand
 * subscribers outgrow the CPU caches (README's figures show how much slower that is).
 *
 * <h2>Resuming</h2>
 * The replay buffer is the topic's log: a stream that {@link #subscribe subscribes} with a
 * {@code Last-Event-ID} the buffer holds is sent every event broadcast after it, and one with any
 * other id a {@value EventTopic#RESET_EVENT} event, as {@link EventTopic} describes. Only events
 * given an id can be resumed from; events without one are replayed when they come after the
 * client's id.
 */
public final class EventBroadcaster implements EventTopic {
    private static final System.Logger LOG = System.getLogger(EventBroadcaster.class.getName());

    private final Object lock = new Object();
    private final ReplayBuffer replay;
    private final Set<EventSource> subscribers = ConcurrentHashMap.newKeySet();
    private final Executor flusher;
    /** Streams with queued events that no flush pass has written yet; each at most once. */
    private final ConcurrentLinkedQueue<EventStream> unflushed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushPassScheduled = new AtomicBoolean();

    /** A broadcaster without replay: reconnecting clients with a last event id are sent a reset. */
    public EventBroadcaster() {
        this(0, 0);
    }

    /**
     * A broadcaster that keeps the newest events for replay, at most {@code replayEvents} of them
     * and at most {@code replayBytes} encoded bytes; writes run on the runtime's shared
     * daemon threads ({@link RuntimeThreads#executor()}).
     *
     * @param replayEvents the most events kept for replay, not negative; 0 keeps none
     * @param replayBytes the most encoded bytes of them kept for replay, not negative
     */
    public EventBroadcaster(int replayEvents, long replayBytes) {
        this(replayEvents, replayBytes, RuntimeThreads.executor());
    }

    /**
     * As {@link #EventBroadcaster(int, long)}, with the flush passes run on {@code flusher}. The
     * passes never block (writes are non-blocking), but the completions of the broadcasts' stages
     * run in them: a callback on a broadcast's stage must not wait for another broadcast (compose
     * instead), or the pass that would write it waits on itself.
     *
     * @param replayEvents the most events kept for replay, not negative; 0 keeps none
     * @param replayBytes the most encoded bytes of them kept for replay, not negative
     * @param flusher runs the flush passes that write the queued events
     */
    public EventBroadcaster(int replayEvents, long replayBytes, Executor flusher) {
        this.replay = new ReplayBuffer(replayEvents, replayBytes);
        this.flusher = Objects.requireNonNull(flusher, "flusher");
    }

    /**
     * Adds {@code source}: replays what it missed (see {@link EventTopic}), then sends it every
     * broadcast until it closes.
     *
     * @param source the stream to add, with the {@code Last-Event-ID} it came with
     * @return how the stream joined; {@link Joined#CLOSED} if it was closed already
     */
    public Joined subscribe(EventSource source) {
        return subscribe(source, 0);
    }

    /**
     * As {@link #subscribe(EventSource)}, and a stream that comes without {@code Last-Event-ID} (a
     * first visit, not a reconnection) gets the newest {@code recent} events kept before the new
     * ones: a chat's recent history, an activity feed that is not empty on arrival.
     *
     * @param source the stream to add, with the {@code Last-Event-ID} it came with
     * @param recent how many of the newest kept events a stream without {@code Last-Event-ID} is
     *        sent; not negative
     * @return how the stream joined; {@link Joined#CLOSED} if it was closed already
     * @throws IllegalArgumentException if {@code recent} is negative
     */
    public Joined subscribe(EventSource source, int recent) {
        Objects.requireNonNull(source, "source");
        if (recent < 0) {
            throw new IllegalArgumentException("recent must not be negative: " + recent);
        }
        Joined joined;
        List<EventStream> toFlush = new ArrayList<>(1);
        synchronized (lock) {
            if (source.readyState() != ReadyState.OPEN) return Joined.CLOSED;
            String lastEventId = source.lastEventId();
            if (lastEventId.isEmpty()) {
                joined = Joined.FIRST;
                replay.newest(recent).forEach(bytes -> queue(source, bytes, null, toFlush));
            } else {
                ReplayBuffer.Resume resume = replay.resumeAfter(lastEventId);
                if (resume.outcome() == ReplayBuffer.Resume.Outcome.REPLAY) {
                    joined = Joined.RESUMED;
                    resume.events().forEach(bytes -> queue(source, bytes, null, toFlush));
                } else {
                    joined = Joined.RESET;
                    String newest = replay.newestId();
                    SseEvent reset = SseEvent.data(lastEventId).event(RESET_EVENT).id(newest == null ? "" : newest);
                    queue(source, SseEncoder.encode(reset), reset, toFlush);
                }
            }
            subscribers.add(source);
        }
        source.closed().whenComplete((ok, error) -> subscribers.remove(source));
        toFlush.forEach(EventStream::flush);
        return joined;
    }

    /** As {@link #subscribe(EventSource, int)}, already done when the stage is returned. */
    @Override
    public CompletionStage<Joined> join(EventSource source, int recent) {
        return CompletableFuture.completedFuture(subscribe(source, recent));
    }

    /**
     * For a log kept elsewhere (a broker's), of which the replay buffer holds the newest events:
     * adds {@code source} after sending it {@code earlier} (events the caller fetched from the log,
     * encoded, oldest first, the last of them the one with id {@code throughId}) and then the
     * buffer's events after {@code throughId}, all under the broadcast lock, so that nothing
     * broadcast meanwhile is missed or sent twice. Returns null, subscribing nothing, when the buffer
     * no longer holds {@code throughId} (it moved on while the caller fetched: fetch again).
     *
     * @param source the stream to add
     * @param earlier the encoded events fetched from the log, oldest first, ending with {@code throughId}
     * @param throughId the id of the last event in {@code earlier}
     * @return {@link Joined#RESUMED} once subscribed, {@link Joined#CLOSED} if the stream was closed
     *         already, or null if the buffer no longer holds {@code throughId}
     */
    public Joined subscribeAfter(EventSource source, List<byte[]> earlier, String throughId) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(earlier, "earlier");
        Objects.requireNonNull(throughId, "throughId");
        List<EventStream> toFlush = new ArrayList<>(1);
        synchronized (lock) {
            if (source.readyState() != ReadyState.OPEN) return Joined.CLOSED;
            ReplayBuffer.Resume resume = replay.resumeAfter(throughId);
            if (resume.outcome() != ReplayBuffer.Resume.Outcome.REPLAY) return null;
            earlier.forEach(bytes -> queue(source, bytes, null, toFlush));
            resume.events().forEach(bytes -> queue(source, bytes, null, toFlush));
            subscribers.add(source);
        }
        source.closed().whenComplete((ok, error) -> subscribers.remove(source));
        toFlush.forEach(EventStream::flush);
        return Joined.RESUMED;
    }

    /**
     * The ids of the oldest and the newest event with one in the replay buffer, or nulls.
     *
     * @return a two-element array: the oldest id and the newest, each null when no kept event has one
     */
    public String[] heldIds() {
        synchronized (lock) {
            return new String[] {replay.oldestId(), replay.newestId()};
        }
    }

    /**
     * Whether the replay buffer holds an event with id {@code id}.
     *
     * @param id the event id to look for
     * @return true if a kept event has that id
     */
    public boolean holds(String id) {
        synchronized (lock) {
            return replay.contains(id);
        }
    }

    /** Removes {@code source}; it stays open. */
    @Override
    public boolean unsubscribe(EventSource source) {
        return subscribers.remove(source);
    }

    /**
     * Keeps {@code event} for replay and sends it to every subscriber. The stage completes, when
     * every send has completed or failed, with the number of subscribers it was written to.
     */
    @Override
    public CompletableFuture<Integer> broadcast(SseEvent event) {
        byte[] encoded = SseEncoder.encode(event);
        List<CompletableFuture<Void>> sends;
        List<EventStream> toFlush;
        synchronized (lock) {
            // Queued in one critical section, so every subscriber gets the events in the same order.
            replay.add(event.id(), encoded);
            sends = new ArrayList<>(subscribers.size());
            toFlush = new ArrayList<>(subscribers.size());
            for (EventSource source : subscribers) {
                sends.add(queue(source, encoded, event, toFlush));
            }
        }
        for (EventStream source : toFlush) {
            if (source.markUnflushed()) {
                unflushed.add(source);
            }
        }
        scheduleFlushPass();
        return new Tally(sends.size()).of(sends);
    }

    private void scheduleFlushPass() {
        if (unflushed.isEmpty() || !flushPassScheduled.compareAndSet(false, true)) {
            return;
        }
        Handoff.execute(flusher, this::flushPass); // refused, it still writes (or fails) what was queued here
    }

    /**
     * Writes every stream that has queued events, and goes round again while broadcasts made
     * meanwhile marked more (a loop, not a new task: a same-thread executor must not recurse).
     */
    private void flushPass() {
        do {
            try {
                for (EventStream source; (source = unflushed.poll()) != null; ) {
                    source.clearUnflushed(); // before writing: an event queued from now on marks it again
                    try {
                        source.flush();
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "flushing " + source + " failed", e);
                    }
                }
            } finally {
                flushPassScheduled.set(false); // even after an Error: later broadcasts still get passes
            }
        } while (!unflushed.isEmpty() && flushPassScheduled.compareAndSet(false, true));
    }

    /**
     * Counts the sends of one broadcast as they settle, with one shared callback instead of a
     * future per subscriber: a broadcast to a thousand streams should cost a thousand writes, not
     * thousands of futures.
     */
    private static final class Tally implements java.util.function.BiConsumer<Void, Throwable> {
        private final CompletableFuture<Integer> result = new CompletableFuture<>();
        private final AtomicInteger pending;
        private final AtomicInteger written = new AtomicInteger();

        Tally(int sends) {
            this.pending = new AtomicInteger(sends);
        }

        CompletableFuture<Integer> of(List<CompletableFuture<Void>> sends) {
            if (sends.isEmpty()) {
                result.complete(0);
            }
            for (CompletableFuture<Void> send : sends) {
                send.whenComplete(this);
            }
            return result;
        }

        @Override
        public void accept(Void ok, Throwable error) {
            if (error == null) {
                written.incrementAndGet();
            }
            if (pending.decrementAndGet() == 0) {
                result.complete(written.get());
            }
        }
    }

    /** Queues without writing for our own streams (written after the lock is let go); sends for others. */
    private static CompletableFuture<Void> queue(EventSource source, byte[] encoded, SseEvent event,
                                                 List<EventStream> toFlush) {
        if (source instanceof EventStream ours) {
            toFlush.add(ours);
            return ours.enqueue(encoded);
        }
        return event != null
                ? source.send(event).toCompletableFuture()
                : CompletableFuture.failedFuture(new IllegalStateException("replay needs an EventStream"));
    }

    /** The number of subscribers. */
    @Override
    public int size() {
        return subscribers.size();
    }

    /**
     * A snapshot of the subscribers.
     *
     * @return an unmodifiable copy of the subscribed streams, in no particular order
     */
    public List<EventSource> subscribers() {
        return List.copyOf(subscribers);
    }

    /** Closes every subscriber's stream (e.g. when the application stops). */
    @Override
    public void closeAll() {
        subscribers().forEach(EventSource::close);
    }
}
