package dev.tether.runtime.connection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The sends of one connection that cannot go yet: those made before it opened (the only such queue:
 * drivers keep none), and whole messages sent while a fragmented message is open, written after its
 * last part so that frames of two messages never mix. Also the completions owed to parts an extension
 * held back: handed to the driver but not yet in any frame. Guarded by the connection's lock, except
 * {@link #bytes()}.
 *
 * <p>This object is the connection's lock itself ({@code WebSocketConnection.lock}): it never leaves
 * this package, and nothing but the connection synchronizes on it.
 */
final class PendingSends {

    /** How a send stands to a message sent in fragments. */
    enum Part {
        /** A whole message: waits behind a fragmented message that is being sent. */
        WHOLE,
        /** A fragment that leaves its message open. */
        MORE,
        /** The fragment that ends its message. */
        LAST
    }

    /** A send that has to wait; {@code done} (null for a close) is failed if it never goes. */
    private record Deferred(CompletableFuture<Void> done, Runnable action) {
    }

    private List<Deferred> beforeOpen = new ArrayList<>();
    /** Made when first needed. */
    private ArrayDeque<Deferred> behindFragments;
    private boolean fragmentedMessageOpen;
    /** Completions of parts whose bytes an extension holds back, oldest first; made when first needed. */
    private List<CompletableFuture<Void>> owed;
    private volatile long bytes; // written under the lock, read without it

    /** Bytes of messages waiting here: part of the connection's buffered amount. */
    long bytes() {
        return bytes;
    }

    /** Whether the connection has not opened yet: sends wait for it. */
    boolean beforeOpen() {
        return beforeOpen != null;
    }

    /** Queues a send of {@code size} bytes until the open; {@code write} runs then, in order. */
    void addBeforeOpen(CompletableFuture<Void> done, long size, Runnable write) {
        bytes += size;
        beforeOpen.add(new Deferred(done, () -> {
            bytes -= size;
            write.run();
        }));
    }

    /** Queues a close until the open, behind the sends made before it. */
    void addCloseBeforeOpen(Runnable close) {
        beforeOpen.add(new Deferred(null, close));
    }

    /** The connection opened: runs what waited for it, in order; from now on nothing waits for it. */
    void opened() {
        List<Deferred> queued = beforeOpen;
        beforeOpen = null;
        queued.forEach(d -> d.action().run());
    }

    /**
     * Whether a send of {@code part} must wait for a fragmented message to end; if so it is queued,
     * and {@code write} runs after that message's last part.
     */
    boolean waitsForFragments(Part part, CompletableFuture<Void> done, long size, Runnable write) {
        if (part != Part.WHOLE || !fragmentedMessageOpen) {
            return false;
        }
        bytes += size;
        if (behindFragments == null) {
            behindFragments = new ArrayDeque<>(2);
        }
        behindFragments.add(new Deferred(done, () -> {
            bytes -= size;
            write.run();
        }));
        return true;
    }

    /** A part was written: after the last one, the whole messages that waited for it go. */
    void partWritten(Part part) {
        if (part == Part.WHOLE) {
            return;
        }
        fragmentedMessageOpen = part == Part.MORE;
        if (part == Part.LAST && behindFragments != null) {
            Deferred waiting;
            while ((waiting = behindFragments.poll()) != null) {
                waiting.action().run();
            }
        }
    }

    /**
     * A part reached the driver but no frame yet: an extension holds its bytes back. Its completion
     * goes with the frame that finally carries them ({@link #takeOwed}), or fails at close.
     */
    void owe(CompletableFuture<Void> done) {
        if (owed == null) {
            owed = new ArrayList<>(2);
        }
        owed.add(done);
    }

    /** The completions owed to held-back parts, oldest first, now no longer owed; null when none (the usual case). */
    List<CompletableFuture<Void>> takeOwed() {
        List<CompletableFuture<Void>> taken = owed;
        owed = null;
        return taken;
    }

    /** The connection closed: the completions of every send that will never go, for failing. */
    List<CompletableFuture<Void>> neverSent() {
        List<CompletableFuture<Void>> never = new ArrayList<>();
        if (beforeOpen != null) {
            beforeOpen.stream().map(Deferred::done).filter(f -> f != null).forEach(never::add);
        }
        if (behindFragments != null) {
            behindFragments.stream().map(Deferred::done).forEach(never::add);
            behindFragments.clear();
        }
        if (owed != null) {
            never.addAll(owed);
            owed = null;
        }
        beforeOpen = null;
        bytes = 0;
        return never;
    }
}
