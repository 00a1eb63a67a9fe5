package dev.tether.servlet.io;

import dev.tether.driver.WireOutput.Kind;
import dev.tether.runtime.Output;
import dev.tether.runtime.io.OutboundQueue;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.tether.servlet.io.NonBlockingWriter.BATCH_BYTES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The non-blocking writer against a servlet stream whose readiness the test controls. */
class NonBlockingWriterTest {

    /** What happened, in order: the stream's writes and flushes, and the writes reported written. */
    private final List<String> events = new ArrayList<>();

    /** A container's non-blocking stream: accepts a write while ready, then may turn not ready. */
    class FakeStream extends ServletOutputStream {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean ready = true;
        boolean notReadyAfterEachWrite;
        boolean notReadyAfterFlush;
        /**
         * Like Jetty for a write it does not aggregate while the socket is full: the caller's array
         * is kept, not copied, and read only when the write completes ({@link #becomeReady()}).
         */
        boolean keepsArrays;
        /** Thrown by the next write or flush: the peer is gone. */
        IOException writeFails;
        IOException flushFails;
        private byte[] held;
        private int heldOffset;
        private int heldLength;
        WriteListener listener;
        /** The arrays written, as given. */
        final List<byte[]> arrays = new ArrayList<>();
        int writes;
        int flushes;
        int isReadyCalls;

        @Override
        public boolean isReady() {
            isReadyCalls++;
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            this.listener = writeListener;
        }

        @Override
        public void write(int b) {
            throw new AssertionError("a byte at a time");
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!ready) {
                throw new AssertionError("write while not ready"); // not an IOException: no writer may catch it
            }
            writes++;
            arrays.add(b);
            events.add("write " + len);
            if (writeFails != null) {
                throw writeFails;
            }
            if (keepsArrays) {
                held = b;
                heldOffset = off;
                heldLength = len;
                ready = false;
                return;
            }
            written.write(b, off, len);
            if (notReadyAfterEachWrite) {
                ready = false;
            }
        }

        @Override
        public void flush() throws IOException {
            if (!ready) {
                throw new AssertionError("flush while not ready");
            }
            flushes++;
            events.add("flush");
            if (flushFails != null) {
                throw flushFails;
            }
            if (notReadyAfterFlush) {
                ready = false;
            }
        }

        /** The container finished writing (only now reading a kept array) and calls back. */
        void becomeReady() {
            if (held != null) {
                written.write(held, heldOffset, heldLength);
                held = null;
            }
            ready = true;
            try {
                listener.onWritePossible();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** A write's callback: counts the writes reported written. */
    private final class Callback implements Output.WriteCallback {
        int written;

        @Override
        public void written() {
            written++;
            events.add("written");
        }

        @Override
        public void failed(Throwable error) {
            throw new AssertionError("the writer tells its failure consumer, not the callback", error);
        }
    }

    private final List<Throwable> failures = new ArrayList<>();
    private final NonBlockingWriter writer = new NonBlockingWriter(failures::add);

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    /** {@code size} bytes, each {@code value}. */
    private static ByteBuffer filled(int size, int value) {
        byte[] array = new byte[size];
        Arrays.fill(array, (byte) value);
        return ByteBuffer.wrap(array);
    }

    /** Ten small buffers, as the queue gathers ten small frames: three bytes each, the last {@code first + i}. */
    private static ByteBuffer[] tenSmallFrames(char first) {
        ByteBuffer[] frames = new ByteBuffer[10];
        for (int i = 0; i < 10; i++) {
            frames[i] = bytes(0x81, 1, first + i);
        }
        return frames;
    }

    private static void assertTenSmallFrames(char first, byte[] written) {
        assertEquals(30, written.length);
        for (int i = 0; i < 10; i++) {
            assertEquals(first + i, written[i * 3 + 2], "frame " + i);
        }
    }

    private FakeStream started() {
        FakeStream out = new FakeStream();
        writer.start(out);
        return out;
    }

    // ---- readiness

    @Test
    @DisplayName("nothing is written before the stream is handed over; the container's onWritePossible then writes it")
    void writesAfterStart() {
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{bytes(1, 2)}, done);
        FakeStream out = new FakeStream();
        writer.start(out);
        assertSame(writer, out.listener);
        assertEquals(0, out.writes);

        out.becomeReady();
        assertArrayEquals(new byte[]{1, 2}, out.written.toByteArray());
        assertEquals(List.of("write 2", "flush", "written"), events);
    }

    @Test
    @DisplayName("to a stream that stays ready, a write is written, flushed and reported written before write returns")
    void writtenAtOnceWhileReady() {
        FakeStream out = started();
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{bytes(1, 2, 3)}, done);
        assertEquals(1, done.written);
        assertEquals(List.of("write 3", "flush", "written"), events);
        assertTrue(failures.isEmpty());
        assertArrayEquals(new byte[]{1, 2, 3}, out.written.toByteArray());
    }

