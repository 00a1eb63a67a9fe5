package dev.tether.servlet.upgrade;

import dev.tether.api.ConnectionClosedException;
import dev.tether.runtime.Transport;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection upgraded on Undertow ({@link UndertowRoute}), over its XNIO channels.
 *
 * <p>No application code runs on Undertow's I/O thread, which serves many connections: reads, the
 * rest of a write the socket did not take at once, and the report of a close all run on Undertow's
 * worker threads (or the application's own, for a write it starts). The read listener suspends
 * reads and hands the reading to a worker, which reads while the connection wants input and bytes
 * are there, then resumes reads (no bytes) or leaves them suspended (the connection wants none:
 * {@link #demand()} sends a worker back); so one reader at a time, and a connection that holds back
 * input costs nothing while it does. A worker reads at most {@code readTurnBytes}, then queues the
 * next turn behind the other work and goes: a peer that keeps sending does not keep a worker. Reads and writes are resumed and suspended on the I/O thread
 * only: a TLS connection's conduit keeps that state unsynchronized.
 *
 * <p>Writes are gathering and non-blocking, one at a time. A close waits for the write in progress.
 */
final class UndertowTransport implements Transport {

    private final StreamConnection connection;
    private final ConduitStreamSourceChannel source;
    private final ConduitStreamSinkChannel sink;
    private final Executor worker;
    /** The application's class loader, the context loader whenever this calls into the connection. */
    private final ClassLoader applicationLoader;
    private final int readBufferSize;
    private final int readTurnBytes;
    private volatile Inbound inbound;
    /** Reading stopped because the connection wanted no input: {@link #demand()} starts it again. */
    private final AtomicBoolean suspended = new AtomicBoolean(true);
    /** The end of input or a failure was reported: nothing more is read. */
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    // Guarded by this.
    private ByteBuffer[] writing;
    private WriteCallback writeCallback;
    private boolean closeWhenWritten;

    /** On the connection's I/O thread, right after the upgrade (see {@link UndertowRoute}). */
    UndertowTransport(StreamConnection connection, ContainerUpgrade.TransportSettings settings, ClassLoader applicationLoader) {
        this.connection = connection;
        this.source = connection.getSourceChannel();
        this.sink = connection.getSinkChannel();
        this.worker = connection.getWorker();
        this.applicationLoader = applicationLoader;
        this.readBufferSize = settings.readBufferSize();
        this.readTurnBytes = settings.readTurnBytes();
        source.suspendReads(); // reading starts with start(), on a worker
        sink.suspendWrites();
        source.getReadSetter().set(channel -> {
            channel.suspendReads();
            onWorker(this::readInApplication);
        });
        sink.getWriteSetter().set(channel -> {
            channel.suspendWrites();
            onWorker(this::continueWriting);
        });
        // May be called inside a write or read that failed (TLS, a write timeout) and holds locks: the report goes to a worker.
        connection.getCloseSetter().set(channel -> closed());
    }

    @Override
    public void start(Inbound in) {
        this.inbound = in;
        if (closed.get()) { // closed between the upgrade and now: closed() found no inbound to tell
            reportClosed();
            return;
        }
        demand(); // reads what came with the upgrade request (Undertow keeps it for us) and what follows
    }

    @Override
    public void demand() {
        if (inbound != null && suspended.compareAndSet(true, false)) {
            onWorker(this::readInApplication);
        }
    }

    private void readInApplication() {
        Inbound in = inbound;
        if (in != null && !ended.get() && !closed.get()) {
            inApplication(() -> readLoop(in));
        }
    }

    /** Reads while the connection wants input and bytes are there; one worker at a time. */
    private void readLoop(Inbound in) {
        try {
            int bytesThisTurn = 0;
            ByteBuffer buffer = ReadBuffers.forThisThread(readBufferSize);
            while (true) {
                if (!in.wantsInput()) {
                    suspended.set(true);
                    // Asked again once the flag is up: a demand that came before it saw nothing to resume.
                    if (in.wantsInput() && suspended.compareAndSet(true, false)) {
                        continue;
                    }
                    return; // reads stay suspended until demand()
                }
                buffer.clear().limit(Math.min(buffer.capacity(), readBufferSize));
                int n = source.read(buffer);
                if (n < 0) {
                    if (closed.get()) { // XNIO reads a closed socket as its end: this is a close, not the peer's FIN
                        reportClosed();
                    } else if (ended.compareAndSet(false, true)) {
                        in.onEndOfInput();
                    }
                    return;
                }
                if (n == 0) {
                    inIoThread(source::resumeReads); // the last thing this worker does: the read listener sends the next one
                    return;
                }
                boolean filled = !buffer.hasRemaining();
                in.onInput(buffer.flip());
                if (filled && buffer.capacity() < readBufferSize) {
                    buffer = ReadBuffers.grown(buffer.capacity(), readBufferSize);
                }
                bytesThisTurn += n;
                if (bytesThisTurn >= readTurnBytes) {
                    try {
                        worker.execute(this::readInApplication); // reads stay suspended and ours: the next worker reads on
                        return;
                    } catch (RejectedExecutionException stopping) {
                        bytesThisTurn = 0; // the next turn is this one's: here, not a call deeper
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void write(ByteBuffer[] buffers, WriteCallback callback) {
        synchronized (this) {
            writing = buffers;
            writeCallback = callback;
        }
        continueWriting();
    }

    /**
     * Writes what the socket takes now: from the application's thread that wrote, then from a worker
     * each time the write listener finds the socket ready again, until all is written.
     */
    private void continueWriting() {
        WriteCallback done;
        boolean closeNow;
        IOException failure = null;
        synchronized (this) {
            if (writing == null) {
                return;
            }
            try {
                if (!writeAll() || !sink.flush()) {
                    inIoThread(sink::resumeWrites); // the write listener sends a worker back when the socket takes more
                    return;
                }
            } catch (IOException e) {
                failure = e;
            }
            done = writeCallback;
            closeNow = closeWhenWritten || failure != null;
            writing = null;
            writeCallback = null;
            closeWhenWritten = false;
        }
        if (failure != null) {
            fail(failure);
        } else if (closeNow) {
            closeNow();
        }
        if (done != null) {
            WriteCallback callback = done;
            IOException error = failure;
            inApplication(() -> {
                if (error == null) {
                    callback.written();
                } else {
                    callback.failed(error);
                }
            });
        }
    }

    /** Under the lock: true if every buffer of the write in progress is written. */
    private boolean writeAll() throws IOException {
        ByteBuffer[] buffers = writing;
        int first = 0;
        while (first < buffers.length) {
            if (!buffers[first].hasRemaining()) {
                first++;
                continue;
            }
            if (sink.write(buffers, first, buffers.length - first) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Reading or writing failed: the connection learns why, then the socket closes. */
    private void fail(Throwable error) {
        Inbound in = inbound;
        if (ended.compareAndSet(false, true) && in != null) {
            inApplication(() -> in.onFailure(error));
        }
        closeNow();
    }

    @Override
    public boolean writesDirectBuffers() {
        return true;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (writing != null) {
                closeWhenWritten = true;
                return;
            }
        }
        closeNow();
    }

    @Override
    public void abort() {
        closeNow();
        synchronized (this) {
            // Waits for a write in progress on another thread to leave the buffers: the caller may reuse them.
            writing = null;
            writeCallback = null;
        }
    }

    private void closeNow() {
        if (closed.compareAndSet(false, true)) {
            IoUtils.safeClose(connection); // the close listener (closed()) follows
        }
    }

    /**
     * XNIO's close listener: the connection closed, by either side or by the container. It may be
     * called on the I/O thread, or inside a write that holds this transport's lock (TLS closes its
     * conduit when a write fails): what was in progress is failed from a worker.
     */
    private void closed() {
        closed.set(true);
        onWorker(this::reportClosed);
    }

    /** Fails the write in progress and tells the connection, once; on a worker or the thread that found the close. */
    private void reportClosed() {
        WriteCallback pending;
        synchronized (this) {
            pending = writeCallback;
            writing = null;
            writeCallback = null;
        }
        Inbound in = inbound;
        if (in != null && ended.compareAndSet(false, true)) {
            inApplication(() -> in.onFailure(new ConnectionClosedException("the connection closed")));
        }
        if (pending != null) {
            inApplication(() -> pending.failed(new ConnectionClosedException("the connection closed while writing")));
        }
    }

    /** Runs {@code task} on one of Undertow's worker threads; on this one when the worker is shutting down. */
    private void onWorker(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException stopping) {
            task.run();
        }
    }

    /** Runs {@code task} on the connection's I/O thread: where XNIO's channel state is changed. */
    private void inIoThread(Runnable task) {
        XnioIoThread io = connection.getIoThread();
        if (Thread.currentThread() == io) {
            task.run();
            return;
        }
        try {
            io.execute(task);
        } catch (RejectedExecutionException stopping) {
            // the I/O thread is ending, and its connections are closing: nothing to resume
        }
    }

    /** Runs {@code call} with the application's class loader as this thread's context loader. */
    void inApplication(Runnable call) {
        ContextLoader.run(applicationLoader, call);
    }

    @Override
    public String toString() {
        return "UndertowTransport[" + connection.getPeerAddress() + "]";
    }
}
