package dev.tether.servlet.io;

import dev.tether.driver.WireOutput;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes waiting to be written to one connection, and the non-blocking writer that drains them
 * while the container says {@link ServletOutputStream#isReady()}. Pings and pongs go ahead of queued
 * data frames; the close frame, queued last, stays last. A frame's completion is fulfilled once the
 * container reports ready again after it was written, i.e. when its bytes have left for the socket,
 * and failed if the connection fails first (by {@link SendStage#settle}, so chains of sends stay flat).
 *
 * <p>Adding is done under the connection's lock; {@link #flush()} is called by any thread after that
 * lock is released, and by the container through {@link #onWritePossible()}; writes to the stream
 * are serialized by the queue's own monitor and never block.
 */
public final class OutboundQueue implements WriteListener {

    /** What the queue tells its connection, always outside any lock. */
    public interface Owner {
        /** A flush ended with {@code buffered} bytes still queued (0 when everything was written). */
        void flushed(long buffered);

        /** Writing failed: the connection is broken. */
        void writeFailed(Throwable error);
    }

    private record Entry(ByteBuffer[] buffers, long size, CompletableFuture<Void> done) {
    }

    /** Frames up to this size are gathered into one write with the ones queued behind them. */
    private static final int SMALL_FRAME = 2 * 1024;
    private static final int BATCH_BYTES = 16 * 1024;
    /**
     * Where small frames are gathered: per thread, not per connection, so idle connections hold
     * none. A container may keep the array it was handed until it reports ready again (Jetty does,
     * unsent, for a write above its aggregation size while the socket is full); the thread then
     * leaves the array to that connection and takes a spare, and the connection gives it back to the
     * spares once the container is done with it, see {@link #flush()}.
     */
    private static final ThreadLocal<byte[]> BATCH = ThreadLocal.withInitial(OutboundQueue::spareBatch);
    /** Batch arrays containers are done with, for threads that left theirs to a connection; bounded. */
    private static final ArrayBlockingQueue<byte[]> SPARE_BATCHES = new ArrayBlockingQueue<>(64);
    /**
     * Whether a stream class writes a direct buffer as it is: it implements Servlet 6.1's
     * {@code write(ByteBuffer)} itself (the API's default copies into a new array, as we would).
     */
    private static final ClassValue<Boolean> WRITES_BUFFERS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> stream) {
            try {
                ServletOutputStream.class.getMethod("write", ByteBuffer.class); // absent before Servlet 6.1
                return stream.getMethod("write", ByteBuffer.class).getDeclaringClass() != ServletOutputStream.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    private final Owner owner;
    // Small to start with: most connections are idle most of the time, and these grow on demand.
    private final ArrayDeque<Entry> control = new ArrayDeque<>(1);
    private final ArrayDeque<Entry> data = new ArrayDeque<>(3);
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Object writing = new Object();
    private List<CompletableFuture<Void>> unconfirmed = new ArrayList<>();
    /** The frame being written (guarded by {@code writing}) and its next buffer. */
    private Entry current;
    private int currentBuffer;
    /** A batch array the container still holds, given back to the spares when it reports ready. */
    private byte[] batchHeldByContainer;
    /** isReady() said false: until onWritePossible, there is nothing to do. Guarded by {@code writing}. */
    private boolean awaitingWritePossible;
    /** Completions of the small frames gathered into {@link #current}. */
    private final List<CompletableFuture<Void>> gathered = new ArrayList<>();
    /** Written since the last flush: a buffering stream (an async response) may still hold the bytes. */
    private boolean unflushed;
    private ServletOutputStream out;
    private boolean outWritesBuffers;
    private Throwable failure;

    public OutboundQueue(Owner owner) {
        this.owner = owner;
    }

    /** Queues one frame; {@code done} (may be null) is completed when it is written. */
    public void add(WireOutput.Kind kind, ByteBuffer[] buffers, CompletableFuture<Void> done) {
        long size = 0;
        for (ByteBuffer b : buffers) {
            size += b.remaining();
        }
        Entry entry = new Entry(buffers, size, done);
        Throwable failed;
        synchronized (this) {
            failed = failure;
            if (failed == null) {
                (kind == WireOutput.Kind.CONTROL ? control : data).add(entry);
                buffered.addAndGet(size);
            }
        }
        if (failed != null && done != null) {
            SendStage.settle(List.of(done), failed);
        }
    }

    /** Bytes queued and not yet handed to the container. */
    public long bufferedAmount() {
        return buffered.get();
    }

    /**
     * Whether everything has gone out: nothing queued, and the container done writing what it took
     * (it reported ready since). Only then may the connection close without cutting a frame short.
     */
    public boolean allWritten() {
        synchronized (writing) {
            return buffered.get() == 0 && current == null && !awaitingWritePossible;
        }
    }

    /** Bytes handed to the container so far: grows while the peer reads. */
    public long bytesWritten() {
        return written.get();
    }

    /** Starts writing to {@code stream}; the container then calls {@link #onWritePossible()}. */
    public void start(ServletOutputStream stream) {
        synchronized (writing) {
            this.out = stream;
            this.outWritesBuffers = WRITES_BUFFERS.get(stream.getClass());
        }
        stream.setWriteListener(this);
    }

    @Override
    public void onWritePossible() {
        synchronized (writing) {
            awaitingWritePossible = false;
        }
        flush();
    }

    @Override
    public void onError(Throwable error) {
        owner.writeFailed(error);
    }

    /** Writes what is queued while the container accepts it, then tells the owner how much is left. */
    public void flush() {
        List<CompletableFuture<Void>> confirmed = List.of();
        Throwable error = null;
        // This thread's batch array went to the container with the last write.
        boolean batchHandedOver = false;
        synchronized (writing) {
            if (out == null || awaitingWritePossible || failure() != null) {
                return;
            }
            try {
                while (true) {
                    if (!out.isReady()) {
                        if (batchHandedOver) {
                            // Still writing it: the array is the container's until then, never to be
                            // gathered into again (another connection's batch would replace its bytes).
                            batchHeldByContainer = BATCH.get();
                            BATCH.remove();
                        }
                        // The container owes us onWritePossible now; asking again before it is wasted
                        // (and not free: Jetty takes a lock), so flushes return at once until then.
                        awaitingWritePossible = true;
                        break;
                    }
                    batchHandedOver = false; // ready: done with it, the array can be gathered into again
                    if (batchHeldByContainer != null) {
                        SPARE_BATCHES.offer(batchHeldByContainer); // dropped when there are spares enough
                        batchHeldByContainer = null;
                    }
                    // Ready again: whatever was written before has gone to the socket.
                    if (!unconfirmed.isEmpty()) {
                        confirmed = merge(confirmed, unconfirmed);
                        unconfirmed = new ArrayList<>();
                    }
                    if (current == null) {
                        current = poll();
                        currentBuffer = 0;
                        if (current != null && current.size <= SMALL_FRAME && !isEmpty()) {
                            current = gather(current);
                            batchHandedOver = true; // written just below
                        }
                    }
                    if (current == null) {
                        if (!unflushed) {
                            break;
                        }
                        // Everything is written: push the container's own buffer out before going idle.
                        unflushed = false;
                        out.flush();
                        continue;
                    }
                    // One buffer per readiness check: a write may leave the stream not ready, and
                    // writing again then is illegal. The frame stays current until its last buffer,
                    // so nothing (not even a pong) can slip between its header and its payload.
                    write(current.buffers[currentBuffer++]);
                    unflushed = true;
                    if (currentBuffer < current.buffers.length) {
                        continue;
                    }
                    Entry entry = current;
                    current = null;
                    buffered.addAndGet(-entry.size);
                    written.addAndGet(entry.size);
                    if (entry.done != null) {
                        unconfirmed.add(entry.done);
                    }
                    unconfirmed.addAll(gathered);
                    gathered.clear();
                }
            } catch (IOException | RuntimeException e) {
                error = e;
                if (batchHandedOver) {
                    BATCH.remove(); // the failed write may still hold it: left to the collector
                }
                batchHeldByContainer = null;
            }
        }
        if (!confirmed.isEmpty()) {
            SendStage.settle(confirmed, null);
        }
        if (error != null) {
            owner.writeFailed(error);
        } else {
            owner.flushed(buffered.get());
        }
    }

    private void write(ByteBuffer buffer) throws IOException {
        if (buffer.hasArray()) {
            out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        } else if (outWritesBuffers) {
            out.write(buffer.duplicate());
        } else {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            out.write(copy);
        }
    }

    /**
     * One write for many small frames: each write can be a system call (Jetty's takeover writes
     * straight to the socket), so {@code first} and the small frames queued behind it are copied
     * into one buffer. Their completions are kept in {@link #gathered} until the batch is written.
     */
    private Entry gather(Entry first) {
        byte[] batch = BATCH.get();
        int length = copy(first, batch, 0);
        if (first.done != null) {
            gathered.add(first.done);
        }
        while (true) {
            Entry next;
            synchronized (this) {
                next = control.isEmpty() ? data.peek() : control.peek();
                if (next == null || next.size > SMALL_FRAME || length + next.size > batch.length) {
                    break;
                }
                poll();
            }
            length = copy(next, batch, length);
            if (next.done != null) {
                gathered.add(next.done);
            }
        }
        return new Entry(new ByteBuffer[]{ByteBuffer.wrap(batch, 0, length)}, length, null);
    }

    /** Whether {@code array} waits among the spares: for tests. */
    static boolean isSpareBatch(byte[] array) {
        return SPARE_BATCHES.contains(array);
    }

    private static byte[] spareBatch() {
        byte[] spare = SPARE_BATCHES.poll();
        return spare != null ? spare : new byte[BATCH_BYTES];
    }

    private static int copy(Entry entry, byte[] into, int at) {
        for (ByteBuffer b : entry.buffers) {
            int n = b.remaining();
            b.duplicate().get(into, at, n);
            at += n;
        }
        return at;
    }

    private synchronized Entry poll() {
        Entry e = control.poll();
        return e != null ? e : data.poll();
    }

    private synchronized boolean isEmpty() {
        return control.isEmpty() && data.isEmpty();
    }

    private synchronized Throwable failure() {
        return failure;
    }

    /**
     * Fails every queued and unconfirmed frame with {@code cause} and refuses new ones. Idempotent.
     */
    public void abort(Throwable cause) {
        List<CompletableFuture<Void>> failed = new ArrayList<>();
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = cause;
            for (Entry e : control) {
                failed.add(e.done);
            }
            for (Entry e : data) {
                failed.add(e.done);
            }
            control.clear();
            data.clear();
            buffered.set(0);
        }
        synchronized (writing) {
            failed.addAll(unconfirmed);
            unconfirmed = new ArrayList<>();
            batchHeldByContainer = null; // the container may still hold it: left to the collector
            if (current != null) {
                failed.add(current.done);
                current = null;
            }
            failed.addAll(gathered);
            gathered.clear();
        }
        failed.removeIf(f -> f == null);
        if (!failed.isEmpty()) {
            SendStage.settle(failed, cause);
        }
    }

    private static List<CompletableFuture<Void>> merge(List<CompletableFuture<Void>> a, List<CompletableFuture<Void>> b) {
        if (a.isEmpty()) {
            return b;
        }
        List<CompletableFuture<Void>> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
