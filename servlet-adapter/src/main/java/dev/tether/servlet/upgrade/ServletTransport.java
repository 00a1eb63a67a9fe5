package dev.tether.servlet.upgrade;

import dev.tether.api.ConnectionClosedException;
import dev.tether.runtime.Transport;
import dev.tether.servlet.io.InboundPump;
import dev.tether.servlet.io.NonBlockingWriter;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connection's {@link Transport} over a container's upgraded connection (the portable path of
 * {@link ContainerUpgrade}): the non-blocking servlet streams, read by an {@link InboundPump} and
 * written by a {@link NonBlockingWriter}. The streams take arrays, so a direct buffer is copied.
 */
public final class ServletTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(ServletTransport.class.getName());
    private final WebConnection connection;
    private final int readBufferSize;
    private final int readTurnBytes;
    private volatile Inbound inbound;
    /** The container's destroy() came; set before {@link #inbound} is read, as start() sets it before reading this. */
    private volatile boolean destroyed;
    private volatile InboundPump pump;
    private volatile NonBlockingWriter writer;
    private final ClosingAfterWrite write = new ClosingAfterWrite();

    /** @param readTurnBytes bytes read after which the reading thread yields the CPU (see {@link InboundPump}) */
    public ServletTransport(WebConnection connection, int readBufferSize, int readTurnBytes) {
        this.connection = connection;
        this.readBufferSize = readBufferSize;
        this.readTurnBytes = readTurnBytes;
    }

    @Override
    public void start(Inbound in) {
        this.inbound = in;
        if (destroyed) { // the container gave the connection up before it started: no listener on it
            in.onFailure(new ConnectionClosedException("the container closed the connection before it started"));
            return;
        }
        NonBlockingWriter w = new NonBlockingWriter(error -> {
            write.abandoned(); // the write in progress never completes: a close waiting for it happens now
            in.onFailure(error);
        });
        InboundPump p = new InboundPump(in, readBufferSize, readTurnBytes);
        this.writer = w;
        this.pump = p;
        try {
            w.start(connection.getOutputStream());
            p.start(connection.getInputStream());
        } catch (IOException | RuntimeException e) {
            in.onFailure(e);
        }
    }

    @Override
    public void demand() {
        InboundPump p = pump;
        if (p != null) {
            p.pump();
        }
    }

    @Override
    public void write(ByteBuffer[] buffers, WriteCallback callback) {
        writer.write(buffers, write.begin(callback));
    }

    /** Closes the connection once a write in progress has completed (at once when none is), as {@link #closeNow}. */
    @Override
    public void close() {
        if (write.closeWhenWritten()) {
            return;
        }
        closeNow();
    }

    /**
     * Closes the connection now: the container's close, and on Tomcat its socket too (see
     * {@link TomcatSocketCloser}), since a silent peer would otherwise keep it open. Quiet: failures
     * are logged at DEBUG, never thrown.
     */
    private void closeNow() {
        NonBlockingWriter w = writer;
        if (w != null) {
            w.stop(); // no thread is inside the container's stream once it is closed
        }
        try {
            connection.close();
            TomcatSocketCloser.closeSocket(connection);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an upgraded connection", e);
        }
    }

    /** Drops the connection now, even with a write in progress; on Tomcat its socket is closed directly. */
    @Override
    public void abort() {
        closeNow();
    }

    /** The write in progress, and a close that waits for it. */
    private final class ClosingAfterWrite implements WriteCallback {
        private WriteCallback callback;
        private boolean closeWhenWritten;

        synchronized WriteCallback begin(WriteCallback done) {
            callback = done;
            return this;
        }

        /** Whether a write is in progress: the connection is then closed when it completes. */
        synchronized boolean closeWhenWritten() {
            closeWhenWritten = callback != null;
            return closeWhenWritten;
        }

        @Override
        public void written() {
            WriteCallback done = end();
            if (done != null) {
                done.written();
            }
        }

        @Override
        public void failed(Throwable error) {
            WriteCallback done = end();
            if (done != null) {
                done.failed(error);
            }
        }

        /** The writer failed: its write will never complete. */
        void abandoned() {
            end();
        }

        /** The write is over: closes the connection if a close waits for it; returns its callback. */
        private WriteCallback end() {
            WriteCallback done;
            boolean close;
            synchronized (this) {
                done = callback;
                close = closeWhenWritten;
                callback = null;
                closeWhenWritten = false;
            }
            if (close) {
                closeNow();
            }
            return done;
        }
    }

    /** The container is done with the connection (it closed, or the application is stopping). */
    void destroyed() {
        destroyed = true;
        Inbound in = inbound;
        if (in != null) {
            in.onFailure(new ConnectionClosedException("the container closed the connection"));
        }
    }
}
