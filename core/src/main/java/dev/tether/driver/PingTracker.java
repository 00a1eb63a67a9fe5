package dev.tether.driver;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;

/**
 * Matches pongs to the pings that asked for them: {@link #expect} returns a future for a ping's
 * payload, {@link #acknowledge} finds the oldest pending ping with the pong's payload. Unsolicited
 * pongs match nothing. Futures are never completed here, only returned, so the caller can complete
 * them outside any lock it holds (their dependent actions run user code).
 *
 * <p>Not thread-safe: guard it with the connection's lock. At most {@code limit} pings may be
 * pending; a peer that never answers cannot make it grow without bound.
 */
public final class PingTracker {
    private record Pending(ByteBuffer payload, CompletableFuture<Void> future) {
    }

    /** Made by the first ping: most connections never have one waiting. */
    private ArrayDeque<Pending> pending;
    private final int limit;

    /** @param limit the most pings that may wait for a pong at once */
    public PingTracker(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.limit = limit;
    }

    /**
     * Registers a ping just sent.
     *
     * @param payload the ping's payload, from position to limit; copied, so the caller may reuse it
     * @return a future for the caller to complete when the matching pong is {@link #acknowledge acknowledged}
     * @throws IllegalStateException when {@code limit} pings are already waiting
     */
    public CompletableFuture<Void> expect(ByteBuffer payload) {
        if (size() >= limit) {
            throw new IllegalStateException(limit + " pings are already waiting for their pongs");
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (pending == null) {
            pending = new ArrayDeque<>(1);
        }
        pending.add(new Pending(copy(payload), future));
        return future;
    }

    /**
     * Removes and returns the future of the oldest pending ping whose payload equals the pong's, or null.
     *
     * @param pongPayload the payload of a pong that arrived, from position to limit
     * @return the matched ping's future, not yet completed, or null when no pending ping matches
     */
    public CompletableFuture<Void> acknowledge(ByteBuffer pongPayload) {
        if (pending == null) {
            return null;
        }
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.payload.equals(pongPayload)) {
                it.remove();
                return p.future;
            }
        }
        return null;
    }

    /**
     * Removes and returns every pending future, for the caller to fail when the connection closes.
     *
     * @return the futures of all pings still waiting, oldest first; empty when none was
     */
    public List<CompletableFuture<Void>> drain() {
        List<CompletableFuture<Void>> all = new ArrayList<>(size());
        if (pending != null) {
            pending.forEach(p -> all.add(p.future));
            pending.clear();
        }
        return all;
    }

    /**
     * The number of pings waiting for their pongs.
     *
     * @return how many pings are pending, at most the limit
     */
    public int size() {
        return pending == null ? 0 : pending.size();
    }

    private static ByteBuffer copy(ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
        copy.put(payload.duplicate());
        return copy.flip();
    }
}