    @Test
    @DisplayName("a write is reported written only once the container is ready again after it, and only once")
    void reportedWrittenOnceReadyAgain() {
        FakeStream out = started();
        out.notReadyAfterEachWrite = true;
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{bytes(1)}, done);
        assertEquals(0, done.written, "the container took it, but has not sent it yet");

        out.becomeReady();
        assertEquals(1, done.written);
        assertEquals(List.of("write 1", "flush", "written"), events);
        out.becomeReady(); // nothing more to do
        assertEquals(1, done.written);
    }

    // ---- stopping: a completed response's stream is recycled by the container for another request

    @Test
    @DisplayName("once stopped, the stream is never touched again: not by a late onWritePossible, not by a write")
    void stoppedStreamIsNeverTouched() {
        FakeStream out = started();
        out.notReadyAfterEachWrite = true;
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{bytes(1)}, done);
        writer.stop();
        int calls = out.isReadyCalls + out.writes + out.flushes;

        out.ready = true;
        try {
            out.listener.onWritePossible();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        writer.write(new ByteBuffer[]{bytes(2)}, new Callback());

        assertEquals(calls, out.isReadyCalls + out.writes + out.flushes, "no call on the stream after stop()");
        assertEquals(0, done.written, "the owner fails what the write carried; its callback is not called");
        assertEquals(List.of(), failures);
    }

    @Test
    @DisplayName("a writer stopped before it started never registers with the stream")
    void stoppedBeforeStartNeverTouchesTheStream() {
        writer.stop(); // the client went away and the response was completed before the glue started writing
        FakeStream out = new FakeStream();
        writer.start(out);
        assertEquals(null, out.listener, "no write listener on a completed (recycled) response");
    }

    @Test
    @DisplayName("stop() returns only once a write in progress on another thread has left the stream")
    void stopWaitsForTheWriteInProgress() throws Exception {
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean stillInside = new AtomicBoolean();
        FakeStream out = new FakeStream() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                stillInside.set(true);
                inWrite.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.write(b, off, len);
                stillInside.set(false);
            }
        };
        writer.start(out);
        Thread writing = new Thread(() -> writer.write(new ByteBuffer[]{bytes(1)}, new Callback()));
        writing.start();
        assertTrue(inWrite.await(10, TimeUnit.SECONDS));
        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> {
            writer.stop();
            return stillInside.get();
        });
        assertFalse(stopped.isDone(), "stop() waits while the other thread is inside the stream");
        release.countDown();
        assertFalse(stopped.get(10, TimeUnit.SECONDS), "stop() returned after the write left the stream");
        writing.join(10_000);
    }

    @Test
    @DisplayName("a write to a stream that is not ready waits for the container's onWritePossible")
    void waitsWhileNotReady() {
        FakeStream out = started();
        out.ready = false;
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{bytes(1)}, done);
        assertEquals(0, out.writes);
        assertEquals(0, done.written);

        out.becomeReady();
        assertArrayEquals(new byte[]{1}, out.written.toByteArray());
        assertEquals(1, done.written);
    }

    @Test
    @DisplayName("one buffer per readiness check: a frame's header and large payload are written with a check between them")
    void oneBufferPerReadyCheck() {
        FakeStream out = started();
        out.notReadyAfterEachWrite = true; // a write while not ready fails the test: this proves the check
        ByteBuffer header = bytes(0x82, 0x7E, 0x4E, 0x20);
        ByteBuffer payload = filled(20_000, 7);
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{header, payload}, done);
        assertEquals(List.of("write 4"), events);

        out.becomeReady();
        assertEquals(List.of("write 4", "write 20000"), events);
        assertEquals(0, done.written);
        out.becomeReady();
        assertEquals(List.of("write 4", "write 20000", "flush", "written"), events);
        assertEquals(20_004, out.written.size());
        assertTrue(failures.isEmpty());
    }

    // ---- flushing

    @Test
    @DisplayName("each write is flushed once, after its last buffer and before it is reported written")
    void flushedAfterEachWrite() {
        FakeStream out = started();
        Callback first = new Callback();
        Callback second = new Callback();
        writer.write(new ByteBuffer[]{bytes(1, 2), filled(BATCH_BYTES, 3)}, first);
        writer.write(new ByteBuffer[]{bytes(4)}, second);

        assertEquals(List.of("write 2", "write " + BATCH_BYTES, "flush", "written", "write 1", "flush", "written"), events);
        assertEquals(2, out.flushes);
    }

    @Test
    @DisplayName("a flush that leaves the stream not ready: the write is reported written when the container is ready again")
    void notReadyAfterFlush() {
        FakeStream out = started();
        out.notReadyAfterFlush = true;
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{bytes(1)}, done);
        assertEquals(0, done.written);

        out.becomeReady();
        assertEquals(List.of("write 1", "flush", "written"), events, "flushed once");
    }

    // ---- gathering

    @Test
    @DisplayName("several small buffers are copied into one array and written at once, in order")
    void smallBuffersInOneWrite() {
        FakeStream out = started();
        ByteBuffer[] frames = tenSmallFrames('0');
        Callback done = new Callback();
        writer.write(frames, done);

        assertEquals(1, out.writes);
        assertTenSmallFrames('0', out.written.toByteArray());
        for (ByteBuffer frame : frames) {
            assertNotSame(frame.array(), out.arrays.get(0));
            assertEquals(0, frame.position(), "left as they were");
        }
        assertEquals(1, done.written);
    }

    @Test
    @DisplayName("buffers are copied into one write up to 16 KiB in all; above that each goes from its own array")
    void gatheredUpTo16KiB() {
        FakeStream out = started();
        ByteBuffer[] atTheLimit = {filled(BATCH_BYTES - 100, 1), filled(100, 2)};
        writer.write(atTheLimit, new Callback());
        assertEquals(1, out.writes);

        ByteBuffer[] aboveIt = {filled(BATCH_BYTES - 100, 1), filled(101, 2)};
        writer.write(aboveIt, new Callback());
        assertEquals(3, out.writes);
        assertSame(aboveIt[0].array(), out.arrays.get(1));
        assertSame(aboveIt[1].array(), out.arrays.get(2));
        assertEquals(2 * BATCH_BYTES + 1, out.written.size());
    }

    @Test
    @DisplayName("a single buffer goes from its own array, at its position, uncopied and unconsumed")
    void singleBufferFromItsOwnArray() {
        FakeStream out = started();
        ByteBuffer slice = ByteBuffer.wrap(new byte[]{0, 1, 2, 3, 4, 5}, 1, 4).slice().position(1); // 2, 3, 4
        writer.write(new ByteBuffer[]{slice}, new Callback());

        assertSame(slice.array(), out.arrays.get(0));
        assertArrayEquals(new byte[]{2, 3, 4}, out.written.toByteArray());
        assertEquals(1, slice.position());
    }

    @Test
    @DisplayName("while the container copies what it is given, every batch is gathered into the same array")
    void batchArrayReused() {
        FakeStream out = started();
        for (int batch = 0; batch < 2; batch++) {
            writer.write(new ByteBuffer[]{bytes(0x81, 1, 'a'), bytes(0x81, 1, 'b')}, new Callback());
        }
        assertEquals(2, out.writes);
        assertSame(out.arrays.get(0), out.arrays.get(1));
    }

    @Test
    @DisplayName("a batch the container holds is not gathered into again until it is ready, though another connection gathers on the same thread")
    void heldBatchUntouchedUntilTheContainerIsDone() {
        FakeStream first = started();
        first.keepsArrays = true;
        List<Throwable> othersFailures = new ArrayList<>();
        NonBlockingWriter other = new NonBlockingWriter(othersFailures::add);
        FakeStream second = new FakeStream();
        second.keepsArrays = true;
        other.start(second);
        Callback firstDone = new Callback();
        Callback secondDone = new Callback();

        // One thread writes to both, as a broadcaster's flush pass does; each batch is kept by its stream.
        writer.write(tenSmallFrames('a'), firstDone);
        other.write(tenSmallFrames('A'), secondDone);
        assertNotSame(first.arrays.get(0), second.arrays.get(0));
        first.becomeReady();
        second.becomeReady();

        assertTenSmallFrames('a', first.written.toByteArray());
        assertTenSmallFrames('A', second.written.toByteArray());
        assertEquals(1, firstDone.written);
        assertEquals(1, secondDone.written);
        assertTrue(failures.isEmpty());
        assertTrue(othersFailures.isEmpty());
    }

    @Test
    @DisplayName("an array the container held becomes a spare for other threads once it is done with it, not before")
    void heldBatchSparedOnceTheContainerIsDone() {
        FakeStream slow = started();
        slow.keepsArrays = true;
        writer.write(new ByteBuffer[]{bytes(0x81, 1, 'a'), bytes(0x81, 1, 'b')}, new Callback());
        byte[] held = slow.arrays.get(0);
        assertFalse(NonBlockingWriter.isSpareBatch(held), "still the container's");

        slow.becomeReady();
        assertTrue(NonBlockingWriter.isSpareBatch(held), "done with: a spare");
    }

    @Test
    @DisplayName("a batch array whose write failed is never gathered into again: the container may still hold it")
    void failedBatchLeftAlone() {
        FakeStream broken = started();
        broken.writeFails = new IOException("reset by peer");
        writer.write(new ByteBuffer[]{bytes(1), bytes(2)}, new Callback());
        assertEquals(1, failures.size());

        NonBlockingWriter other = new NonBlockingWriter(failures::add);
        FakeStream fine = new FakeStream();
        other.start(fine);
        other.write(new ByteBuffer[]{bytes(3), bytes(4)}, new Callback());
        assertNotSame(broken.arrays.get(0), fine.arrays.get(0));
        assertArrayEquals(new byte[]{3, 4}, fine.written.toByteArray());
    }

    // ---- direct buffers

    @Test
    @DisplayName("a direct buffer goes to a stream that writes ByteBuffers itself as it is, not copied into an array")
    void directBufferToAStreamThatTakesBuffers() {
        List<ByteBuffer> buffersWritten = new ArrayList<>();
        FakeStream out = new FakeStream() {
            @Override
            public void write(ByteBuffer buffer) {
                buffersWritten.add(buffer);
                byte[] copy = new byte[buffer.remaining()];
                buffer.get(copy);
                written.writeBytes(copy);
            }
        };
        writer.start(out);
        ByteBuffer direct = ByteBuffer.allocateDirect(3000).put(new byte[2999]).put((byte) 7).flip();
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{direct}, done);

        assertEquals(1, buffersWritten.size());
        assertTrue(buffersWritten.get(0).isDirect());
        assertEquals(0, out.writes, "no array write");
        assertEquals(3000, out.written.size());
        assertEquals(7, out.written.toByteArray()[2999]);
        assertEquals(0, direct.position(), "the caller's buffer is left as it was");
        assertEquals(1, done.written);
    }

    @Test
    @DisplayName("a direct buffer goes to a stream that only writes arrays as a copy (the API's default would copy too)")
    void directBufferToAStreamOfArrays() {
        FakeStream out = started();
        ByteBuffer direct = ByteBuffer.allocateDirect(3000).put(new byte[2999]).put((byte) 7).flip();
        writer.write(new ByteBuffer[]{direct}, new Callback());

        assertEquals(1, out.writes);
        assertEquals(7, out.written.toByteArray()[2999]);
        assertEquals(0, direct.position(), "the caller's buffer is left as it was");
    }

    // ---- failures

    @Test
    @DisplayName("a write that throws goes to the failure consumer, once; the write is never reported, and nothing more is written")
    void writeErrorToTheFailureConsumer() {
        FakeStream broken = started();
        IOException reset = new IOException("reset by peer");
        broken.writeFails = reset;
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{bytes(1)}, done);
        assertEquals(List.of(reset), failures);

        broken.writeFails = null;
        broken.becomeReady();
        writer.write(new ByteBuffer[]{bytes(2)}, new Callback());
        writer.onError(new IOException("closed"));
        assertEquals(1, broken.writes);
        assertEquals(0, done.written);
        assertEquals(List.of(reset), failures);
    }

    @Test
    @DisplayName("a flush that throws goes to the failure consumer")
    void flushErrorToTheFailureConsumer() {
        FakeStream broken = started();
        IOException reset = new IOException("broken pipe");
        broken.flushFails = reset;
        Callback done = new Callback();
        writer.write(new ByteBuffer[]{bytes(1)}, done);
        assertEquals(List.of(reset), failures);
        assertEquals(0, done.written);
    }

    @Test
    @DisplayName("a stream that throws when asked whether it is ready: the failure consumer is told")
    void isReadyErrorToTheFailureConsumer() {
        IllegalStateException closed = new IllegalStateException("stream closed");
        FakeStream out = new FakeStream() {
            @Override
            public boolean isReady() {
                throw closed;
            }
        };
        writer.start(out);
        writer.write(new ByteBuffer[]{bytes(1)}, new Callback());
        assertEquals(List.of(closed), failures);
    }

    @Test
    @DisplayName("the container's onError goes to the failure consumer, once; the write in progress is dropped and no more are taken")
    void containerErrorToTheFailureConsumer() {
        FakeStream out = started();
        out.notReadyAfterEachWrite = true;
        Callback inProgress = new Callback();
        writer.write(new ByteBuffer[]{bytes(1)}, inProgress);
        IOException timeout = new IOException("idle timeout");
        writer.onError(timeout);
        writer.onError(new IOException("again"));
        assertEquals(List.of(timeout), failures);

        out.becomeReady();
        Callback later = new Callback();
        writer.write(new ByteBuffer[]{bytes(2)}, later);
        assertEquals(1, out.writes);
        assertEquals(0, inProgress.written);
        assertEquals(0, later.written);
    }

    // ---- the outbound queue over the writer

    private final List<Long> flushedReports = new ArrayList<>();
    private final ArrayDeque<Runnable> executorTasks = new ArrayDeque<>();

    /** A queue writing to this test's writer, telling {@link #flushedReports}. */
    private OutboundQueue queue() {
        return new OutboundQueue(new OutboundQueue.Owner() {
            @Override
            public void flushed(long buffered) {
                flushedReports.add(buffered);
            }

            @Override
            public void writeFailed(Throwable error) {
                throw new AssertionError("the writer tells its failure consumer", error);
            }
        }, executorTasks::add);
    }

    private static ByteBuffer[] frame(ByteBuffer... buffers) {
        return buffers;
    }

    @Test
    @DisplayName("queue over writer: nothing is written before the stream is handed over; then everything, in order")
    void queueWritesAfterStart() {
        OutboundQueue queue = queue();
        queue.add(Kind.DATA, frame(bytes(1, 2)), null);
        queue.flush();
        assertEquals(2, queue.bufferedAmount());
        FakeStream out = new FakeStream();
        writer.start(out);
        queue.start(writer);
        out.becomeReady(); // the container's first onWritePossible: nothing more to do

        assertArrayEquals(new byte[]{1, 2}, out.written.toByteArray());
        assertEquals(0, queue.bufferedAmount());
        assertEquals(List.of(0L), flushedReports);
        assertTrue(executorTasks.isEmpty());
    }

    @Test
    @DisplayName("queue over writer: writes stop when the stream is not ready, and frames complete as the container calls back")
    void queueRespectsReadiness() {
        OutboundQueue queue = queue();
        FakeStream out = started();
        out.notReadyAfterEachWrite = true;
        queue.start(writer);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        queue.add(Kind.DATA, frame(filled(3000, 1)), first);
        queue.add(Kind.DATA, frame(filled(3000, 2)), second);
        queue.flush();
        assertEquals(3000, out.written.size());
        assertFalse(first.isDone(), "written, but not yet known to have left");
        assertEquals(6000, queue.bufferedAmount(), "counted until it has left");

        out.becomeReady();
        assertTrue(first.isDone());
        assertFalse(second.isDone());
        assertEquals(3000, queue.bufferedAmount());
        out.becomeReady();
        assertTrue(second.isDone());
        assertEquals(6000, out.written.size());
        assertEquals(0, queue.bufferedAmount());
    }

    @Test
    @DisplayName("queue over writer: small frames queued together go in one stream write, each completed")
    void queueGathersSmallFrames() {
        OutboundQueue queue = queue();
        FakeStream out = started();
        out.ready = false;
        queue.start(writer);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (ByteBuffer frame : tenSmallFrames('0')) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            queue.add(Kind.DATA, frame(frame), f);
        }
        queue.add(Kind.DATA, frame(filled(3000, 7)), null);
        queue.flush(); // the stream is not ready: the writer waits for the container
        assertEquals(0, out.writes);
        out.becomeReady();

        assertEquals(2, out.writes, "ten small frames in one write, then the large one");
        assertTenSmallFrames('0', Arrays.copyOf(out.written.toByteArray(), 30));
        assertTrue(done.stream().allMatch(CompletableFuture::isDone));
    }

    @Test
    @DisplayName("queue over writer: pings and pongs overtake queued data, the close frame stays last, and a pong waits for a frame being written")
    void queueControlFirstCloseLast() {
        OutboundQueue queue = queue();
        FakeStream out = started();
        out.notReadyAfterEachWrite = true;
        queue.start(writer);
        queue.add(Kind.DATA, frame(bytes(0x82, 0x7E, 0x4E, 0x20), filled(20_000, 1)), null);
        queue.flush(); // the header is written; the payload waits for the container
        queue.add(Kind.DATA, frame(bytes(2)), null);
        queue.add(Kind.CLOSE, frame(bytes(8)), null);
        queue.add(Kind.CONTROL, frame(bytes(9)), null);
        for (int i = 0; i < 3; i++) {
            out.becomeReady();
        }

        byte[] all = out.written.toByteArray();
        assertEquals(20_007, all.length);
        assertEquals(1, all[4], "the payload right behind its header");
        assertEquals(1, all[20_003]);
        assertArrayEquals(new byte[]{9, 2, 8}, Arrays.copyOfRange(all, 20_004, 20_007));
    }

    @Test
    @DisplayName("queue over writer: two connections' batches on one thread, each held by its container, arrive intact")
    void queuesShareAThreadSafely() {
        FakeStream first = started();
        first.keepsArrays = true;
        NonBlockingWriter otherWriter = new NonBlockingWriter(failures::add);
        FakeStream second = new FakeStream();
        second.keepsArrays = true;
        otherWriter.start(second);
        OutboundQueue queue = queue();
        OutboundQueue other = queue();
        queue.start(writer);
        other.start(otherWriter);
        ByteBuffer[] lower = tenSmallFrames('a');
        ByteBuffer[] upper = tenSmallFrames('A');
        for (int i = 0; i < 10; i++) {
            queue.add(Kind.DATA, frame(lower[i]), null);
            other.add(Kind.DATA, frame(upper[i]), null);
        }
        // One thread flushes both, as a broadcaster's flush pass does.
        queue.flush();
        other.flush();
        first.becomeReady();
        second.becomeReady();

        assertTenSmallFrames('a', first.written.toByteArray());
        assertTenSmallFrames('A', second.written.toByteArray());
        assertTrue(failures.isEmpty());
    }

    @Test
    @DisplayName("queue over writer: all written only once the container is done with the last write, not when it took it")
    void queueAllWrittenWaitsForTheContainer() {
        OutboundQueue queue = queue();
        FakeStream out = started();
        out.notReadyAfterEachWrite = true;
        queue.start(writer);
        queue.add(Kind.CLOSE, frame(bytes(0x88, 0)), null);
        queue.flush();
        assertEquals(2, out.written.size(), "handed over");
        assertFalse(queue.allWritten(), "but still being written: closing now would cut it short");

        out.becomeReady();
        assertTrue(queue.allWritten());
        assertEquals(0L, flushedReports.get(flushedReports.size() - 1));
    }
}
