package dev.tether.sse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The most recent encoded events of one stream, so that a client reconnecting with
 * {@code Last-Event-ID} can be sent what it missed. Bounded both by a number of events and by their
 * total size; the oldest events leave first. Not thread-safe: its owner serializes calls.
 *
 * <p>Events without an id are kept too (they are part of what a client missed) but cannot be
 * resumed from. An id the buffer does not hold, whether it has left the buffer or was never sent
 * (e.g. before a server restart), answers {@link Resume.Outcome#UNKNOWN}: the caller must tell the
 * client to resynchronise.
 */
public final class ReplayBuffer {

    /**
     * What a reconnecting client needs, computed by {@link #resumeAfter(String)}.
     *
     * @param outcome whether the client's last event id was found
     * @param events  for {@link Outcome#REPLAY}, the encoded events sent after it, oldest first;
     *                empty for {@link Outcome#UNKNOWN}. The arrays are the buffer's: do not change them
     */
    public record Resume(Outcome outcome, List<byte[]> events) {
        /** How the client's last event id relates to the buffer. */
        public enum Outcome {
            /** The id is held: {@code events} (possibly none) are the ones sent after it. */
            REPLAY,
            /** The id is not held (too old, or never issued here): the missed events cannot be replayed. */
            UNKNOWN
        }

        /**
         * Checks that {@code outcome} is not null and keeps an unmodifiable copy of {@code events}.
         *
         * @param outcome whether the client's last event id was found
         * @param events  the encoded events to send, oldest first
         */
        public Resume {
            Objects.requireNonNull(outcome, "outcome");
            events = List.copyOf(events);
        }
    }

    private record Entry(String id, byte[] bytes) {
    }

    private final int maxEvents;
    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;

    /**
     * @param maxEvents most events kept; zero keeps none
     * @param maxBytes  most encoded bytes kept; an event larger than this is not kept at all
     */
    public ReplayBuffer(int maxEvents, long maxBytes) {
        if (maxEvents < 0) throw new IllegalArgumentException("maxEvents must not be negative: " + maxEvents);
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /**
     * Keeps one encoded event. {@code id} is the event's id field, or null when it has none; the
     * array is kept as it is and must not change.
     *
     * <p>An event too large to keep (or any event, when {@code maxEvents} is 0) empties the buffer,
     * since a resume from an older id would otherwise skip it.
     *
     * @param id      the event's id, or null
     * @param encoded the event as sent on the stream, e.g. from {@link SseEncoder}
     */
    public void add(String id, byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        if (maxEvents == 0 || encoded.length > maxBytes) {
            // Cannot be kept: forget everything older too, or a later resume would skip this event.
            entries.clear();
            bytes = 0;
            return;
        }
        entries.addLast(new Entry(id, encoded));
        bytes += encoded.length;
        while (entries.size() > maxEvents || bytes > maxBytes) {
            bytes -= entries.removeFirst().bytes.length;
        }
    }

    /**
     * The events sent after the newest event with id {@code lastEventId}, or {@code UNKNOWN}.
     *
     * @param lastEventId the {@code Last-Event-ID} the client sent
     * @return {@link Resume.Outcome#REPLAY} with the events after that id, oldest first; or
     *         {@link Resume.Outcome#UNKNOWN} with none when no event kept has that id
     */
    public Resume resumeAfter(String lastEventId) {
        Objects.requireNonNull(lastEventId, "lastEventId");
        List<byte[]> after = new ArrayList<>();
        Iterator<Entry> newestFirst = entries.descendingIterator();
        while (newestFirst.hasNext()) {
            Entry entry = newestFirst.next();
            if (lastEventId.equals(entry.id)) {
                Collections.reverse(after);
                return new Resume(Resume.Outcome.REPLAY, after);
            }
            after.add(entry.bytes);
        }
        return new Resume(Resume.Outcome.UNKNOWN, List.of());
    }

    /**
     * The newest {@code count} events (fewer if fewer are kept), oldest first.
     *
     * @param count how many events at most, 0 or more
     * @return the encoded events, oldest first; the arrays are the buffer's, not to be changed
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public List<byte[]> newest(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        List<byte[]> newest = new ArrayList<>(Math.min(count, entries.size()));
        Iterator<Entry> newestFirst = entries.descendingIterator();
        while (newestFirst.hasNext() && newest.size() < count) {
            newest.add(newestFirst.next().bytes);
        }
        Collections.reverse(newest);
        return newest;
    }

    /**
     * The id of the newest event that has one, or null.
     *
     * @return the newest id kept; null when no event kept has an id
     */
    public String newestId() {
        Iterator<Entry> newestFirst = entries.descendingIterator();
        while (newestFirst.hasNext()) {
            String id = newestFirst.next().id;
            if (id != null) return id;
        }
        return null;
    }

    /**
     * Whether an event with id {@code id} is kept.
     *
     * @param id the event id to look for
     * @return true when {@link #resumeAfter} would answer {@link Resume.Outcome#REPLAY} for it
     */
    public boolean contains(String id) {
        Objects.requireNonNull(id, "id");
        for (Entry entry : entries) {
            if (id.equals(entry.id)) return true;
        }
        return false;
    }

    /**
     * The id of the oldest event that has one, or null.
     *
     * @return the oldest id kept; null when no event kept has an id
     */
    public String oldestId() {
        for (Entry entry : entries) {
            if (entry.id != null) return entry.id;
        }
        return null;
    }

    /**
     * The number of events kept.
     *
     * @return the events kept, with or without an id; at most {@code maxEvents}
     */
    public int size() {
        return entries.size();
    }

    /**
     * The encoded bytes kept.
     *
     * @return the total length of the events kept; at most {@code maxBytes}
     */
    public long bytes() {
        return bytes;
    }
}
