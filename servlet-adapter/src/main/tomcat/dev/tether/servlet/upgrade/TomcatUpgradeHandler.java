package dev.tether.servlet.upgrade;

import dev.tether.api.ConnectionClosedException;
import dev.tether.runtime.Output;
import dev.tether.runtime.Transport;
import jakarta.servlet.http.WebConnection;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A connection on Tomcat, upgraded the way Tomcat's own WebSocket stack is: on its socket, not on
 * the servlet streams ({@link ContainerUpgrade}'s Tomcat route). Compiled apart from the module,
 * against Tomcat's classes, and loaded only where they are.
 *
 * <p><b>Why:</b> over the servlet streams, a connection that stops reading (paused, backed up, a
 * streamed message's reader behind) cannot tell Tomcat so: after each {@code onDataAvailable}
 * Tomcat watches the socket again, finds the unread bytes, and calls again at once, so one such
 * connection keeps a core busy; and a read resumed from an application thread races the container
 * thread Tomcat has dispatched meanwhile. Here reading runs only in Tomcat's dispatches, which
 * Tomcat serializes; a connection that wants no input returns {@link SocketState#SUSPENDED} (Tomcat
 * then leaves the socket alone), and {@link #demand()} asks Tomcat for a new read dispatch. A
 * dispatch reads at most {@code readTurnBytes}, then asks Tomcat for the next one and returns, so
 * that a peer that keeps sending does not keep a thread of Tomcat's while the others wait.
 *
 * <p>Writes are Tomcat's asynchronous gathering writes, one at a time; a close waits for the write
 * in progress. On the NIO connector without TLS, a write of several frames first goes to the socket
 * as far as it takes it at once; if it stops inside a frame, Tomcat's write sends the rest of that
 * frame, and the write ends there, so a ping or pong queued meanwhile waits for one frame at most.
 */
public final class TomcatUpgradeHandler implements InternalHttpUpgradeHandler, Transport, ContainerUpgrade.Attachable {
    /** Tomcat takes a timeout for every write; ours are the connection's own deadlines. */
    private static final long NO_TIMEOUT = Long.MAX_VALUE;
    /** The flags below are set by CAS through these: three fields, not three AtomicBooleans beside the handler. */
    private static final VarHandle SUSPENDED;
    private static final VarHandle ENDED;
    private static final VarHandle CLOSED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SUSPENDED = lookup.findVarHandle(TomcatUpgradeHandler.class, "suspended", boolean.class);
            ENDED = lookup.findVarHandle(TomcatUpgradeHandler.class, "ended", boolean.class);
            CLOSED = lookup.findVarHandle(TomcatUpgradeHandler.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The application's class loader, set as the context loader whenever this calls into the
     * connection (and so its listener): Tomcat binds none for this kind of handler.
     */
    private final ClassLoader applicationLoader = Thread.currentThread().getContextClassLoader();
    private volatile SocketWrapperBase<?> socket;
    private ContainerUpgrade.TransportSettings settings;
    private ContainerUpgrade.Upgraded upgraded;
    private boolean initialized;
    private boolean started;
    private volatile Inbound inbound;
    /** Reading stopped (the connection wanted no input): {@link #demand()} asks Tomcat to dispatch a read. */
    private volatile boolean suspended;
    /** The end of input or a failure was reported: nothing more is read. */
    private volatile boolean ended;
    private volatile boolean closed;
    private int readBufferSize;
    private int readTurnBytes;
    // Guarded by this.
    private WriteCallback writing;
    /** Where the write of frames in progress ends, in bytes, when it ends early; -1 when it goes to its end. */
    private long writeEndsAt = -1;
    /** The socket is the NIO connector's without TLS (set with the socket): see {@link #endsWritesBetweenFrames()}. */
    private volatile boolean plainNio;
    private boolean closeWhenWritten;

    /** Tomcat creates this class itself (public, no arguments). */
    public TomcatUpgradeHandler() {
    }

    @Override
    public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
        this.socket = wrapper;
        this.plainNio = wrapper instanceof NioEndpoint.NioSocketWrapper nio && nio.getSocket().getClass() == NioChannel.class;
    }

    @Override
    public void attach(ContainerUpgrade.TransportSettings transportSettings, ContainerUpgrade.Upgraded toStart) {
        synchronized (this) {
            this.settings = transportSettings;
            this.upgraded = toStart;
        }
        startWhenReady();
    }

    @Override
    public void init(WebConnection connection) {
        synchronized (this) {
            initialized = true;
        }
        startWhenReady();
    }

    private void startWhenReady() {
        ContainerUpgrade.Upgraded u;
        synchronized (this) {
            if (started || upgraded == null || !initialized) {
                return;
            }
            started = true;
            readBufferSize = settings.readBufferSize();
            readTurnBytes = settings.readTurnBytes();
            u = upgraded;
            settings = null;
            upgraded = null;
        }
        inApplication(() -> u.start(this)); // onOpen may be delivered on this thread
    }

    /** Runs {@code call} with the application's class loader as this thread's context loader. */
    private void inApplication(Runnable call) {
        ContextLoader.run(applicationLoader, call);
    }

    private <T> T inApplication(Supplier<T> call) {
        return ContextLoader.get(applicationLoader, call);
    }

    @Override
    public void start(Inbound in) {
        this.inbound = in;
        // Tomcat dispatches the first read after init; one that came before this found no inbound and suspended.
        demand();
    }

    @Override
    public SocketState upgradeDispatch(SocketEvent status) {
        return switch (status) {
            case OPEN_READ -> readWhileWanted();
            case OPEN_WRITE -> SocketState.UPGRADED; // writes complete through their handlers
            case STOP -> failedInApplication(new ConnectionClosedException("the container is stopping"));
            default -> failedInApplication(new ConnectionClosedException("the connection failed (" + status + ")"));
        };
    }

    /** Reads while the connection wants input and bytes are there; in one of Tomcat's dispatches only. */
    private SocketState readWhileWanted() {
        Inbound in = inbound;
        if (in == null) {
            suspended = true; // not started yet: start() asks for the read again
            if (inbound == null || !SUSPENDED.compareAndSet(this, true, false)) {
                return SocketState.SUSPENDED;
            }
            in = inbound; // start() came meanwhile, and its demand found nothing suspended yet
        }
        if (ended || closed) {
            return SocketState.SUSPENDED;
        }
        Inbound reader = in;
        return inApplication(() -> readLoop(reader));
    }

    /** The reading itself, with the application's class loader. */
    private SocketState readLoop(Inbound in) {
        try {
            int bytesThisTurn = 0;
            ByteBuffer buffer = ReadBuffers.forThisThread(readBufferSize);
            while (true) {
                if (!in.wantsInput()) {
                    suspended = true;
                    // Asked again once the flag is up: a demand that came before it saw nothing to resume.
                    if (in.wantsInput() && SUSPENDED.compareAndSet(this, true, false)) {
                        continue;
                    }
                    return SocketState.SUSPENDED;
                }
                buffer.clear().limit(Math.min(buffer.capacity(), readBufferSize));
                int n = read(socket, buffer);
                if (n < 0) {
                    end(in);
                    return SocketState.SUSPENDED; // nothing more to read: Tomcat need not watch the socket
                }
                if (n == 0) {
                    return SocketState.UPGRADED; // Tomcat watches the socket and dispatches again when bytes come
                }
                boolean filled = !buffer.hasRemaining();
                in.onInput(buffer.flip());
                if (filled && buffer.capacity() < readBufferSize) {
                    buffer = ReadBuffers.grown(buffer.capacity(), readBufferSize);
                }
                bytesThisTurn += n;
                if (bytesThisTurn >= readTurnBytes) {
                    if (readDispatchQueued(socket)) {
                        return SocketState.SUSPENDED; // the socket is not watched meanwhile: the dispatch comes anyway
                    }
                    bytesThisTurn = 0; // refused: the next turn is this one's, or nobody would ever read again
                }
            }
        } catch (EOFException e) {
            end(in);
            return SocketState.SUSPENDED;
        } catch (IOException | RuntimeException e) {
            return failed(e);
        }
    }

    /**
     * Reads what the socket has, up to the buffer's room. Tomcat's own read stops at the size of its
     * socket buffer ({@code socket.appReadBufSize}, 8 KiB by default) even when the caller's buffer is
     * larger, so a large message took eight times the reads; on the NIO connector, when Tomcat's
     * buffer holds nothing, the bytes are read from its channel as Tomcat itself would, without that
     * cap. Tomcat takes the same path for a buffer at least as large as its own, which under TLS is
     * what keeps a record's decryption from overflowing the buffer (TLS still reads a record at a
     * time). The NIO2 connector keeps Tomcat's read.
     */
    private static int read(SocketWrapperBase<?> s, ByteBuffer buffer) throws IOException {
        if (s instanceof NioEndpoint.NioSocketWrapper nio && nio.getSocketBufferHandler().isReadBufferEmpty()
                && buffer.remaining() >= nio.getSocketBufferHandler().getReadBuffer().capacity()) {
            if (nio.isClosed()) {
                throw new ClosedChannelException(); // as Tomcat's read: a failure, not the peer's end
            }
            int n = nio.getSocket().read(buffer);
            nio.updateLastRead();
            return n;
        }
        return s.read(false, buffer);
    }

    /**
     * Queues a read dispatch on Tomcat's executor; false if it refuses (a bounded queue full, or
     * stopping). A dispatch in progress finishes first (Tomcat holds the socket's lock across a
     * dispatch, and its executors never run a task on the caller's thread), so the reading stays one
     * thread's at a time. Not {@code processSocket(…, true)}: Tomcat drops its refusal, which would
     * leave the socket unwatched and nobody reading.
     */
    private static boolean readDispatchQueued(SocketWrapperBase<?> s) {
        try {
            s.execute(() -> s.processSocket(SocketEvent.OPEN_READ, false));
            return true;
        } catch (RejectedExecutionException refused) {
            return false;
        }
    }

    private void end(Inbound in) {
        if (ENDED.compareAndSet(this, false, true)) {
            in.onEndOfInput();
        }
    }

    private SocketState failedInApplication(Throwable error) {
        inApplication(() -> failed(error));
        return SocketState.CLOSED;
    }

    private SocketState failed(Throwable error) {
        Inbound in = inbound;
        if (ENDED.compareAndSet(this, false, true) && in != null) {
            in.onFailure(error);
        }
        return SocketState.CLOSED;
    }

    @Override
    public void demand() {
        SocketWrapperBase<?> s = socket;
        if (s != null && SUSPENDED.compareAndSet(this, true, false)) {
            if (!readDispatchQueued(s)) {
                s.registerReadInterest(); // the poller dispatches when bytes come, or closes the socket
            }
        }
    }

    @Override
    public void write(ByteBuffer[] buffers, WriteCallback callback) {
        synchronized (this) {
            writing = callback;
            writeEndsAt = -1;
        }
        tomcatWrite(buffers);
    }

    private void tomcatWrite(ByteBuffer[] buffers) {
        try {
            socket.write(SocketWrapperBase.BlockingMode.SEMI_BLOCK, NO_TIMEOUT, TimeUnit.MILLISECONDS, null,
                    SocketWrapperBase.COMPLETE_WRITE_WITH_COMPLETION, writeCompletion, buffers);
        } catch (RuntimeException e) {
            writeEnded(e);
        }
    }

    /** Whether the socket is the NIO connector's without TLS: its channel then takes a gathering write as it is. */
    @Override
    public boolean endsWritesBetweenFrames() {
        return plainNio;
    }

    @Override
    public void writeFrames(ByteBuffer[] buffers, int[] frameEnds, WriteCallback callback) {
        if (!plainNio || socket.hasDataToWrite()) {
            write(buffers, callback); // whole: Tomcat's own buffer goes first
            return;
        }
        synchronized (this) {
            writing = callback;
            writeEndsAt = -1;
        }
        NioEndpoint.NioSocketWrapper nio = (NioEndpoint.NioSocketWrapper) socket;
        long[] frameEndBytes = Output.frameEndBytes(buffers, frameEnds);
        long total = frameEndBytes[frameEndBytes.length - 1];
        long sent;
        try {
            if (nio.isClosed()) {
                throw new ClosedChannelException(); // as Tomcat's write
            }
            sent = nio.getSocket().write(buffers, 0, buffers.length); // as much as goes without waiting
            nio.updateLastWrite();
        } catch (IOException | RuntimeException e) {
            writeEnded(e);
            return;
        }
        if (sent == total) {
            writeEnded(null);
            return;
        }
        int frame = Output.frameInProgress(frameEndBytes, sent);
        if (frame > 0 && sent == frameEndBytes[frame - 1]) { // between two frames: the write ends here
            synchronized (this) {
                writeEndsAt = sent;
            }
            writeEnded(null);
            return;
        }
        if (frame < frameEnds.length - 1) {
            synchronized (this) {
                writeEndsAt = frameEndBytes[frame];
            }
        }
        tomcatWrite(Arrays.copyOfRange(buffers, frame == 0 ? 0 : frameEnds[frame - 1], frameEnds[frame])); // the rest of that frame
    }

    /** One for every write: writes are one at a time. */
    private final CompletionHandler<Long, Void> writeCompletion = new CompletionHandler<>() {
        @Override
        public void completed(Long written, Void attachment) {
            inApplication(() -> writeEnded(written < 0 ? new EOFException("the connection closed while writing") : null));
        }

        @Override
        public void failed(Throwable error, Void attachment) {
            inApplication(() -> writeEnded(error));
        }
    };

    /** The write in progress is over: its callback is told, and a close waiting for it happens. */
    private void writeEnded(Throwable error) {
        WriteCallback done;
        long endsAt;
        boolean close;
        synchronized (this) {
            done = writing;
            endsAt = writeEndsAt;
            close = closeWhenWritten;
            writing = null;
            closeWhenWritten = false;
        }
        if (close) {
            closeNow();
        }
        if (done == null) {
            return;
        }
        if (error == null && endsAt >= 0) {
            done.writtenUpTo(endsAt); // the frames after it are the runtime's to write again
        } else if (error == null) {
            done.written();
        } else {
            done.failed(error);
        }
    }

    @Override
    public boolean writesDirectBuffers() {
        return true; // Tomcat writes a direct buffer to the socket as it is
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
    }

    private void closeNow() {
        if (CLOSED.compareAndSet(this, false, true)) {
            SocketWrapperBase<?> s = socket;
            if (s != null) {
                s.close(); // Tomcat releases the connection and destroys this handler
            }
        }
    }

    @Override
    public void destroy() {
        Inbound in = inbound;
        ContainerUpgrade.Upgraded u;
        synchronized (this) {
            u = upgraded; // null once started
            upgraded = null;
        }
        if (u != null) {
            inApplication(() -> u.startFailed(new ConnectionClosedException("the container closed the connection before it started")));
        } else if (in != null && ENDED.compareAndSet(this, false, true)) {
            inApplication(() -> in.onFailure(new ConnectionClosedException("the container closed the connection")));
        }
    }

    @Override
    public void timeoutAsync(long now) {
        // the connection's own deadlines (keepalive, close, idle) run in the runtime
    }

    @Override
    public void setSslSupport(SSLSupport sslSupport) {
        // TLS is the connector's: nothing to learn from it here
    }

    @Override
    public void pause() {
        // the connector is pausing (shutting down): STOP follows, and ends the connection
    }

    @Override
    public String toString() {
        return "TomcatUpgradeHandler[" + socket + "]";
    }
}
