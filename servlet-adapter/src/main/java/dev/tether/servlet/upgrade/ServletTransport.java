package dev.tether.servlet.upgrade;

import dev.tether.api.ConnectionClosedException;
import dev.tether.runtime.Transport;
import dev.tether.servlet.io.InboundPump;
import dev.tether.servlet.io.NonBlockingWriter;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connection's {@link Transport} over a container's upgraded connection: the non-blocking servlet
 * streams, read by an {@link InboundPump} and written by a {@link NonBlockingWriter}, closed the way
 * {@link ContainerUpgrade} closes them on each container.
 */
public final class ServletTransport implements Transport {
    private final WebConnection connection;
    private final int readBufferSize;
    private final int readsPerYield;
    private final boolean writesDirectBuffers;
    private volatile Inbound inbound;
    private volatile InboundPump pump;
    private volatile NonBlockingWriter writer;

    /**
     * @param readsPerYield       reads after which the reading thread yields the CPU; 0 for never
     * @param writesDirectBuffers whether the container's stream writes direct buffers without a copy
     */
    public ServletTransport(WebConnection connection, int readBufferSize, int readsPerYield, boolean writesDirectBuffers) {
        this.connection = connection;
        this.readBufferSize = readBufferSize;
        this.readsPerYield = readsPerYield;
        this.writesDirectBuffers = writesDirectBuffers;
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

    @Override
    public boolean writesDirectBuffers() {
        return writesDirectBuffers;
    }

    @Override
    public void close() {
        ContainerUpgrade.close(connection);
    }

    @Override
    public void abort() {
        ContainerUpgrade.closeNow(connection);
    }

    /** The container is done with the connection (it closed, or the application is stopping). */
    void destroyed() {
        Inbound in = inbound;
        if (in != null) {
            in.onFailure(new ConnectionClosedException("the container closed the connection"));
        }
    }
}
