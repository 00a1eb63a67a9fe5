package dev.tether.servlet.upgrade;

import dev.tether.runtime.Output;
import dev.tether.runtime.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12.1 only: a connection's {@link Transport} straight over the {@link EndPoint} of an upgraded
 * HTTP/1.1 connection (see {@link JettyTakeover}). It is the endpoint's {@link Connection} after the
 * upgrade: Jetty hands it the bytes read past the request head ({@link #onUpgradeTo}), then opens it,
 * and it starts the WebSocket on itself.
 *
 * <p>Reading: while the {@link Inbound} wants input, from the endpoint into a buffer of Jetty's pool,
 * taken for one run of reads and given back when the socket has nothing more (an idle connection
 * holds none); when the socket is empty, one fill interest, and reading goes on when Jetty says
 * the socket is readable. When the connection stops wanting input, reading stops until
 * {@link #demand()}. The leftover bytes from the upgrade come first. A run reads at most
 * {@code readTurnBytes}; then the next run is queued on Jetty's pool, behind the other
 * connections' work, and the thread goes back to the pool.
 *
 * <p>Writing: the runtime's buffers go to {@link EndPoint#write} as they are (gathered, direct ones
 * without a copy); the write is reported written when Jetty's callback succeeds, not before, as
 * Jetty may hold the buffers until then. A write of several frames is first flushed as far as the
 * socket takes it; if it stops inside one, the rest of that frame goes to {@link EndPoint#write},
 * and the write ends there: the frames after wait in the runtime's queue, behind any ping or pong
 * queued meanwhile.
 *
 * <p>Threads: every {@link Inbound} call is made by one thread at a time, never by a selector that
 * is still selecting: Jetty's callbacks declare themselves {@link InvocationType#BLOCKING} (so Jetty
 * runs them on its pool), and what Jetty reports from wherever it closes the endpoint is handed to
 * its executor. The runtime delivers its events on the thread that calls it, so this is what keeps
 * application code off the selector.
 *
 * <p>It refers to nothing of ours but the runtime's {@link Transport} (and its {@link Output}), and is loaded with
 * {@link JettyTakeover}, possibly by a {@link TakeoverClassLoader} of its own.
 */
final class JettyEndPointTransport extends AbstractConnection implements Connection.UpgradeTo, Transport {
    private static final System.Logger LOG = System.getLogger(JettyEndPointTransport.class.getName());
    /** How long a closed connection reads the peer's input away, at most, waiting for its end (see {@link #closeEndPoint}). */
    private static final Duration LINGER = Duration.ofSeconds(5);
    /** The longest {@link #abort()} waits for Jetty to leave the buffers of a write in progress. */
    private static final long ABORT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ByteBufferPool buffers;
    private final int readBufferSize;
    private final int readTurnBytes;
    private static final VarHandle HANDED_ON;
    private static final VarHandle READ_RUNS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HANDED_ON = lookup.findVarHandle(JettyEndPointTransport.class, "handedOn", boolean.class);
            READ_RUNS = lookup.findVarHandle(JettyEndPointTransport.class, "readRuns", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Where the connection is handed on, once; both are dropped then, so that an idle connection
     * does not keep what only its start needed.
     */
    private Consumer<Transport> started;
    private Consumer<Throwable> startFailed;
    /** Whether the connection has been handed on (to {@link #started} or {@link #startFailed}); set once, by CAS. */
    @SuppressWarnings("unused") // through HANDED_ON
    private volatile boolean handedOn;
    private final Callback readable = new Readable();
    private final Callback written = new Written();
    /** Runs of {@link #read} asked for: one thread reads (and calls the inbound) while others add runs. */
    @SuppressWarnings("unused") // through READ_RUNS
    private volatile int readRuns;

    // Touched only by the thread in read(), or before the connection starts.
    /** The bytes read past the request head, copied; null once delivered. */
    private ByteBuffer leftover;
    /** Jetty's pooled buffer, held for one run of reads. */
    private RetainableByteBuffer readBuffer;
    /** Bytes read in this turn on a thread of Jetty's (see {@link #read}). */
    private int bytesThisTurn;
    /** This turn has read its share: the next one is queued on Jetty's pool once this thread lets go. */
    private boolean turnOver;
    private boolean inputEnded;
    private boolean failureTold;

    private volatile Inbound inbound;
    /** A fill interest is registered: reading goes on when it fires. */
    private volatile boolean fillInterested;
    /** Why the connection broke, when it was not closed by {@link #close()} or {@link #abort()}. */
    private volatile Throwable failure;

    /** Guards the write and close state below: a monitor of its own, which no Jetty code can take. */
    private final Object lock = new Object();
    private WriteCallback writeInProgress;
    /** Where the write of frames in progress ends, in bytes, when it ends early; -1 when it goes to its end. */
    private long writeEndsAt = -1;
    private boolean closeWhenWritten;
    /** Closed (or closing) by close() or abort(): nothing more is reported to the inbound. */
    private volatile boolean closed;
    /** Our output is shut: input is read away until the peer's end or the linger, then the endpoint closes. */
    private volatile boolean draining;
    private volatile long drainingSince;
    private volatile Duration linger = LINGER;

    JettyEndPointTransport(EndPoint endPoint, Executor executor, ByteBufferPool buffers, int readBufferSize,
            int readTurnBytes, Consumer<Transport> started, Consumer<Throwable> startFailed) {
        super(endPoint, executor);
        this.buffers = buffers;
        this.readBufferSize = readBufferSize;
        this.readTurnBytes = readTurnBytes;
        this.started = started;
        this.startFailed = startFailed;
    }

    // ---- Jetty's side: the connection's life

    /** Bytes the client sent right after the request head; Jetty calls this before {@link #onOpen}. */
    @Override
    public void onUpgradeTo(ByteBuffer bytes) {
        leftover = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip(); // Jetty's buffer: copied
    }

    @Override
    public void onOpen() {
        super.onOpen();
        // The runtime keeps its own timers (idle, keepalive, close); Jetty's would close a quiet WebSocket.
        getEndPoint().setIdleTimeout(0);
        execute(() -> {
            if (!HANDED_ON.compareAndSet(this, false, true)) {
                abort();
                return;
            }
            Consumer<Transport> start = started;
            dropHandOn();
            try {
                start.accept(this);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "starting the upgraded connection failed; closing it", e);
                abort();
            }
        });
    }

    /** The upgrade did not happen (the response failed): the connection is never started. */
    void notUpgraded(Throwable cause) {
        if (HANDED_ON.compareAndSet(this, false, true)) {
            Consumer<Throwable> failed = startFailed;
            dropHandOn();
            execute(() -> failed.accept(cause));
        }
    }

    /** By the one that handed the connection on: the hand-on's callbacks (and what they hold) are not needed again. */
    private void dropHandOn() {
        started = null;
        startFailed = null;
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        // never idle-closed by Jetty (its timeout is switched off in onOpen), but while lingering: the
        // fill interest fails, and read() closes
        return draining;
    }

    @Override
    public void onFillable() {
        // not used: reads register their own callback (see read)
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        if (!closed && failure == null) {
            failure = cause != null ? cause : new ClosedChannelException();
        }
        execute(this::read); // the inbound learns it there; this may be any thread, a selector too
    }

    // ---- the runtime's side: Transport

    @Override
    public void start(Inbound in) {
        this.inbound = in;
        execute(this::read); // not inside start: the runtime finishes starting first
    }

    @Override
    public void demand() {
        read(false); // any thread: Jetty's queue says nothing of what waits for it
    }

    @Override
    public boolean writesDirectBuffers() {
        return true;
    }

    @Override
    public void write(ByteBuffer[] bytes, WriteCallback callback) {
        if (!beginWrite(callback)) {
            return;
        }
        try {
            getEndPoint().write(written, bytes); // may complete (and call back) at once
        } catch (RuntimeException e) {
            onWriteFailed(e);
        }
    }

    @Override
    public boolean endsWritesBetweenFrames() {
        return true;
    }

    @Override
    public void writeFrames(ByteBuffer[] bytes, int[] frameEnds, WriteCallback callback) {
        if (!beginWrite(callback)) {
            return;
        }
        long[] frameEndBytes = Output.frameEndBytes(bytes, frameEnds);
        long total = frameEndBytes[frameEndBytes.length - 1];
        try {
            if (getEndPoint().flush(bytes)) { // as much as goes without waiting
                onWritten();
                return;
            }
            long sent = total - remainingIn(bytes);
            if (sent == total) {
                // TLS: the flush took every byte into Jetty's encrypted buffer, which the socket has not
                // taken whole; Jetty's write sends the rest of it, then the write is done.
                getEndPoint().write(written);
                return;
            }
            int frame = Output.frameInProgress(frameEndBytes, sent);
            // Between two frames, the write ends here. Under TLS, the frames before may still wait in
            // Jetty's encrypted buffer: the next write (which the runtime makes at once) sends them first.
            if (frame > 0 && sent == frameEndBytes[frame - 1]) {
                synchronized (lock) {
                    writeEndsAt = sent;
                }
                onWritten();
                return;
            }
            int first = frame == 0 ? 0 : frameEnds[frame - 1];
            int end = frameEnds[frame];
            if (frame < frameEnds.length - 1) {
                synchronized (lock) {
                    writeEndsAt = frameEndBytes[frame];
                }
            }
            getEndPoint().write(written, Arrays.copyOfRange(bytes, first, end)); // the rest of that frame, then the end
        } catch (IOException | RuntimeException e) {
            onWriteFailed(e);
        }
    }

    private static long remainingIn(ByteBuffer[] bytes) {
        long n = 0;
        for (ByteBuffer b : bytes) {
            n += b.remaining();
        }
        return n;
    }

    /** Takes the one write allowed at a time for {@code callback}; false (and the callback failed) when refused. */
    private boolean beginWrite(WriteCallback callback) {
        synchronized (lock) {
            if (closed || closeWhenWritten || writeInProgress != null) {
                Throwable refused = writeInProgress != null
                        ? new IllegalStateException("a write is already in progress")
                        : new ClosedChannelException();
                execute(() -> callback.failed(refused));
                return false;
            }
            writeInProgress = callback;
            writeEndsAt = -1;
            return true;
        }
    }

    /** Closes the connection once a write in progress has completed: shuts the output, then closes. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed || closeWhenWritten) {
                return;
            }
            if (writeInProgress != null) {
                closeWhenWritten = true;
                return;
            }
            closed = true;
        }
        closeEndPoint();
    }

    @Override
    public void abort() {
        synchronized (lock) {
            closed = true;
        }
        getEndPoint().close(); // a write in progress fails (Jetty calls back)
        awaitWriteOver();
    }

    /**
     * A flush another thread is inside when the endpoint closes still reads the write's buffers, and
     * Jetty fails the write only once it returns; the runtime may reuse those buffers (give lent
     * ones back to their pool) as soon as abort returns, so abort waits for that callback. The
     * socket does not block, so the wait is short; it is bounded all the same.
     */
    private void awaitWriteOver() {
        long deadline = System.nanoTime() + ABORT_WAIT_NANOS;
        boolean interrupted = false;
        synchronized (lock) {
            while (writeInProgress != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.log(Level.WARNING, "Jetty did not end a write within " + TimeUnit.NANOSECONDS.toSeconds(ABORT_WAIT_NANOS)
                            + " s of the connection's abort; its buffers may be reused while it still reads them");
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    interrupted = true; // waited out all the same: the buffers are at stake
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Shuts the output (FIN after the last byte, and TLS's close_notify), then reads the peer's input
     * away until its end before closing: a socket closed with input unread is reset, and the reset
     * may reach the peer before our last bytes (a Close frame), which it then never reads. A peer
     * that neither ends nor stops sending is closed after the linger.
     */
    private void closeEndPoint() {
        EndPoint endPoint = getEndPoint();
        endPoint.shutdownOutput();
        drainingSince = System.nanoTime();
        endPoint.setIdleTimeout(Math.max(1, linger.toMillis())); // a silent peer: Jetty's idle check ends the wait
        draining = true;
        execute(this::read);
    }

    /** How long a closed connection waits for the peer's end, at most; for tests. */
    void linger(Duration duration) {
        linger = duration;
    }

    // ---- writing

    private void onWritten() {
        WriteCallback done;
        long endsAt;
        boolean closeNow;
        synchronized (lock) {
            done = writeInProgress;
            endsAt = writeEndsAt;
            writeInProgress = null;
            lock.notifyAll(); // an abort may wait for it
            closeNow = closeWhenWritten && !closed;
            if (closeNow) {
                closed = true;
            }
        }
        if (closeNow) {
            closeEndPoint();
        }
        if (done == null) {
            return;
        }
        if (endsAt >= 0) {
            done.writtenUpTo(endsAt); // the frames after it are the runtime's to write again
        } else {
            done.written(); // Jetty is done with the buffers: the runtime may reuse them
        }
    }

    /** May be called by whatever thread closes the endpoint: the runtime hears of it on the executor. */
    private void onWriteFailed(Throwable cause) {
        WriteCallback done;
        boolean closeNow;
        synchronized (lock) {
            done = writeInProgress;
            writeInProgress = null;
            lock.notifyAll(); // an abort may wait for it
            closeNow = closeWhenWritten && !closed; // the runtime has let go of the connection: no abort will come
            if (closeNow) {
                closed = true;
            }
        }
        if (closeNow) {
            getEndPoint().close(cause);
        }
        if (done != null) {
            execute(() -> done.failed(cause));
        }
    }

    // ---- reading

    private void onReadable() {
        fillInterested = false;
        read();
    }

    /** Called by whatever thread fails the fill interest (the endpoint closing): reported by read on the executor. */
    private void onFillFailed(Throwable cause) {
        fillInterested = false;
        if (!closed && failure == null) {
            failure = cause;
        }
        execute(this::read);
    }

    /**
     * Reads while the inbound wants input and the socket has bytes, and tells it of the end of
     * input or a failure. Safe from any thread: a call while another thread reads makes that thread
     * go round once more instead of reading concurrently. A turn reads at most {@code readTurnBytes};
     * then, if other work waits for a thread of Jetty's pool, the next turn queues behind it and this
     * call ends. Otherwise this call, made by a task on Jetty's pool, reads the next turn itself:
     * queued, it would only wake another thread to read it. So it does when the pool refuses it
     * (stopping).
     */
    private void read() {
        read(true);
    }

    /** As {@link #read()}; a thread not of Jetty's pool ({@code onJettysPool} false) always hands the next turn to it. */
    private void read(boolean onJettysPool) {
        // The next turn read here runs in this loop, not by a call deeper in the stack.
        while (readTurn() && !nextTurnQueued(onJettysPool)) {
            // the next turn, on this thread
        }
    }

    /** Queues the next turn on Jetty's pool if it is due there (see {@link #read()}) and the pool takes it. */
    private boolean nextTurnQueued(boolean onJettysPool) {
        return (!onJettysPool || othersWaitForThreads()) && handedToPool(this::read);
    }

    /** Whether tasks wait in Jetty's pool for a thread; true when the pool cannot tell (not Jetty's own). */
    private boolean othersWaitForThreads() {
        return !(getExecutor() instanceof QueuedThreadPool pool) || pool.getQueueSize() > 0;
    }

    /** One turn, if no other thread is reading; returns whether it ended with its share read and a next turn due. */
    private boolean readTurn() {
        if (inbound == null || (int) READ_RUNS.getAndAdd(this, 1) != 0) {
            return false;
        }
        bytesThisTurn = 0;
        turnOver = false;
        boolean over = false; // read before the claim is given back: then another thread may start a turn
        int missed = 1;
        do {
            if (!over) { // calls that come after the turn's share are the next turn's to serve
                try {
                    readWhileWanted();
                } catch (Throwable t) { // an Error out of the application: the connection cannot go on
                    LOG.log(Level.WARNING, "the upgraded connection's inbound failed", t);
                    broke(t); // closing makes Jetty report it, so the connection hears of it
                }
                over = turnOver;
            }
            missed = (int) READ_RUNS.getAndAdd(this, -missed) - missed;
        } while (missed != 0);
        return over; // the next turn is started once the claim is given back, or it would find it taken
    }

    private void readWhileWanted() {
        Inbound in = inbound;
        try {
            while (true) {
                try {
                    if (!readOnce(in)) {
                        return;
                    }
                } catch (RuntimeException e) { // the inbound failed: it is told so in the next round
                    broke(e);
                }
            }
        } finally {
            releaseReadBuffer();
        }
    }

    /** One step: tells the inbound of a failure, or reads once. Returns whether to go on. */
    private boolean readOnce(Inbound in) {
        if (!failureTold) {
            Throwable broken = failure;
            if (broken == null && closed && !inputEnded) {
                // Closed by Jetty too (Connection.close, as a stopping server closes every connection):
                // the inbound must learn that it ended, or its connection is never finished.
                broken = new ClosedChannelException();
            }
            if (broken != null) {
                failureTold = true;
                in.onFailure(broken);
            }
        }
        if (draining && failure == null) {
            return drainOnce(); // after close(), whoever called it: the peer's input is read away until its end
        }
        if (failureTold) {
            return false;
        }
        if (inputEnded || fillInterested || !in.wantsInput()) {
            return false; // demand(), the fill interest or the end calls again
        }
        if (leftover != null) {
            ByteBuffer first = leftover;
            leftover = null;
            in.onInput(first);
            return true;
        }
        int n;
        try {
            n = fill();
        } catch (IOException e) {
            broke(e);
            return true;
        }
        if (n > 0) {
            in.onInput(readBuffer.getByteBuffer()); // consumed before it returns
            return countedInTurn(n);
        } else if (n < 0) {
            inputEnded = true;
            in.onEndOfInput();
        } else {
            awaitReadable();
            return false;
        }
        return true;
    }

    /** Reads once into the read buffer (taken from the pool if none is held): the bytes read, or -1 at the end. */
    private int fill() throws IOException {
        if (readBuffer == null) {
            readBuffer = buffers.acquire(readBufferSize, false);
        }
        ByteBuffer buffer = readBuffer.getByteBuffer();
        buffer.clear().limit(0); // empty, in flush mode: fill appends after the limit
        return getEndPoint().fill(buffer);
    }

    /** Nothing to read: an idle connection holds no buffer, and Jetty calls back when bytes come. */
    private void awaitReadable() {
        releaseReadBuffer();
        fillInterested = true;
        getEndPoint().fillInterested(readable); // may call back at once (TLS): a run is then added
    }

    /** After close(): reads once and drops the bytes; closes at the peer's end, or when the linger is over. Returns whether to go on. */
    private boolean drainOnce() {
        EndPoint endPoint = getEndPoint();
        if (!endPoint.isOpen() || fillInterested) {
            return false;
        }
        if (inputEnded || System.nanoTime() - drainingSince >= linger.toNanos()) {
            endPoint.close();
            return false;
        }
        int n;
        try {
            n = fill();
        } catch (IOException e) {
            endPoint.close(e);
            return false;
        }
        if (n < 0) {
            inputEnded = true;
        } else if (n == 0) {
            awaitReadable(); // failed by the idle timeout if the peer stays silent
            return false;
        } else {
            return countedInTurn(n); // a peer that keeps sending after our Close keeps no thread either
        }
        return true;
    }

    /** Counts {@code n} bytes read in this turn; returns false when the turn has read its share (the next is due). */
    private boolean countedInTurn(int n) {
        bytesThisTurn += n;
        if (bytesThisTurn >= readTurnBytes) {
            turnOver = true;
            return false;
        }
        return true;
    }

    private void releaseReadBuffer() {
        if (readBuffer != null) {
            readBuffer.release();
            readBuffer = null;
        }
    }

    /** Reading failed: the connection is closed, and the inbound told why. */
    private void broke(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        getEndPoint().close(cause);
    }

    /** Runs {@code task} on Jetty's pool; if the pool no longer takes tasks (stopping), here. */
    private void execute(Runnable task) {
        if (!handedToPool(task)) {
            task.run();
        }
    }

    /** Gives {@code task} to Jetty's pool; false if the pool refuses it (stopping, or a bounded queue full). */
    private boolean handedToPool(Runnable task) {
        try {
            getExecutor().execute(task);
            return true;
        } catch (RejectedExecutionException stopping) {
            return false;
        }
    }

    /** Jetty's call when the socket is readable, or filling failed: one object, where {@code Callback.from} makes three. */
    private final class Readable implements Callback {
        @Override
        public void succeeded() {
            onReadable();
        }

        @Override
        public void failed(Throwable cause) {
            onFillFailed(cause);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.BLOCKING;
        }
    }

    /** Jetty's call when a write is done, or failed: one object, as {@link Readable}. */
    private final class Written implements Callback {
        @Override
        public void succeeded() {
            onWritten();
        }

        @Override
        public void failed(Throwable cause) {
            onWriteFailed(cause);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.BLOCKING;
        }
    }
}
