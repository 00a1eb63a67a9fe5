package dev.tether.servlet.upgrade;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty 12.1 (ee10) only: upgrades the HTTP/1.1 connection under a servlet request the way Jetty's
 * own WebSocket support does, instead of through the broken {@code HttpServletRequest.upgrade}
 * (see {@link ContainerUpgrade}). It names a new {@link Connection} in the core request attribute
 * {@link HttpStream#UPGRADE_CONNECTION_ATTRIBUTE}; once the servlet has returned and the 101 is
 * written, Jetty calls {@link EndPoint#upgrade}, which hands over the bytes read past the request
 * head ({@link Connection.UpgradeTo#onUpgradeTo}) and then opens the new connection. The new
 * connection is the handler's {@link WebConnection}.
 *
 * <p>This is the only class (with its nested classes) that refers to Jetty. It refers to nothing
 * else of ours, so that {@link ContainerUpgrade} can define it in a class loader of its own under
 * Jetty's, when a web application's class loader hides Jetty; its one entry point, {@link #takeOver},
 * takes servlet API types only.
 *
 * <p>Threads: every call into the application (init, listener callbacks, destroy) runs on Jetty's
 * thread pool, one at a time per connection, never on a selector thread. Jetty's callbacks into
 * this class only update state and queue those calls.
 */
final class JettyConnectionTakeover {
    private static final System.Logger LOG = System.getLogger(JettyConnectionTakeover.class.getName());
    /** What isReady() may read ahead; reads after it go straight into the caller's array. */
    private static final int INPUT_BUFFER_BYTES = 4 * 1024;
    /** Empty and never written: an idle connection holds no input buffer. */
    private static final ByteBuffer NO_INPUT = ByteBuffer.allocate(0);

    private JettyConnectionTakeover() {
    }

    /**
     * Arranges for {@code handler} to take over the connection once the servlet returns: sets status
     * 101 and registers the new connection with Jetty. The caller has set the handshake headers.
     *
     * @throws ServletException if {@code request} is not a Jetty ee10 request over HTTP/1.1
     */
    static void takeOver(HttpServletRequest request, HttpServletResponse response, HttpUpgradeHandler handler)
            throws ServletException {
        ServletContextRequest core;
        try {
            core = ServletContextRequest.getServletContextRequest(request);
        } catch (IllegalStateException notJetty) {
            throw new ServletException("not a Jetty ee10 servlet request: " + request.getClass().getName(), notJetty);
        }
        if (!"HTTP/1.1".equals(request.getProtocol())) {
            throw new ServletException("connection upgrade needs HTTP/1.1; this request is " + request.getProtocol());
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("the response is committed: the 101 can no longer be sent");
        }
        EndPoint endPoint = core.getConnectionMetaData().getConnection().getEndPoint();
        Executor executor = core.getComponents().getExecutor();
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        core.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, new UpgradedConnection(endPoint, executor, handler));
    }

    /**
     * Runs tasks on an executor one at a time, in order: the serialisation of a connection's
     * application calls that the Servlet spec expects (no two listener calls at once).
     */
    private static final class SerialExecutor implements Executor {
        private final Executor executor;
        private final Queue<Runnable> tasks = new ArrayDeque<>();
        private boolean running;

        SerialExecutor(Executor executor) {
            this.executor = executor;
        }

        @Override
        public void execute(Runnable task) {
            synchronized (tasks) {
                tasks.add(task);
                if (running) return;
                running = true;
            }
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException stopping) {
                drain(); // Jetty's pool is stopping: still deliver onError and destroy
            }
        }

        private void drain() {
            while (true) {
                Runnable task;
                synchronized (tasks) {
                    task = tasks.poll();
                    if (task == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    task.run();
                } catch (Throwable t) {
                    LOG.log(Level.WARNING, "upgraded connection task failed", t);
                }
            }
        }
    }

    /**
     * The connection after the upgrade; {@link #webConnection} is the handler's view of it. All its
     * state is guarded by {@code this}; application code is never called while holding it.
     */
    private static final class UpgradedConnection extends AbstractConnection implements Connection.UpgradeTo {
        private final HttpUpgradeHandler handler;
        private final SerialExecutor application;
        private final Input input = new Input();
        private final Output output = new Output();
        private final WebConnection webConnection = new WebConnection() {
            @Override
            public ServletInputStream getInputStream() {
                return input;
            }

            @Override
            public ServletOutputStream getOutputStream() {
                return output;
            }

            /**
             * Closes the connection, after a write still in progress completes; a second call does
             * not wait (for a peer that stopped reading, when the application's close timer fires).
             */
            @Override
            public void close() {
                closeByApplication();
            }
        };
        /** Bytes read from the socket but not yet by the application; flush mode (data between position and limit). */
        private ByteBuffer inputBuffer = NO_INPUT;
        private boolean closing;
        private boolean closed;

        UpgradedConnection(EndPoint endPoint, Executor executor, HttpUpgradeHandler handler) {
            super(endPoint, executor);
            this.handler = handler;
            this.application = new SerialExecutor(executor);
        }

        /** Bytes the client sent right after the request head; Jetty calls this before {@link #onOpen}. */
        @Override
        public void onUpgradeTo(ByteBuffer leftover) {
            synchronized (this) {
                ByteBuffer grown = ByteBuffer.allocate(Math.max(INPUT_BUFFER_BYTES, inputBuffer.remaining() + leftover.remaining()));
                inputBuffer = grown.put(inputBuffer).put(leftover).flip(); // leftover is Jetty's buffer: copy
            }
        }

        @Override
        public void onOpen() {
            super.onOpen();
            // The library runs its own timers; Jetty's idle timeout would close a quiet WebSocket.
            getEndPoint().setIdleTimeout(0);
            application.execute(this::init);
        }

        private void init() {
            try {
                handler.init(webConnection);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "HttpUpgradeHandler.init failed; closing the connection", t);
                getEndPoint().close(t);
            }
        }

        @Override
        public boolean onIdleExpired(TimeoutException timeout) {
            return false; // never idle-close (the timeout is also switched off in onOpen)
        }

        @Override
        public void onFillable() {
            input.onFillable(); // not used: we register our own fill callback, see Input.demand
        }

        @Override
        public void onFillInterestedFailed(Throwable cause) {
            input.onFillFailed(cause);
        }

        @Override
        public void onClose(Throwable cause) {
            super.onClose(cause);
            boolean byApplication;
            synchronized (this) {
                closed = true;
                byApplication = closing;
                notifyAll(); // blocked readers and writers
            }
            if (!byApplication) {
                Throwable failure = cause != null ? cause : new ClosedChannelException();
                input.onClosed(failure);
                output.onClosed(failure);
            }
            application.execute(this::destroy);
        }

        private void destroy() {
            try {
                handler.destroy();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "HttpUpgradeHandler.destroy failed", t);
            }
        }

        private void closeByApplication() {
            boolean now;
            synchronized (this) {
                now = closing || !output.pending;
                closing = true;
            }
            if (now) getEndPoint().close();
        }

        /**
         * Queues a listener call; if it throws, the listener's onError gets the exception and the
         * connection is closed, as containers do.
         */
        private void call(ListenerCall call, ErrorSink onError) {
            application.execute(() -> {
                try {
                    call.run();
                } catch (Throwable t) {
                    try {
                        onError.accept(t);
                    } catch (Throwable again) {
                        t.addSuppressed(again);
                    }
                    LOG.log(Level.DEBUG, "listener failed; closing the connection", t);
                    getEndPoint().close(t);
                }
            });
        }

        @FunctionalInterface
        private interface ListenerCall {
            void run() throws IOException;
        }

        @FunctionalInterface
        private interface ErrorSink {
            void accept(Throwable t);
        }

        /** Jetty's fill and write callbacks only change state and queue work: safe on a selector thread. */
        private abstract static class NonBlockingCallback implements Callback {
            @Override
            public InvocationType getInvocationType() {
                return InvocationType.NON_BLOCKING;
            }
        }

        /**
         * The upgraded input. Reads come from {@link #inputBuffer} first (the bytes after the head,
         * or what {@link #isReady} read to find out whether data is there), then straight from the
         * socket into the caller's array.
         */
        private final class Input extends ServletInputStream {
            private final Callback fillCallback = new NonBlockingCallback() {
                @Override
                public void succeeded() {
                    onFillable();
                }

                @Override
                public void failed(Throwable cause) {
                    onFillFailed(cause);
                }
            };
            private ReadListener listener;
            private boolean eof;
            private Throwable failure;
            /**
             * The last socket read filled all the room it had, so the socket probably holds more:
             * isReady() then answers true without reading ahead, and read() goes on filling the
             * caller's array. Streaming data thus takes one system call per read, not one per
             * read-ahead buffer.
             */
            private boolean moreLikely;
            /** isReady() said false (or the listener is new): onDataAvailable is owed when data comes. */
            private boolean dataAvailableOwed;
            /** onAllDataRead or onError has been queued: no more read callbacks. */
            private boolean ended;
            private boolean fillInterested;

            @Override
            public boolean isFinished() {
                synchronized (UpgradedConnection.this) {
                    return eof && !inputBuffer.hasRemaining();
                }
            }

            @Override
            public boolean isReady() {
                synchronized (UpgradedConnection.this) {
                    if (inputBuffer.hasRemaining() || eof || failure != null || moreLikely) return true;
                    fillBuffer();
                    if (inputBuffer.hasRemaining() || eof || failure != null) return true;
                    if (listener != null) {
                        dataAvailableOwed = true;
                        demand();
                    }
                    return false;
                }
            }

            @Override
            public void setReadListener(ReadListener readListener) {
                if (readListener == null) throw new NullPointerException("readListener");
                synchronized (UpgradedConnection.this) {
                    if (listener != null) throw new IllegalStateException("the ReadListener is already set");
                    listener = readListener;
                    // The first onDataAvailable comes as soon as data can be read: maybe already buffered.
                    dataAvailableOwed = true;
                    if (inputBuffer.hasRemaining() || eof || failure != null) {
                        application.execute(this::deliverOwed);
                    } else {
                        demand();
                    }
                }
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                if (n == 0) throw new IllegalStateException("read() while isReady() is false");
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            /**
             * Reads what is there. In non-blocking mode, when nothing is, returns 0 and owes the
             * listener an onDataAvailable, as if isReady() had returned false; without a listener, blocks.
             */
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                synchronized (UpgradedConnection.this) {
                    while (true) {
                        if (failure != null) throw new IOException("upgraded connection failed", failure);
                        if (inputBuffer.hasRemaining()) {
                            int n = Math.min(len, inputBuffer.remaining());
                            inputBuffer.get(b, off, n);
                            if (n < len && moreLikely && listener != null) {
                                // The read-ahead was full: take the rest straight from the socket.
                                n += Math.max(0, fillArray(b, off + n, len - n));
                            }
                            endIfAllRead();
                            return n;
                        }
                        if (eof) return -1;
                        if (len == 0) return 0;
                        // Empty buffer: read from the socket straight into the caller's array.
                        int n = fillArray(b, off, len);
                        if (n != 0) return n;
                        if (failure != null) continue;
                        if (listener != null) {
                            dataAvailableOwed = true;
                            demand();
                            return 0;
                        }
                        if (closed) throw new ClosedChannelException();
                        demand();
                        awaitSignal();
                    }
                }
            }

            @Override
            public int available() {
                synchronized (UpgradedConnection.this) {
                    return inputBuffer.remaining();
                }
            }

            /**
             * Reads ahead from the socket into {@link #inputBuffer}, which must be empty, to answer
             * isReady(). The buffer is kept while data flows and let go when the socket has none, so
             * thousands of idle connections hold no input buffers.
             */
            private void fillBuffer() {
                ByteBuffer probe = inputBuffer.capacity() > 0 ? inputBuffer : ByteBuffer.allocate(INPUT_BUFFER_BYTES);
                probe.clear().limit(0);
                fill(probe);
                inputBuffer = probe.hasRemaining() ? probe : NO_INPUT;
            }

            /** Reads from the socket straight into {@code b[off, off + len)}; as {@link #fill}. */
            private int fillArray(byte[] b, int off, int len) {
                return fill(ByteBuffer.wrap(b, off, len).slice().limit(0));
            }

            /** Fills {@code target} (flush mode): bytes read, 0, or -1 at EOF; a failure is recorded, not thrown. */
            private int fill(ByteBuffer target) {
                moreLikely = false;
                if (closed) {
                    if (failure == null) failure = new ClosedChannelException();
                    endWithError();
                    return 0;
                }
                try {
                    int room = target.capacity() - target.limit();
                    int n = getEndPoint().fill(target);
                    moreLikely = n == room;
                    if (n < 0) {
                        eof = true;
                        endIfAllRead();
                    }
                    return n;
                } catch (IOException e) {
                    failure = e;
                    endWithError();
                    return 0;
                }
            }

            /** At most one fill interest at a time: Jetty allows no more. */
            private void demand() {
                if (fillInterested || closed) return;
                fillInterested = true;
                getEndPoint().fillInterested(fillCallback);
            }

            /** Jetty: the socket is readable. */
            void onFillable() {
                synchronized (UpgradedConnection.this) {
                    fillInterested = false;
                    UpgradedConnection.this.notifyAll(); // a blocked read()
                    if (listener != null && dataAvailableOwed && !ended) application.execute(this::deliverOwed);
                }
            }

            void onFillFailed(Throwable cause) {
                synchronized (UpgradedConnection.this) {
                    fillInterested = false;
                    UpgradedConnection.this.notifyAll();
                    if (eof || closing) return;
                    if (failure == null) failure = cause;
                    endWithError();
                }
            }

            /** The connection closed under us (not by the application): readers learn why. */
            void onClosed(Throwable cause) {
                synchronized (UpgradedConnection.this) {
                    if (eof) return;
                    if (failure == null) failure = cause;
                    endWithError();
                }
            }

            /** On the application executor: finds out what is owed (data, end, failure) and says it. */
            private void deliverOwed() {
                ReadListener l;
                synchronized (UpgradedConnection.this) {
                    if (!dataAvailableOwed || ended || closing) return;
                    if (!inputBuffer.hasRemaining() && !eof && failure == null) fillBuffer();
                    if (failure != null) {
                        endWithError();
                        return;
                    }
                    if (!inputBuffer.hasRemaining()) {
                        if (eof) endIfAllRead();
                        else demand(); // woken, yet nothing to read: wait again, no spinning
                        return;
                    }
                    dataAvailableOwed = false;
                    l = listener;
                }
                callListener(l::onDataAvailable, l);
            }

            /** Queues onAllDataRead once all data has been read and the stream is at EOF. */
            private void endIfAllRead() {
                if (listener == null || ended || !eof || inputBuffer.hasRemaining()) return;
                ended = true;
                dataAvailableOwed = false;
                ReadListener l = listener;
                call(l::onAllDataRead, l::onError);
            }

            /** Queues onError once; read() throws from now on. */
            private void endWithError() {
                UpgradedConnection.this.notifyAll();
                if (listener == null || ended || closing) return;
                ended = true;
                dataAvailableOwed = false;
                ReadListener l = listener;
                Throwable cause = failure;
                call(() -> l.onError(cause), t -> { });
            }

            /** Runs a read callback now (we are on the application executor already). */
            private void callListener(ListenerCall c, ReadListener l) {
                try {
                    c.run();
                } catch (Throwable t) {
                    synchronized (UpgradedConnection.this) {
                        ended = true;
                    }
                    try {
                        l.onError(t);
                    } catch (Throwable again) {
                        t.addSuppressed(again);
                    }
                    LOG.log(Level.DEBUG, "ReadListener failed; closing the connection", t);
                    getEndPoint().close(t);
                }
            }
        }

        /**
         * The upgraded output: one write in flight at most. A write first goes straight to the
         * socket from the caller's array (no copy); only what the socket does not take at once is
         * copied, since the caller may reuse its array as soon as write returns, and handed to
         * Jetty to finish when the socket drains.
         */
        private final class Output extends ServletOutputStream {
            private final Callback writeCallback = new NonBlockingCallback() {
                @Override
                public void succeeded() {
                    onWriteDone(null);
                }

                @Override
                public void failed(Throwable cause) {
                    onWriteDone(cause);
                }
            };
            private WriteListener listener;
            /** A write is in flight (Jetty holds a copy of its remaining bytes). */
            boolean pending;
            /** isReady() said false: onWritePossible is owed when the write completes. */
            private boolean writePossibleOwed;
            private boolean shutdown;
            private boolean errorSent;
            private Throwable failure;

            @Override
            public boolean isReady() {
                synchronized (UpgradedConnection.this) {
                    if (!pending) return true; // also after a failure: the next write throws it
                    writePossibleOwed = true;
                    return false;
                }
            }

            @Override
            public void setWriteListener(WriteListener writeListener) {
                if (writeListener == null) throw new NullPointerException("writeListener");
                synchronized (UpgradedConnection.this) {
                    if (listener != null) throw new IllegalStateException("the WriteListener is already set");
                    listener = writeListener;
                    if (failure != null) {
                        sendError();
                    } else if (pending) {
                        writePossibleOwed = true;
                    } else {
                        call(writeListener::onWritePossible, writeListener::onError);
                    }
                }
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                write(ByteBuffer.wrap(b, off, len));
            }

            /**
             * Servlet 6.1's write: a direct buffer goes to the socket as it is, without the JDK's
             * copy of a heap buffer into direct memory. On return the buffer has been consumed.
             */
            @Override
            public void write(ByteBuffer bytes) throws IOException {
                synchronized (UpgradedConnection.this) {
                    if (pending) {
                        if (listener != null) throw new IllegalStateException("write() while isReady() is false");
                        awaitWrite();
                    }
                    checkWritable();
                    if (!bytes.hasRemaining()) return;
                    try {
                        if (getEndPoint().flush(bytes)) return;
                    } catch (IOException e) {
                        fail(e);
                        throw e;
                    }
                    // The socket is full: Jetty finishes the write when it drains, from a copy.
                    ByteBuffer rest = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
                    pending = true;
                    getEndPoint().write(writeCallback, rest);
                    if (listener == null) awaitWrite(); // blocking mode
                }
            }

            /** Nothing to do: write hands everything to the socket or to Jetty. Blocking mode waits for it. */
            @Override
            public void flush() throws IOException {
                synchronized (UpgradedConnection.this) {
                    if (listener == null && pending) awaitWrite();
                    if (failure != null) throw new IOException("upgraded connection failed", failure);
                }
            }

            /** Half-closes the connection (FIN) once a write in flight completes; reading goes on. */
            @Override
            public void close() {
                synchronized (UpgradedConnection.this) {
                    if (shutdown) return;
                    shutdown = true;
                    if (pending) return;
                }
                getEndPoint().shutdownOutput();
            }

            private void checkWritable() throws IOException {
                if (failure != null) throw new IOException("upgraded connection failed", failure);
                if (shutdown || closing || closed) throw new ClosedChannelException();
            }

            private void awaitWrite() throws IOException {
                while (pending && !closed) awaitSignal();
                checkWritable();
            }

            private void onWriteDone(Throwable cause) {
                boolean shutdownNow;
                boolean closeNow;
                synchronized (UpgradedConnection.this) {
                    pending = false;
                    UpgradedConnection.this.notifyAll();
                    if (cause != null) {
                        fail(cause);
                        shutdownNow = false;
                        closeNow = false;
                    } else {
                        shutdownNow = shutdown;
                        closeNow = closing;
                        if (writePossibleOwed && listener != null && !closing) {
                            writePossibleOwed = false;
                            WriteListener l = listener;
                            call(l::onWritePossible, l::onError);
                        }
                    }
                }
                if (closeNow) {
                    getEndPoint().close();
                } else if (shutdownNow) {
                    getEndPoint().shutdownOutput();
                } else if (cause != null) {
                    getEndPoint().close(cause);
                }
            }

            /** The connection closed under us: a listener waiting to write learns why. */
            void onClosed(Throwable cause) {
                synchronized (UpgradedConnection.this) {
                    if (failure == null) failure = cause;
                    if (pending || writePossibleOwed) sendError();
                }
            }

            private void fail(Throwable cause) {
                if (failure == null) failure = cause;
                sendError();
            }

            private void sendError() {
                if (listener == null || errorSent || closing) return;
                errorSent = true;
                writePossibleOwed = false;
                WriteListener l = listener;
                Throwable cause = failure;
                call(() -> l.onError(cause), t -> { });
            }
        }

        /** Waits (in blocking mode only) for a fill, a write completion or the close to notify. */
        private void awaitSignal() throws InterruptedIOException {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while blocked on an upgraded connection");
            }
        }
    }
}
