package dev.tether.servlet.io;

import dev.tether.runtime.Transport;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a connection's input only while its owner wants bytes and the container
 * {@link ServletInputStream#isReady() has them}: demand-driven, so a paused or backed-up connection
 * leaves data in the socket and TCP pushes back on the peer. When the owner stops wanting input
 * the container is not asked for more, so {@link #pump()} must be called when it wants it again.
 *
 * <p>Reads go into a per-thread buffer: the owner consumes each chunk before {@link Transport.Inbound#onInput}
 * returns, so an idle connection holds no read buffer at all. A thread's buffer is taken at its
 * first read (not when the container merely reports the connection) and starts at 4 KiB, doubling up
 * to the connection's buffer size each time a read fills it: a container runs up to hundreds of
 * threads, and only those that meet bulk input should hold the full size.
 *
 * <p>After every {@code readTurnBytes} the pumping thread yields the CPU. A connection whose peer
 * keeps sending never finds its input empty, so it keeps its thread and reads straight from the
 * socket; the container's selector, the one thread that notices the other connections' data, then
 * gets a slice of the CPU only among all those busy threads, and the others wait. The container
 * routes end such a turn by queueing the next one on the container's executor; the servlet API has
 * no way to ask the container for another {@code onDataAvailable} while input is ready, so here the
 * thread yields instead.
 *
 * <p>The peer's FIN is an end of input however the container reports it: {@code read} returning -1,
 * {@code onAllDataRead}, a stream that is {@link ServletInputStream#isFinished() finished}, or an
 * {@link EOFException} (Tomcat hands one to {@code onError} from inside {@code isReady()}, or throws
 * it from {@code read}). It is never a failure: a half-closed peer still gets what is queued for it.
 */
public final class InboundPump implements ReadListener {

    private static final ThreadLocal<byte[]> BUFFERS = new ThreadLocal<>();
    static final int FIRST_BUFFER = 4 * 1024;

    private final Transport.Inbound sink;
    private final int bufferSize;
    private final int readTurnBytes;
    private final Runnable yielder;
    /** Bytes read since the last yield; only touched by the thread pumping. */
    private int bytesThisTurn;
    private final AtomicInteger wip = new AtomicInteger();
    private volatile ServletInputStream in;
    /** The end or a failure was reported; the container may report one while another thread pumps. */
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The container said the input ended; {@link #end()} follows once what it still holds is read. */
    private volatile boolean endReported;

    /** @param readTurnBytes bytes read after which the pumping thread yields the CPU, at least 1 */
    public InboundPump(Transport.Inbound sink, int bufferSize, int readTurnBytes) {
        this(sink, bufferSize, readTurnBytes, Thread::yield);
    }

    /** With the yield made visible, for tests. */
    InboundPump(Transport.Inbound sink, int bufferSize, int readTurnBytes, Runnable yielder) {
        if (readTurnBytes < 1) {
            throw new IllegalArgumentException("readTurnBytes must be at least 1: " + readTurnBytes);
        }
        this.sink = sink;
        this.bufferSize = bufferSize;
        this.readTurnBytes = readTurnBytes;
        this.yielder = yielder;
    }

    /** Starts reading from {@code stream}; the container then calls {@link #onDataAvailable()}. */
    public void start(ServletInputStream stream) {
        this.in = stream;
        stream.setReadListener(this);
    }

    @Override
    public void onDataAvailable() {
        pump();
    }

    @Override
    public void onAllDataRead() {
        endReported();
    }

    @Override
    public void onError(Throwable error) {
        if (error instanceof EOFException) {
            endReported();
        } else if (ended.compareAndSet(false, true)) {
            sink.onFailure(error);
        }
    }

    /**
     * Reads while wanted and available. Safe from any thread: a call made while another thread is
     * pumping makes that thread go round once more instead of reading concurrently.
     */
    public void pump() {
        if (in == null || wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        Error fatal = null;
        do {
            Error error = readWhileReady();
            if (fatal == null) fatal = error;
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
        if (fatal != null) {
            throw fatal; // the input is failed and the claim given back; the container should still see it
        }
    }

    /** Reads what it may; an Error from the connection fails the input and is returned, to be thrown once the claim is back. */
    private Error readWhileReady() {
        ServletInputStream stream = in;
        byte[] buffer = null;
        bytesThisTurn = 0; // a run of the pump is a turn: the container called, or the connection asked again
        try {
            while (!ended.get() && sink.wantsInput()) {
                if (!stream.isReady()) {
                    // not after a failure isReady() reported: Tomcat's stream is then finished too
                    if (!ended.get() && (endReported || stream.isFinished())) {
                        end();
                    }
                    return null;
                }
                if (buffer == null) {
                    buffer = buffer();
                }
                int limit = Math.min(buffer.length, bufferSize);
                int n = stream.read(buffer, 0, limit);
                if (n < 0) {
                    end();
                    return null;
                }
                if (n > 0) {
                    sink.onInput(ByteBuffer.wrap(buffer, 0, n));
                    if (n == limit && limit < bufferSize) {
                        buffer = grown(limit); // consumed: the old array may go
                    }
                    bytesThisTurn += n;
                    if (bytesThisTurn >= readTurnBytes) {
                        bytesThisTurn = 0;
                        yielder.run();
                    }
                }
            }
        } catch (EOFException e) {
            end(); // thrown by this read: whatever came before it has been read
        } catch (IOException | RuntimeException e) {
            onError(e);
        } catch (Error e) {
            onError(e);
            return e;
        }
        return null;
    }

    /**
     * The container reported the end of input by itself (Tomcat's dispatch may, while bytes it read
     * ahead still wait for us): it is passed on once those bytes have been read, in order, by the
     * pumping thread; while the owner wants no input (paused), it waits behind them.
     */
    private void endReported() {
        endReported = true;
        pump();
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            sink.onEndOfInput();
        }
    }

    private byte[] buffer() {
        byte[] buffer = BUFFERS.get();
        if (buffer == null) {
            buffer = new byte[Math.min(FIRST_BUFFER, bufferSize)];
            BUFFERS.set(buffer);
        }
        return buffer;
    }

    private byte[] grown(int filled) {
        byte[] buffer = new byte[(int) Math.min(2L * filled, bufferSize)];
        BUFFERS.set(buffer);
        return buffer;
    }

    /** The size of the read buffer the calling thread holds, 0 for none: for tests. */
    static int bufferHeldByThisThread() {
        byte[] buffer = BUFFERS.get();
        return buffer == null ? 0 : buffer.length;
    }
}
