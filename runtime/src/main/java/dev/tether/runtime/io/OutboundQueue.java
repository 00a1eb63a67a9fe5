package dev.tether.runtime.io;

import dev.tether.driver.WireOutput;
import dev.tether.runtime.Output;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The bytes waiting to be written to one connection, handed to its {@link Output} (a transport) one write at a
 * time. Pings and pongs go ahead of queued data frames; the close frame, queued last, stays last.
 * Small frames queued together go in one write (the transport gathers them); so do large ones, up to
 * {@link #GATHER_BYTES}, for a transport that {@link Output#endsWritesBetweenFrames() ends a write
 * between frames} when the socket is full, so that a ping queued meanwhile still waits for one frame
 * at most. Once a write has ended so, frames go as for other transports until a write goes out
 * whole at once: offered to a full socket, the frames' heap buffers would be copied for the system
 * call again and again for the little it takes each time. A frame's completion is
 * fulfilled when the transport reports its write done, i.e. when its bytes have left for the socket,
 * and failed if the connection fails first (by {@link SendStage#settle}, so chains of sends stay flat).
 *
 * <p>Adding is done under the connection's lock; {@link #flush()} is called by any thread after that
 * lock is released, and goes on by itself when a write that did not finish at once completes.
 */
public final class OutboundQueue {

    /** What the queue tells its connection, always outside any lock. */
    public interface Owner {
        /**
         * A flush ended with {@code buffered} bytes still queued (0 when everything was written).
         *
         * @param buffered the bytes queued and not yet written, a write in progress included
         */
        void flushed(long buffered);

        /**
         * Writing failed: the connection is broken.
         *
         * @param error what the output failed the write with
         */
        void writeFailed(Throwable error);
    }

    private record Entry(ByteBuffer[] buffers, long size, CompletableFuture<Void> done, boolean control) {
    }

    /** Frames up to this size go in one write with the small ones queued behind them. */
    static final int SMALL_FRAME = 2 * 1024;
    /** The most bytes of small frames in one write. */
    static final int BATCH_BYTES = 16 * 1024;
    /** The most bytes of frames of any size in one write, for a transport that ends writes between frames. */
    static final int GATHER_BYTES = 1024 * 1024;
    /** The most buffers in one such write: what one gathering system call takes on Linux (IOV_MAX). */
    static final int GATHER_BUFFERS = 1024;
    /** A read's batch holds back at most this much: past it, the queue is written as usual. */
    static final int BATCH_HOLD_BYTES = 4 * BATCH_BYTES;
    /**
     * Per thread, the queues whose batches it is in, outermost first (one read delivered inside
     * another's listener nests); a list of Objects, not of our type, so no container thread keeps
     * this library's classes once its application is gone. Null on threads that never batched.
     */
    private static final ThreadLocal<List<Object>> BATCHES_HERE = new ThreadLocal<>();

    private final Owner owner;
    private final Executor pool;
    private final Callback callback = new Callback();
    // Guarded by this. Made on first use: most connections are idle most of the time.
    private ArrayDeque<Entry> control;
    private ArrayDeque<Entry> data;
    // Written under this, read without it.
    private volatile long buffered;
    private volatile long written;
    // Guarded by this.
    private Output transport;
    private Throwable failure;
    /** The completions and size of the write the transport has; null when none is in progress. */
    private List<CompletableFuture<Void>> inFlight;
    private long inFlightSize;
    /** Of those, the bytes the transport already said have left ({@link Output.WriteCallback#progressed}). */
    private long inFlightProgress;
    /**
     * When the write in progress is of several frames to a transport that may end it between them:
     * its entries, in order, and where each one's buffers end; null otherwise.
     */
    private List<Entry> inFlightFrames;
    private int[] inFlightFrameEnds;
    /** The last write of frames ended early, and no write has gone out whole at once since. */
    private boolean socketFull;
    /** The thread whose flushes wait for the end of its batch ({@link #beginBatch}); null when none. */
    private volatile Thread batching;
    /** See {@link #heldSince()}; set by the batching thread, cleared by it or by {@link BatchWatch}. */
    private volatile long heldSince;
    /** The thread inside {@code transport.write}: a callback on it continues that thread's loop. */
    private Thread writer;
    private boolean completedInline;

    /**
     * An empty queue that writes nothing until {@link #start}.
     *
     * @param owner told after each flush how much is left, and when a write fails
     * @param pool where completions run when they may not run on the completing thread
     */
    public OutboundQueue(Owner owner, Executor pool) {
        this.owner = owner;
        this.pool = pool;
    }

    /**
     * Queues one frame; {@code done} (may be null) is completed when it is written.
     *
     * @param kind how the frame is ordered: {@link WireOutput.Kind#CONTROL} frames go ahead of the
     *        queued others, which keep their order
     * @param buffers the frame's bytes, not to be changed until it is written
     * @param done completed when the frame is written, failed if the queue was or is aborted first;
     *        may be null
     */
    public void add(WireOutput.Kind kind, ByteBuffer[] buffers, CompletableFuture<Void> done) {
        long size = 0;
        for (ByteBuffer b : buffers) {
            size += b.remaining();
        }
        Entry entry = new Entry(buffers, size, done, kind == WireOutput.Kind.CONTROL);
        Throwable failed;
        synchronized (this) {
            failed = failure;
            if (failed == null) {
                queueFor(kind).add(entry);
                buffered += size;
            }
        }
        if (failed != null && done != null) {
            SendStage.settle(pool, List.of(done), failed);
        }
    }

    /**
     * Bytes queued and not yet written.
     *
     * @return the bytes not yet reported written, a write in progress included
     */
    public long bufferedAmount() {
        return buffered;
    }

    /**
     * Whether everything has gone out: nothing queued and no write in progress. Only then may the
     * connection close without cutting a frame short.
     *
     * @return true if nothing is queued and no write is in progress
     */
    public synchronized boolean allWritten() {
        return buffered == 0 && inFlight == null;
    }

    /**
     * Bytes written so far: grows while the peer reads.
     *
     * @return the bytes the output has reported written: whole writes, and parts of the one in progress it reported
     */
    public long bytesWritten() {
        return written;
    }

    /**
     * Starts writing to {@code transport}.
     *
     * @param transport where the queued frames and those queued later are written
     */
    public void start(Output transport) {
        synchronized (this) {
            this.transport = transport;
        }
        flush();
    }

    /**
     * Holds this thread's flushes until {@link #endBatch}: what it queues meanwhile (the answers to
     * a read's messages, sent from their listeners) goes out together, in as few writes as
     * {@link #BATCH_BYTES} allows, instead of one system call per message. Other threads' flushes
     * go on as usual, and write what this one queued too. A batch holds at most
     * {@link #BATCH_HOLD_BYTES}; should its thread stay away (a listener blocking in its call),
     * {@link BatchWatch} writes what it holds after {@link BatchWatch#HOLD_MILLIS}.
     *
     * @return whether the batch began here; false when this thread is already in one, whose
     *         {@link #endBatch} flushes
     */
    public boolean beginBatch() {
        if (batching == Thread.currentThread()) {
            return false;
        }
        batching = Thread.currentThread();
        List<Object> here = BATCHES_HERE.get();
        if (here == null) {
            here = new ArrayList<>(2);
            BATCHES_HERE.set(here);
        }
        here.add(this);
        return true;
    }

    /** Ends this thread's batch (begun by {@link #beginBatch} returning true) and flushes what it queued. */
    public void endBatch() {
        List<Object> here = BATCHES_HERE.get();
        if (here != null) {
            here.remove(this); // whatever happened to batching: the thread must not keep naming this queue
        }
        if (batching == Thread.currentThread()) {
            batching = null;
            if (heldSince != 0) {
                heldSince = 0;
                BatchWatch.released(this);
            }
        }
        flush();
    }

    /**
     * Writes what the batches this thread is in hold, if any: for a thread about to wait for a send,
     * its own or another connection's that its own may be the reason for (a broadcast to its room).
     */
    public static void writeBatchesHere() {
        List<Object> here = BATCHES_HERE.get();
        if (here != null) {
            for (Object queue : here.toArray()) { // a flush may end nothing, but copy: it runs other code
                ((OutboundQueue) queue).flushBatchNow();
            }
        }
    }

    /** Writes what is queued, as far as the transport takes it, then tells the owner how much is left. */
    public void flush() {
        if (batching != Thread.currentThread() || buffered >= BATCH_HOLD_BYTES) {
            flushBatchNow();
        } else if (heldSince == 0 && buffered != 0) { // endBatch writes it; the watch, if that takes long
            long now = System.nanoTime();
            heldSince = now == 0 ? 1 : now;
            BatchWatch.holding(this);
        }
    }

    /** When this queue's batch first held a flush back (System.nanoTime, never 0 then); 0 when it holds none. */
    long heldSince() {
        return heldSince;
    }

    /** {@link BatchWatch} writes what is held: a flush the batch holds back after this registers again. */
    void heldWritten() {
        heldSince = 0;
    }

    /**
     * As {@link #flush}, inside a batch too: for a caller about to wait for what it queued (a send's
     * stage, a close), which the batch's end would otherwise only write once the wait is over.
     */
    public void flushBatchNow() {
        while (true) {
            Output to;
            ByteBuffer[] buffers;
            int[] frameEnds;
            synchronized (this) {
                if (transport == null || failure != null || inFlight != null) {
                    return; // the write in progress goes on when it completes
                }
                buffers = nextWrite();
                if (buffers == null) {
                    break;
                }
                to = transport;
                frameEnds = inFlightFrameEnds;
                writer = Thread.currentThread();
                completedInline = false;
            }
            if (frameEnds != null) {
                to.writeFrames(buffers, frameEnds, callback);
            } else {
                to.write(buffers, callback);
            }
            boolean goOn;
            synchronized (this) {
                if (writer == Thread.currentThread()) { // not a write another thread's callback began meanwhile
                    writer = null;
                }
                goOn = completedInline; // else the callback goes on from here when the write completes
            }
            if (!goOn) {
                break;
            }
        }
        owner.flushed(buffered);
    }

    /** Under the lock: the buffers of the next write, with {@link #inFlight} set; null when nothing is queued. */
    private ByteBuffer[] nextWrite() {
        Entry first = poll();
        if (first == null) {
            return null;
        }
        inFlight = new ArrayList<>(2);
        inFlightSize = first.size;
        inFlightProgress = 0;
        inFlightFrames = null;
        inFlightFrameEnds = null;
        if (first.done != null) {
            inFlight.add(first.done);
        }
        if (!socketFull && transport.endsWritesBetweenFrames()) {
            return gatherFrames(first);
        }
        Entry next = first.size <= SMALL_FRAME ? peek() : null;
        if (next == null || next.size > SMALL_FRAME) {
            return first.buffers;
        }
        // Small frames behind a small one: one write for all of them.
        List<ByteBuffer> gathered = new ArrayList<>(8);
        Collections.addAll(gathered, first.buffers);
        while (next != null && next.size <= SMALL_FRAME && inFlightSize + next.size <= BATCH_BYTES) {
            poll();
            Collections.addAll(gathered, next.buffers);
            inFlightSize += next.size;
            if (next.done != null) {
                inFlight.add(next.done);
            }
            next = peek();
        }
        return gathered.toArray(new ByteBuffer[0]);
    }

    /**
     * Under the lock: {@code first} and the frames queued behind it, up to {@link #GATHER_BYTES} and
     * {@link #GATHER_BUFFERS}, as one write that the transport may end between any two of them.
     */
    private ByteBuffer[] gatherFrames(Entry first) {
        Entry next = peek();
        if (next == null || inFlightSize + next.size > GATHER_BYTES) {
            return first.buffers;
        }
        List<Entry> frames = new ArrayList<>(4);
        frames.add(first);
        int bufferCount = first.buffers.length;
        while (next != null && inFlightSize + next.size <= GATHER_BYTES && bufferCount + next.buffers.length <= GATHER_BUFFERS) {
            poll();
            frames.add(next);
            bufferCount += next.buffers.length;
            inFlightSize += next.size;
            if (next.done != null) {
                inFlight.add(next.done);
            }
            next = peek();
        }
        ByteBuffer[] buffers = new ByteBuffer[bufferCount];
        int[] ends = new int[frames.size()];
        int at = 0;
        for (int i = 0; i < ends.length; i++) {
            ByteBuffer[] own = frames.get(i).buffers;
            System.arraycopy(own, 0, buffers, at, own.length);
            at += own.length;
            ends[i] = at;
        }
        inFlightFrames = frames;
        inFlightFrameEnds = ends;
        return buffers;
    }

    /** Under the lock: the queue {@code kind} goes in, made when first needed. */
    private ArrayDeque<Entry> queueFor(WireOutput.Kind kind) {
        if (kind == WireOutput.Kind.CONTROL) {
            if (control == null) {
                control = new ArrayDeque<>(1);
            }
            return control;
        }
        if (data == null) {
            data = new ArrayDeque<>(3);
        }
        return data;
    }

    private Entry poll() {
        Entry e = control == null ? null : control.poll();
        return e != null || data == null ? e : data.poll();
    }

    private Entry peek() {
        Entry e = control == null ? null : control.peek();
        return e != null || data == null ? e : data.peek();
    }

    /** The transport's answer to the write in progress. */
    private final class Callback implements Output.WriteCallback {
        @Override
        public void written() {
            List<CompletableFuture<Void>> done;
            boolean inline;
            synchronized (OutboundQueue.this) {
                done = inFlight;
                if (done == null) {
                    return; // aborted meanwhile: already failed
                }
                inline = endWrite(inFlightSize);
                if (inline) {
                    socketFull = false; // it went at once: there is room again
                }
            }
            completed(done, inline);
        }

        @Override
        public void writtenUpTo(long bytes) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            boolean inline = false;
            boolean atAFramesEnd;
            synchronized (OutboundQueue.this) {
                if (inFlight == null) {
                    return; // aborted meanwhile: already failed
                }
                List<Entry> frames = inFlightFrames == null ? List.of() : inFlightFrames; // none: a plain write may not end early
                int doneFrames = 0;
                long doneBytes = 0;
                while (doneFrames < frames.size() && doneBytes + frames.get(doneFrames).size <= bytes) {
                    Entry e = frames.get(doneFrames++);
                    doneBytes += e.size;
                    if (e.done != null) {
                        done.add(e.done);
                    }
                }
                atAFramesEnd = doneBytes == bytes && doneFrames > 0;
                if (atAFramesEnd) { // else nothing moves: the connection is failed below
                    for (int i = frames.size() - 1; i >= doneFrames; i--) { // the rest go back where they were, in order
                        Entry e = frames.get(i);
                        queueFor(e.control ? WireOutput.Kind.CONTROL : WireOutput.Kind.DATA).addFirst(e);
                    }
                    inline = endWrite(doneBytes);
                    socketFull = true;
                }
            }
            if (atAFramesEnd) {
                completed(done, inline);
            } else {
                owner.writeFailed(new IllegalStateException("a write of frames ended after " + bytes
                        + " bytes, not at the end of one of its frames"));
            }
        }

        /** Under the lock: the write in progress is over after {@code bytes} of it; returns whether on the writing thread. */
        private boolean endWrite(long bytes) {
            inFlight = null;
            inFlightFrames = null;
            inFlightFrameEnds = null;
            buffered -= bytes;
            written += bytes - Math.min(inFlightProgress, bytes);
            boolean inline = writer == Thread.currentThread();
            completedInline = inline;
            return inline;
        }

        /** Outside the lock: completes what the write carried, and goes on writing unless the writing thread's loop does. */
        private void completed(List<CompletableFuture<Void>> done, boolean inline) {
            if (!done.isEmpty()) {
                SendStage.settle(pool, done, null);
            }
            if (!inline) {
                flush();
            }
        }

        @Override
        public void progressed(long bytes) {
            synchronized (OutboundQueue.this) {
                if (inFlight != null && bytes > 0) {
                    long counted = Math.min(bytes, inFlightSize - inFlightProgress);
                    inFlightProgress += counted;
                    written += counted; // the peer is reading: bytesWritten grows within a long write
                }
            }
        }

        @Override
        public void failed(Throwable error) {
            owner.writeFailed(error);
        }
    }

    /**
     * Fails every queued frame and the write in progress with {@code cause} and refuses new ones.
     * Idempotent.
     *
     * @param cause what the frames' completions fail with
     */
    public void abort(Throwable cause) {
        List<CompletableFuture<Void>> failed = new ArrayList<>();
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = cause;
            for (ArrayDeque<Entry> queue : Arrays.asList(control, data)) {
                if (queue != null) {
                    queue.forEach(e -> failed.add(e.done));
                    queue.clear();
                }
            }
            buffered = 0;
            if (inFlight != null) {
                failed.addAll(inFlight);
                inFlight = null;
            }
        }
        failed.removeIf(f -> f == null);
        if (!failed.isEmpty()) {
            SendStage.settle(pool, failed, cause);
        }
    }
}
