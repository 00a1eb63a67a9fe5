package dev.tether.client.nio;

import dev.tether.client.tls.TlsStack;
import dev.tether.runtime.Transport;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client connection's {@link Transport}: a connected, non-blocking {@link SocketChannel} on one
 * {@link SelectorLoop}, with zero or more TLS sessions stacked on it (one to the server for
 * {@code wss://}; one to an HTTPS proxy below it when the tunnel runs through one).
 *
 * <p>Reading: one thread at a time, always on the executor (never on the selector, nor on a thread
 * that calls {@link #demand()}): while the {@link Inbound} wants input (or a TLS handshake needs it),
 * read, unwrap, deliver; when the socket has nothing, ask the selector to say when it has. Each
 * executor thread reads into a buffer of its own, so an idle connection holds no read buffer.
 *
 * <p>Writing: on the caller's thread while the socket takes bytes (gathered; plaintext buffers
 * as they are, TLS records once wrapped); the rest on the executor once the selector says the socket
 * is writable (the selector itself never waits for a writer, which may be encrypting a large
 * message). TLS records leave in the order they were wrapped: wrapping and queueing happen under one
 * lock. A write is reported written when its last byte has gone to the socket.
 *
 * <p>Closing: {@link #close()} sends what is queued, then the close_notify of each TLS session, then
 * a FIN, and closes the socket when the server's end arrives or after the linger, whichever is first.
 *
 * <p>The connect step uses the transport first ({@link #start} with its own inbound, and
 * {@link #startTls}); the connection then {@link #start starts} it again with the runtime's inbound,
 * after {@link #pushBack} has put back the bytes read past the handshake.
 */
public final class SocketTransport implements Transport, SelectorLoop.Selectable {
    private static final System.Logger LOG = System.getLogger(SocketTransport.class.getName());
    private static final ThreadLocal<ByteBuffer> READ_BUFFERS = new ThreadLocal<>();
    private static final int FIRST_READ_BUFFER = 4 * 1024;

    private final SocketChannel channel;
    private final SelectionKey key;
    private final SelectorLoop loop;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final int readBufferSize;
    private final int readsPerDispatch;
    private final Duration linger;
    private final TlsStack tls;

    // ---- reading: touched by the one thread in read(), unless volatile
    private final AtomicInteger readRuns = new AtomicInteger();
    private volatile Inbound inbound;
    private volatile ByteBuffer pushedBack;
    private boolean inputEnded;
    /** {@link #inputEnded}, for the writers. */
    private volatile boolean inputEndedVolatile;
    private boolean failureTold;
    /** Our output is shut and nobody wants input: the selector drops what comes until the end. */
    private volatile boolean draining;
    private volatile Throwable failure;

    // ---- writing and closing: guarded by writeLock
    private final Object writeLock = new Object();
    private final ArrayDeque<PendingWrite> writes = new ArrayDeque<>();
    private boolean closeWhenWritten;
    private volatile boolean outputShut;
    /** Closes the socket if the server has not closed its side a while after our FIN. */
    private volatile ScheduledFuture<?> lingerTimer;
    /** abort() was called, or the socket is closed: nothing more is written or reported. */
    private volatile boolean closed;

    private record PendingWrite(ByteBuffer[] buffers, WriteCallback callback) {
        boolean done() {
            for (ByteBuffer b : buffers) {
                if (b.hasRemaining()) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * @param key    the channel's registration on {@code loop}; the transport attaches itself to it
     * @param readsPerDispatch socket reads in one turn on the executor, before the socket waits for the
     *                         selector again behind the others that are ready
     * @param linger           how long to wait for the server to close after we have shut our output
     */
    public SocketTransport(SocketChannel channel, SelectionKey key, SelectorLoop loop, Executor executor,
                           ScheduledExecutorService scheduler, int readBufferSize, int readsPerDispatch, Duration linger) {
        this.channel = channel;
        this.key = key;
        this.loop = loop;
        this.executor = executor;
        this.scheduler = scheduler;
        this.readBufferSize = readBufferSize;
        this.readsPerDispatch = readsPerDispatch;
        this.linger = linger;
        this.tls = new TlsStack(executor);
        key.attach(this);
        key.interestOps(0);
    }

    /** The server's (or the proxy's) address. */
    public InetSocketAddress remoteAddress() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    // ---- the connect step's side

    /**
     * Starts a TLS session on top of the ones there are; the stage completes when its handshake has.
     * Nothing else may be written until then.
     */
    public CompletableFuture<Void> startTls(SSLEngine engine) {
        CompletableFuture<Void> handshaken = new CompletableFuture<>();
        List<WriteCallback> done;
        synchronized (writeLock) {
            try {
                enqueueLocked(tls.begin(engine, handshaken), null);
            } catch (SSLException | RuntimeException e) {
                handshaken.completeExceptionally(e);
                return handshaken;
            }
            done = flushLocked();
        }
        completeWrites(done);
        read(); // the server's flight
        return handshaken;
    }

    /** Bytes read past what the connect step used: delivered first to the next {@link #start}'s inbound. */
    public void pushBack(ByteBuffer plaintext) {
        if (plaintext.hasRemaining()) {
            pushedBack = ByteBuffer.allocate(plaintext.remaining()).put(plaintext).flip();
        }
    }

    // ---- Transport

    /** Delivers input to {@code in} from now on; a later call (the connection after the connect step) takes over. */
    @Override
    public void start(Inbound in) {
        this.inbound = in;
        read();
    }

    @Override
    public void demand() {
        read();
    }

    @Override
    public boolean writesDirectBuffers() {
        return tls.isEmpty();
    }

    @Override
    public void write(ByteBuffer[] buffers, WriteCallback callback) {
        List<WriteCallback> done;
        Throwable refused = null;
        synchronized (writeLock) {
            if (closed || closeWhenWritten) {
                refused = new ClosedChannelException();
                done = List.of();
            } else {
                try {
                    enqueueLocked(tls.isEmpty() ? buffers : tls.encode(buffers), callback);
                } catch (SSLException e) {
                    refused = e;
                }
                done = flushLocked();
            }
        }
        if (refused != null) {
            Throwable error = refused;
            execute(() -> callback.failed(error));
        }
        completeWrites(done); // here, on the writer's thread: the runtime lets a write complete inside the call
    }

    @Override
    public void close() {
        List<WriteCallback> done;
        synchronized (writeLock) {
            if (closed || closeWhenWritten) {
                return;
            }
            closeWhenWritten = true;
            for (ByteBuffer[] closeNotify : tls.closeNotifies()) {
                enqueueLocked(closeNotify, null);
            }
            startLinger(); // from now: a server that stops reading cannot keep the socket open
            done = flushLocked();
        }
        completeWrites(done);
    }

    private void startLinger() {
        try {
            lingerTimer = scheduler.schedule(this::closeChannel, linger.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closeChannel();
        }
    }

    @Override
    public void abort() {
        List<WriteCallback> dropped = new ArrayList<>();
        synchronized (writeLock) { // a flush in progress holds it: once here, no buffer is being read
            closed = true;
            for (PendingWrite write : writes) {
                if (write.callback != null) {
                    dropped.add(write.callback);
                }
            }
            writes.clear();
        }
        closeChannel();
        if (!dropped.isEmpty()) {
            ClosedChannelException error = new ClosedChannelException();
            execute(() -> dropped.forEach(callback -> callback.failed(error)));
        }
        tls.failHandshakes(new ClosedChannelException());
    }

    // ---- the selector's side

    @Override
    public void onReady(SelectionKey readyKey, int readyOps) {
        readyKey.interestOpsAnd(~readyOps); // each is asked for again when wanted
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            // Not here: a writer may hold the lock while it encrypts a large message, and the selector
            // serves every other socket. Completions run application code, which never runs here either.
            execute(this::flushWhenWritable);
        }
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            Inbound in = inbound;
            if (draining && (in == null || !in.wantsInput())) {
                drain();
            } else {
                read();
            }
        }
    }

    @Override
    public void onLoopClosed() {
        broke(new ClosedChannelException());
    }

    // ---- writing

    private void flushWhenWritable() {
        List<WriteCallback> done;
        synchronized (writeLock) {
            done = flushLocked();
        }
        completeWrites(done);
    }

    private void enqueueLocked(ByteBuffer[] buffers, WriteCallback callback) {
        if (buffers.length > 0 || callback != null) {
            writes.add(new PendingWrite(buffers, callback));
        }
    }

    /** Writes what the socket takes; returns the callbacks of the writes that completed. */
    private List<WriteCallback> flushLocked() {
        List<WriteCallback> done = null;
        try {
            PendingWrite head;
            while (!closed && (head = writes.peek()) != null) {
                if (!head.done()) {
                    channel.write(head.buffers);
                    if (!head.done()) {
                        loop.interest(key, SelectionKey.OP_WRITE);
                        break;
                    }
                }
                writes.poll();
                if (head.callback != null) {
                    if (done == null) {
                        done = new ArrayList<>(2);
                    }
                    done.add(head.callback);
                }
            }
            if (writes.isEmpty() && closeWhenWritten && !outputShut && !closed) {
                shutOutput();
            }
        } catch (IOException | RuntimeException e) {
            List<WriteCallback> failedWrites = new ArrayList<>();
            for (PendingWrite write : writes) {
                if (write.callback != null) {
                    failedWrites.add(write.callback);
                }
            }
            writes.clear();
            execute(() -> failedWrites.forEach(callback -> callback.failed(e)));
            broke(e);
        }
        return done == null ? List.of() : done;
    }

    /** Everything is written: FIN to the server, which closes its side; then (or after the linger) the socket closes. */
    private void shutOutput() throws IOException {
        outputShut = true;
        channel.shutdownOutput();
        if (inputEndedVolatile) {
            closeChannel();
            return;
        }
        Inbound in = inbound;
        if (in != null && in.wantsInput()) {
            read(); // reading on, to see the server's end
        } else {
            drainOnSelector();
        }
    }

    private void completeWrites(List<WriteCallback> done) {
        for (WriteCallback callback : done) {
            try {
                callback.written();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a write completion failed", e);
            }
        }
    }

    // ---- reading

    /**
     * Has the socket read, on the executor, while wanted; safe from any thread, and never reads on
     * the caller's: a call while a thread reads makes that thread go round once more.
     */
    private void read() {
        if (readRuns.getAndIncrement() == 0) {
            execute(this::readRounds);
        }
    }

    private void readRounds() {
        int missed = 1;
        do {
            try {
                readWhileWanted();
            } catch (Throwable t) { // an Error out of the application: the connection cannot go on
                LOG.log(Level.WARNING, "the client connection's inbound failed", t);
                broke(t);
            }
            missed = readRuns.addAndGet(-missed);
        } while (missed != 0);
    }

    private void readWhileWanted() {
        int reads = 0;
        while (true) {
            if (closed) {
                return; // aborted: the connection knows
            }
            Inbound in = inbound;
            Throwable broken = failure;
            if (broken != null) {
                if (!failureTold && in != null) {
                    failureTold = true;
                    tls.failHandshakes(broken);
                    in.onFailure(broken);
                }
                return;
            }
            if (inputEnded || in == null) {
                return;
            }
            if (outputShut && !in.wantsInput()) {
                drainOnSelector(); // nobody wants what is left: the selector watches for the server's end
                return;
            }
            if (!tls.handshaking() && !in.wantsInput()) {
                return; // demand() calls again
            }
            ByteBuffer first = pushedBack;
            if (first != null) {
                pushedBack = null;
                in.onInput(first);
                continue;
            }
            try {
                if (!tls.isEmpty() && deliverDecoded(in)) {
                    continue;
                }
                if (inputEnded) {
                    return;
                }
                if (++reads > readsPerDispatch) {
                    // Fair turns: back through the selector, behind the other sockets that are ready.
                    loop.interest(key, SelectionKey.OP_READ);
                    return;
                }
                if (!readSocket(in)) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                broke(e);
            }
        }
    }

    /** One read from the socket, handed on (or to the TLS sessions). Returns whether to go on reading. */
    private boolean readSocket(Inbound in) throws IOException {
        ByteBuffer buffer = readBuffer();
        int n = channel.read(buffer);
        if (n > 0) {
            buffer.flip();
            if (tls.isEmpty()) {
                in.onInput(buffer);
            } else {
                tls.append(buffer);
            }
            if (n == buffer.capacity() && buffer.capacity() < readBufferSize) {
                READ_BUFFERS.set(ByteBuffer.allocate(Math.min(2 * buffer.capacity(), readBufferSize)));
            }
            return true;
        }
        if (n < 0) {
            endOfInput(in);
            return false;
        }
        loop.interest(key, SelectionKey.OP_READ);
        return false;
    }

    private ByteBuffer readBuffer() {
        ByteBuffer buffer = READ_BUFFERS.get();
        if (buffer == null) {
            buffer = ByteBuffer.allocate(Math.min(FIRST_READ_BUFFER, readBufferSize));
            READ_BUFFERS.set(buffer);
        }
        return buffer.clear();
    }

    /**
     * Unwraps buffered ciphertext through the TLS sessions and delivers the plaintext that comes out
     * on top. Returns whether anything moved (then the caller goes round again before reading).
     */
    private boolean deliverDecoded(Inbound in) throws IOException {
        TlsStack.Decoded decoded = tls.decode(this::sendHandshake);
        if (decoded.plaintext() != null) {
            in.onInput(decoded.plaintext());
            return true;
        }
        if (decoded.ended()) {
            endOfInput(in); // the peer's close_notify: nothing more will come
            return false;
        }
        return decoded.moved();
    }

    private void sendHandshake(int level) throws SSLException {
        List<WriteCallback> done;
        synchronized (writeLock) {
            enqueueLocked(tls.handshakeBytes(level), null);
            done = flushLocked();
        }
        completeWrites(done);
    }

    /**
     * After our FIN, while nobody wants input: the selector itself reads and drops what comes until
     * the server's end, then closes the socket. No application code runs in it, and a mass close
     * hands no task to the executor.
     */
    private void drainOnSelector() {
        draining = true;
        loop.interest(key, SelectionKey.OP_READ);
    }

    private void drain() {
        try {
            ByteBuffer buffer = readBuffer();
            for (int reads = 0; reads < readsPerDispatch; reads++) { // a turn, like any socket's
                if (channel.read(buffer.clear()) < 0) {
                    closeChannel();
                    return;
                }
                if (buffer.position() == 0) {
                    break;
                }
            }
            loop.interest(key, SelectionKey.OP_READ);
        } catch (IOException e) {
            closeChannel();
        }
    }

    private void endOfInput(Inbound in) {
        inputEnded = true;
        inputEndedVolatile = true;
        tls.failHandshakes(new ClosedChannelException());
        boolean closeNow;
        synchronized (writeLock) {
            closeNow = outputShut;
        }
        if (closeNow) {
            closeChannel();
        }
        in.onEndOfInput();
    }

    /** The socket failed: it is closed, and the inbound told why (on the executor). */
    private void broke(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        if (cause instanceof SSLException) {
            sendAlerts(); // the peer learns why (a bad certificate …), not just that the socket closed
        }
        closeChannel();
        read();
    }

    /** Writes, as far as the socket takes them at once, the alerts the TLS sessions have to send. */
    private void sendAlerts() {
        synchronized (writeLock) {
            try {
                for (ByteBuffer[] alert : tls.alerts()) {
                    enqueueLocked(alert, null);
                }
                for (PendingWrite write : writes) {
                    channel.write(write.buffers); // best effort, never waits
                    if (!write.done()) {
                        break; // what follows may not overtake the rest of this write
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "could not send the TLS alert", e);
            }
        }
    }

    private void closeChannel() {
        ScheduledFuture<?> timer = lingerTimer;
        if (timer != null) {
            timer.cancel(false); // a closed transport is not kept for the linger's length
        }
        try {
            channel.close(); // cancels the key too
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the socket failed", e);
        }
        loop.wakeup(); // the socket is only released once the selector has dropped its key
    }

    private void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
