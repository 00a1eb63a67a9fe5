package dev.tether.servlet.io;

import dev.tether.driver.WireOutput.Kind;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbound queue against a non-blocking stream whose readiness the test controls. */
class OutboundQueueTest {

    /** A container's non-blocking stream: accepts a write while ready, then may turn not ready. */
    static class FakeStream extends ServletOutputStream {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean ready = true;
        boolean notReadyAfterEachWrite;
        /**
         * Like Jetty for a write it does not aggregate while the socket is full: the caller's array
         * is kept, not copied, and read only when the write completes ({@link #becomeReady()}).
         */
        boolean keepsArrays;
        private byte[] held;
        private int heldOffset;
        private int heldLength;
        WriteListener listener;
        final List<byte[]> arrays = new ArrayList<>();
        int flushes;
        int writes;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            this.listener = writeListener;
        }

        @Override
        public void write(int b) {
            written.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!ready) {
                throw new IllegalStateException("write while not ready");
            }
            writes++;
            arrays.add(b);
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
        public void flush() {
            flushes++;
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

    private final List<Long> flushedReports = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final OutboundQueue queue = new OutboundQueue(new RecordingOwner());

    /** Records the queue's reports. */
    private final class RecordingOwner implements OutboundQueue.Owner {
        @Override
        public void flushed(long buffered) {
            flushedReports.add(buffered);
        }

        @Override
        public void writeFailed(Throwable error) {
            failures.add(error);
        }
    }

    private static ByteBuffer[] bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return new ByteBuffer[]{b.flip()};
    }

    @Test
    @DisplayName("nothing is written before the stream is handed over; then everything, in order")
    void writesAfterStart() {
        queue.add(Kind.DATA, bytes(1, 2), null);
        queue.flush();
        assertEquals(2, queue.bufferedAmount());
        FakeStream out = new FakeStream();
        queue.start(out);
        out.becomeReady();
        assertArrayEquals(new byte[]{1, 2}, out.written.toByteArray());
        assertEquals(0, queue.bufferedAmount());
        assertEquals(List.of(0L), flushedReports);
    }

    @Test
    @DisplayName("pings and pongs overtake queued data; the close frame stays last")
    void controlFirstCloseLast() {
        FakeStream out = new FakeStream();
        out.ready = false;
        queue.start(out);
        queue.add(Kind.DATA, bytes(1), null);
        queue.add(Kind.CLOSE, bytes(8), null);
        queue.add(Kind.CONTROL, bytes(9), null);
        out.becomeReady();
        assertArrayEquals(new byte[]{9, 1, 8}, out.written.toByteArray());
    }

    private static ByteBuffer[] large(int value) {
        byte[] frame = new byte[3000]; // above the size that is gathered with others
        java.util.Arrays.fill(frame, (byte) value);
        return new ByteBuffer[]{ByteBuffer.wrap(frame)};
    }

    @Test
    @DisplayName("writes stop when the stream is not ready and go on when the container calls back")
    void respectsReadiness() {
        FakeStream out = new FakeStream();
        out.notReadyAfterEachWrite = true;
        queue.start(out);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        queue.add(Kind.DATA, large(1), first);
        queue.add(Kind.DATA, large(2), second);
        queue.flush();
        assertEquals(3000, out.written.size());
        assertFalse(first.isDone(), "written, but not yet known to have left");
        assertEquals(3000, queue.bufferedAmount());
        out.becomeReady();
        assertTrue(first.isDone());
        assertFalse(second.isDone());
        out.becomeReady();
        assertTrue(second.isDone());
        assertEquals(6000, out.written.size());
    }

