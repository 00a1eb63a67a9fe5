package dev.tether.runtime.connection;

import dev.tether.runtime.Transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/** A transport the test drives by hand: writes wait for {@link #completeWrite()} unless {@code writesAtOnce}. */
final class FakeTransport implements Transport {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final List<String> calls = new ArrayList<>();
    boolean writesAtOnce;
    /** Runs when the connection starts the transport, before the transport takes its inbound. */
    Runnable onStart = () -> { };
    Inbound inbound;
    volatile int demands;
    /** The thread each demand came on. */
    final List<Thread> demandThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** A permit per demand, for tests that wait for one on another thread. */
    final Semaphore demanded = new Semaphore(0);
    /** A permit per write. */
    final Semaphore wrote = new Semaphore(0);
    /** The thread each write came on. */
    final List<Thread> writeThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private WriteCallback pending;

    @Override
    public void start(Inbound in) {
        onStart.run();
        this.inbound = in;
        calls.add("start");
    }

    @Override
    public void demand() {
        demandThreads.add(Thread.currentThread());
        demands++;
        demanded.release();
    }

    @Override
    public void write(ByteBuffer[] buffers, WriteCallback callback) {
        for (ByteBuffer b : buffers) {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            written.writeBytes(bytes);
        }
        writeThreads.add(Thread.currentThread());
        wrote.release();
        if (writesAtOnce) {
            callback.written();
        } else {
            pending = callback;
        }
    }

    /** The socket took the write in progress. */
    void completeWrite() {
        WriteCallback callback = pending;
        pending = null;
        callback.written();
    }

    /** The write in progress failed. */
    void failWrite(Throwable error) {
        WriteCallback callback = pending;
        pending = null;
        callback.failed(error);
    }

    boolean writing() {
        return pending != null;
    }

    /** What was written, then forgotten. */
    byte[] take() {
        byte[] bytes = written.toByteArray();
        written.reset();
        return bytes;
    }

    @Override
    public void close() {
        calls.add("close");
    }

    @Override
    public void abort() {
        calls.add("abort");
    }
}
