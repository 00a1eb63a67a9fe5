package dev.tether.client.nio;

import dev.tether.client.tls.TlsStack;
import dev.tether.runtime.Transport;
import dev.tether.runtime.io.Timers;

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
 * <p>Writing ({@link SocketWrites}): on the caller's thread while the socket takes bytes (gathered;
 * plaintext buffers as they are, TLS records once wrapped by the {@link TlsStack}); the rest on the
 * executor once the selector says the socket is writable. A write is reported written when its last
 * byte has gone to the socket.
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

    private final SocketWrites writes;
    /** Closes the socket if the server has not closed its side a while after our FIN. */
    private volatile ScheduledFuture<?> lingerTimer;

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
        this.writes = new SocketWrites(channel, key, loop, new SocketWrites.Owner() {
            @Override
            public void outputShut() {
                afterFin();
            }

            @Override
            public void broke(Throwable error) {
                SocketTransport.this.broke(error);
            }

            @Override
            public void execute(Runnable task) {
                SocketTransport.this.execute(task);
            }
        });
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
        try {
            writes.send(() -> tls.begin(engine, handshaken));
        } catch (IOException | RuntimeException e) {
            handshaken.completeExceptionally(e);
            return handshaken;
        }
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
        // The callback may run in here, on the writer's thread: the runtime lets a write complete inside the call.
        writes.write(() -> tls.isEmpty() ? buffers : tls.encode(buffers), callback);
    }

    @Override
    public boolean endsWritesBetweenFrames() {
        return tls.isEmpty(); // TLS records are made of the whole write at once
    }

    @Override
    public void writeFrames(ByteBuffer[] buffers, int[] frameEnds, WriteCallback callback) {
        if (!tls.isEmpty()) {
            write(buffers, callback);
            return;
        }
        writes.write(() -> buffers, frameEnds, callback);
    }

    @Override
    public void close() {
        if (writes.aborted()) {
            return;
        }
        if (lingerTimer == null) {
            startLinger(); // from now: a server that stops reading cannot keep the socket open
        }
        writes.close(() -> concat(tls.closeNotifies()));
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
        writes.abort(); // once back, no buffer handed over is being read
        closeChannel();
        tls.failHandshakes(new ClosedChannelException());
    }

    // ---- the selector's side

    @Override
    public void onReady(SelectionKey readyKey, int readyOps) {
        readyKey.interestOpsAnd(~readyOps); // each is asked for again when wanted
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            // Not here: a writer may hold the lock while it encrypts a large message, and the selector
            // serves every other socket. Completions run application code, which never runs here either.
            execute(writes::flushWhenWritable);
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

    // ---- after our FIN

    /** Everything is written and the FIN sent: the socket closes when the server's end comes (or after the linger). */
    private void afterFin() {
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

    private static ByteBuffer[] concat(List<ByteBuffer[]> parts) {
        return parts.stream().flatMap(java.util.Arrays::stream).toArray(ByteBuffer[]::new);
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
            if (writes.aborted()) {
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
            if (writes.outputShut() && !in.wantsInput()) {
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
        try {
            writes.send(() -> tls.handshakeBytes(level));
        } catch (SSLException e) {
            throw e;
        } catch (IOException e) {
            throw new SSLException(e);
        }
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
        if (writes.outputShut()) {
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
            // The peer learns why (a bad certificate …), not just that the socket closed.
            writes.writeAlertsNow(() -> concat(tls.alerts()));
        }
        closeChannel();
        read();
    }

    private void closeChannel() {
        Timers.cancel(scheduler, lingerTimer); // a closed transport is not kept for the linger's length
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