    @Test
    @DisplayName("small frames queued together go out in one write, in order, each completed")
    void smallFramesGathered() {
        FakeStream out = new FakeStream();
        out.ready = false;
        queue.start(out);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            queue.add(Kind.DATA, bytes(0x81, 1, '0' + i), f);
        }
        queue.add(Kind.DATA, large(7), null);
        out.becomeReady();
        assertEquals(2, out.writes, "ten small frames in one write, then the large one");
        byte[] all = out.written.toByteArray();
        for (int i = 0; i < 10; i++) {
            assertEquals('0' + i, all[i * 3 + 2]);
        }
        assertTrue(done.stream().allMatch(CompletableFuture::isDone));
    }

    @Test
    @DisplayName("a batch of small frames stays as it was while the container holds it, though another connection gathers on the same thread")
    void gatheredBatchUntouchedUntilTheContainerIsDone() {
        FakeStream first = new FakeStream();
        first.keepsArrays = true;
        FakeStream second = new FakeStream();
        second.keepsArrays = true;
        OutboundQueue other = new OutboundQueue(new RecordingOwner());
        queue.start(first);
        other.start(second);
        for (int i = 0; i < 10; i++) {
            queue.add(Kind.DATA, bytes(0x81, 1, 'a' + i), null);
            other.add(Kind.DATA, bytes(0x81, 1, 'A' + i), null);
        }
        // One thread flushes both, as a broadcaster's flush pass does; each batch is kept by its stream.
        queue.flush();
        other.flush();
        first.becomeReady();
        second.becomeReady();

        byte[] all = first.written.toByteArray();
        byte[] others = second.written.toByteArray();
        assertEquals(30, all.length);
        for (int i = 0; i < 10; i++) {
            assertEquals('a' + i, all[i * 3 + 2], "frame " + i + " of the first connection");
            assertEquals('A' + i, others[i * 3 + 2], "frame " + i + " of the second connection");
        }
        assertTrue(failures.isEmpty());
    }

    @Test
    @DisplayName("while the container copies what it is given, every batch is gathered into the same array")
    void batchArrayReusedOnceTheContainerIsDone() {
        FakeStream out = new FakeStream();
        queue.start(out);
        for (int batch = 0; batch < 2; batch++) {
            queue.add(Kind.DATA, bytes(0x81, 1, 'a'), null);
            queue.add(Kind.DATA, bytes(0x81, 1, 'b'), null);
            queue.flush();
        }
        assertEquals(2, out.writes);
        assertSame(out.arrays.get(0), out.arrays.get(1));
    }

    @Test
    @DisplayName("an array the container held becomes a spare for other threads once it is done with it, not before")
    void heldBatchArraySparedOnceTheContainerIsDone() {
        FakeStream slow = new FakeStream();
        slow.keepsArrays = true;
        queue.start(slow);
        queue.add(Kind.DATA, bytes(0x81, 1, 'a'), null);
        queue.add(Kind.DATA, bytes(0x81, 1, 'b'), null);
        queue.flush(); // the container keeps the batch
        byte[] held = slow.arrays.get(0);
        assertFalse(OutboundQueue.isSpareBatch(held), "still the container's");
        slow.becomeReady();
        assertTrue(OutboundQueue.isSpareBatch(held), "done with: a spare");
    }

    @Test
    @DisplayName("a frame's header and payload are written with a readiness check between them, and a pong waits for the payload")
    void oneBufferPerReadyCheck() {
        FakeStream out = new FakeStream();
        out.notReadyAfterEachWrite = true; // a write that throws when not ready proves the check
        queue.start(out);
        ByteBuffer header = ByteBuffer.wrap(new byte[]{(byte) 0x82, 2});
        ByteBuffer payload = ByteBuffer.wrap(new byte[]{7, 8});
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(Kind.DATA, new ByteBuffer[]{header, payload}, done);
        queue.flush();
        assertArrayEquals(new byte[]{(byte) 0x82, 2}, out.written.toByteArray());
        queue.add(Kind.CONTROL, bytes(0x8A, 0), null); // a pong, queued between header and payload
        out.becomeReady();
        assertArrayEquals(new byte[]{(byte) 0x82, 2, 7, 8}, out.written.toByteArray());
        out.becomeReady();
        assertArrayEquals(new byte[]{(byte) 0x82, 2, 7, 8, (byte) 0x8A, 0}, out.written.toByteArray());
        assertTrue(done.isDone());
        assertTrue(failures.isEmpty());
    }

    @Test
    @DisplayName("all written only once the container is done with the last write, not when it took it")
    void allWrittenWaitsForTheContainer() {
        FakeStream out = new FakeStream();
        out.notReadyAfterEachWrite = true;
        queue.start(out);
        queue.add(Kind.CLOSE, bytes(0x88, 0), null);
        queue.flush();
        assertEquals(0, queue.bufferedAmount(), "handed over");
        assertFalse(queue.allWritten(), "but still being written: closing now would cut it short");
        out.becomeReady();
        assertTrue(queue.allWritten());
    }

    @Test
    @DisplayName("the container's buffer is flushed when the queue runs empty")
    void flushesWhenEmpty() {
        FakeStream out = new FakeStream();
        queue.start(out);
        queue.add(Kind.DATA, bytes(1), null);
        queue.flush();
        assertTrue(out.flushes >= 1);
    }

    @Test
    @DisplayName("abort fails queued and unconfirmed frames, and refuses new ones")
    void abortFailsEverything() {
        FakeStream out = new FakeStream();
        out.notReadyAfterEachWrite = true;
        queue.start(out);
        CompletableFuture<Void> unconfirmed = new CompletableFuture<>();
        CompletableFuture<Void> queued = new CompletableFuture<>();
        queue.add(Kind.DATA, bytes(1), unconfirmed);
        queue.add(Kind.DATA, bytes(2), queued);
        queue.flush();
        IllegalStateException cause = new IllegalStateException("gone");
        queue.abort(cause);
        assertTrue(unconfirmed.isCompletedExceptionally());
        assertTrue(queued.isCompletedExceptionally());
        assertEquals(0, queue.bufferedAmount());
        CompletableFuture<Void> late = new CompletableFuture<>();
        queue.add(Kind.DATA, bytes(3), late);
        assertSame(cause, late.handle((v, e) -> e).join());
    }

    @Test
    @DisplayName("a write error is reported to the owner")
    void writeErrorReported() {
        ServletOutputStream broken = new FakeStream() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("reset by peer");
            }
        };
        queue.start(broken);
        queue.add(Kind.DATA, bytes(1), null);
        queue.flush();
        assertEquals("reset by peer", failures.get(0).getMessage());
    }

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
        queue.start(out);
        ByteBuffer direct = ByteBuffer.allocateDirect(3000).put(new byte[2999]).put((byte) 7).flip();
        queue.add(Kind.DATA, new ByteBuffer[]{direct}, null);
        queue.flush();

        assertEquals(1, buffersWritten.size());
        assertTrue(buffersWritten.get(0).isDirect());
        assertEquals(0, out.writes, "no array write");
        assertEquals(3000, out.written.size());
        assertEquals(7, out.written.toByteArray()[2999]);
    }

    @Test
    @DisplayName("a direct buffer goes to a stream that only writes arrays as a copy (the API's default would copy too)")
    void directBufferToAStreamOfArrays() {
        FakeStream out = new FakeStream();
        queue.start(out);
        ByteBuffer direct = ByteBuffer.allocateDirect(3000).put(new byte[2999]).put((byte) 7).flip();
        queue.add(Kind.DATA, new ByteBuffer[]{direct}, null);
        queue.flush();

        assertEquals(1, out.writes);
        assertEquals(7, out.written.toByteArray()[2999]);
        assertEquals(0, direct.position(), "the queued buffer itself is left as it was");
    }
}
