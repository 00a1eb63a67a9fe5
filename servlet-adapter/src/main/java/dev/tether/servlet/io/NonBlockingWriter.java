package dev.tether.servlet.io;

import dev.tether.runtime.Output;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;

/**
 * Writes to a {@link ServletOutputStream} in non-blocking mode: each {@link #write} goes out while the
 * container says {@link ServletOutputStream#isReady()}, is flushed (a buffering stream, as an async
 * response's, would otherwise keep the bytes), and is reported written once the container is ready
 * again, i.e. when its bytes have left for the socket.
 *
 * <p>A write of several small buffers is copied into one array first: each write to the stream can be
 * a system call. Any other buffer goes as it is, one per readiness check (a write may leave the
 * stream not ready, and writing again then is illegal); a direct one without a copy where the stream
 * implements Servlet 6.1's {@code write(ByteBuffer)} itself.
 */
public final class NonBlockingWriter implements Output, WriteListener {
    /** Writes up to this many bytes in several buffers are copied into one. */
    static final int BATCH_BYTES = 16 * 1024;
    /**
     * Where small buffers are gathered: per thread, not per connection, so idle connections hold
     * none. A container may keep the array it was handed until it reports ready again (Jetty does,
     * unsent, for a write above its aggregation size while the socket is full); the thread then
     * leaves the array to that connection and takes a spare, and the connection gives it back to the
     * spares once the container is done with it.
     */
    private static final ThreadLocal<byte[]> BATCH = ThreadLocal.withInitial(NonBlockingWriter::spareBatch);
    /** Batch arrays containers are done with, for threads that left theirs to a connection; bounded. */
    private static final ArrayBlockingQueue<byte[]> SPARE_BATCHES = new ArrayBlockingQueue<>(64);
    private static final String UNDERTOW_PACKAGE = "io.undertow.";
    private static final System.Logger LOG = System.getLogger(NonBlockingWriter.class.getName());
    /**
     * Whether a stream class writes a direct buffer as it is: it implements Servlet 6.1's
     * {@code write(ByteBuffer)} itself (the API's default copies into a new array, as we would).
     */
    private static final ClassValue<Boolean> WRITES_BUFFERS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> stream) {
            try {
                ServletOutputStream.class.getMethod("write", ByteBuffer.class); // absent before Servlet 6.1
                return stream.getMethod("write", ByteBuffer.class).getDeclaringClass() != ServletOutputStream.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    private final Consumer<Throwable> failures;
    private final Object writing = new Object();
    // Guarded by writing.
    private ServletOutputStream out;
    private boolean outWritesBuffers;
    /** The write in progress, its next buffer and its callback; null when none. */
    private ByteBuffer[] buffers;
    private int next;
    private WriteCallback callback;
    private boolean unflushed;
    /** isReady() said false: until onWritePossible, there is nothing to do. */
    private boolean awaitingWritePossible;
    /** A batch array the container still holds, given back to the spares when it reports ready. */
    private byte[] batchHeldByContainer;
    private boolean failed;

    /** @param failures told when the container reports a failure or a write throws; the connection is then broken */
    public NonBlockingWriter(Consumer<Throwable> failures) {
        this.failures = failures;
    }

    /**
     * Readies a response for a writer, before its output stream is taken. On Undertow, a non-blocking
     * {@code flush()} leaves what the socket did not take in the stream's buffer, still reporting
     * ready and with nothing armed to write it later: the bytes would wait for the next write. With a
     * one-byte buffer every write goes to the socket, and what the socket does not take makes the
     * stream not ready until its write listener has written it. Other containers are left as they are.
     *
     * @param response the response, not yet committed
     */
    public static void prepare(ServletResponse response) {
        ServletResponse container = response;
        while (container instanceof ServletResponseWrapper wrapper) container = wrapper.getResponse();
        if (container.getClass().getName().startsWith(UNDERTOW_PACKAGE) && !response.isCommitted()) {
            try {
                response.setBufferSize(1);
            } catch (IllegalStateException written) { // a filter wrote first: the stream keeps its buffer
                LOG.log(System.Logger.Level.WARNING, "cannot unbuffer this Undertow response (content was written before"
                        + " the stream started): an event may reach a slow client only with the next one", written);
            }
        }
    }

    /**
     * Starts writing to {@code stream}; the container then calls {@link #onWritePossible()}. Nothing,
     * if the writer was stopped first (the response may be completed and recycled already).
     */
    public void start(ServletOutputStream stream) {
        synchronized (writing) {
            if (failed) {
                return;
            }
            this.out = stream;
            this.outWritesBuffers = WRITES_BUFFERS.get(stream.getClass());
            stream.setWriteListener(this); // under the lock: a stop() meanwhile waits for it
        }
    }

    @Override
    public void write(ByteBuffer[] toWrite, WriteCallback done) {
        synchronized (writing) {
            buffers = toWrite;
            next = 0;
            callback = done;
        }
        run();
    }

    @Override
    public void onWritePossible() {
        synchronized (writing) {
            awaitingWritePossible = false;
        }
        run();
    }

    @Override
    public void onError(Throwable error) {
        fail(error);
    }

    private void run() {
        WriteCallback done = null;
        Throwable error = null;
        // This thread's batch array went to the container with the last write.
        boolean batchHandedOver = false;
        synchronized (writing) {
            if (out == null || awaitingWritePossible || failed) {
                return;
            }
            try {
                while (true) {
                    if (!out.isReady()) {
                        if (batchHandedOver) {
                            // Still writing it: the array is the container's until then, never to be
                            // gathered into again (another connection's batch would replace its bytes).
                            batchHeldByContainer = BATCH.get();
                            BATCH.remove();
                        }
                        // The container owes us onWritePossible now; asking again before it is wasted
                        // (and not free: Jetty takes a lock), so writes wait for it.
                        awaitingWritePossible = true;
                        break;
                    }
                    batchHandedOver = false; // ready: done with it, the array can be gathered into again
                    if (batchHeldByContainer != null) {
                        SPARE_BATCHES.offer(batchHeldByContainer); // dropped when there are spares enough
                        batchHeldByContainer = null;
                    }
                    if (buffers == null) {
                        break;
                    }
                    if (next < buffers.length) {
                        // Decided before writing: a write that throws may still hold the array.
                        batchHandedOver = next == 0 && fitsOneBatch(buffers);
                        writeNext(batchHandedOver);
                        unflushed = true;
                    } else if (unflushed) {
                        unflushed = false;
                        out.flush();
                    } else { // written, flushed, and the container ready again: the bytes have left
                        done = callback;
                        buffers = null;
                        callback = null;
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                error = e;
                failed = true;
                if (batchHandedOver) {
                    BATCH.remove(); // the failed write may still hold it: left to the collector
                }
                batchHeldByContainer = null;
            }
        }
        if (error != null) {
            failures.accept(error);
        } else if (done != null) {
            done.written();
        }
    }

    /** Whether several buffers are small enough together to be copied into one batch. */
    private static boolean fitsOneBatch(ByteBuffer[] buffers) {
        if (buffers.length < 2) {
            return false;
        }
        long total = 0;
        for (ByteBuffer b : buffers) {
            total += b.remaining();
        }
        return total <= BATCH_BYTES;
    }

    /** Under the lock: writes all the buffers copied into this thread's batch array, or the next one. */
    private void writeNext(boolean asBatch) throws IOException {
        if (asBatch) {
            byte[] batch = BATCH.get();
            int at = 0;
            for (ByteBuffer b : buffers) {
                int n = b.remaining();
                b.duplicate().get(batch, at, n);
                at += n;
            }
            next = buffers.length;
            out.write(batch, 0, at);
            return;
        }
        ByteBuffer buffer = buffers[next++];
        if (buffer.hasArray()) {
            out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        } else if (outWritesBuffers) {
            out.write(buffer.duplicate());
        } else {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            out.write(copy);
        }
    }

    /**
     * The output is over: the response is about to be completed or the connection closed. Once this
     * returns, the stream is never touched again, not even by a write in progress on another thread,
     * which has left it by then: a container recycles a completed response's stream for its next
     * request, so a late write would reach another client's response. The owner fails what the write
     * in progress carried; its callback is never called.
     */
    public void stop() {
        synchronized (writing) {
            failed = true;
            out = null;
            buffers = null;
            callback = null;
            batchHeldByContainer = null; // the container may still hold it: left to the collector
        }
    }

    /** The connection broke: the write in progress is dropped (the owner fails what it carried). */
    private void fail(Throwable error) {
        synchronized (writing) {
            if (failed) {
                return;
            }
            failed = true;
            buffers = null;
            callback = null;
            batchHeldByContainer = null; // the container may still hold it: left to the collector
        }
        failures.accept(error);
    }

    /** Whether {@code array} waits among the spares: for tests. */
    static boolean isSpareBatch(byte[] array) {
        return SPARE_BATCHES.contains(array);
    }

    private static byte[] spareBatch() {
        byte[] spare = SPARE_BATCHES.poll();
        return spare != null ? spare : new byte[BATCH_BYTES];
    }
}
