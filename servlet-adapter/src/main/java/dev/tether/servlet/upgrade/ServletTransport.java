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
    private final int readsPerYield;
    private volatile Inbound inbound;
    private volatile InboundPump pump;
    private volatile NonBlockingWriter writer;

    /** @param readsPerYield reads after which the reading thread yields the CPU; 0 for never */
    public ServletTransport(WebConnection connection, int readBufferSize, int readsPerYield) {
        this.connection = connection;
        this.readBufferSize = readBufferSize;
        this.readsPerYield = readsPerYield;
    }

    @Override
    public void start(Inbound in) {
        this.inbound = in;
        NonBlockingWriter w = new NonBlockingWriter(in::onFailure);
        InboundPump p = new InboundPump(in, readBufferSize, readsPerYield);
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
        writer.write(buffers, callback);
    }

    /**
     * Closes the connection, whose output has all been written: the container's close, and on Tomcat
     * its socket too (see {@link TomcatSocketCloser}), since a silent peer would otherwise keep it
     * open. Quiet: failures are logged at DEBUG, never thrown.
     */
    @Override
    public void close() {
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
        close();
    }

    /** The container is done with the connection (it closed, or the application is stopping). */
    void destroyed() {
        Inbound in = inbound;
        if (in != null) {
            in.onFailure(new ConnectionClosedException("the container closed the connection"));
        }
    }
}
