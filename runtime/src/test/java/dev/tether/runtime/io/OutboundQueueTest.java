package dev.tether.runtime.io;

import dev.tether.driver.WireOutput.Kind;
import dev.tether.runtime.Output;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static dev.tether.runtime.io.OutboundQueue.BATCH_BYTES;
import static dev.tether.runtime.io.OutboundQueue.GATHER_BYTES;
import static dev.tether.runtime.io.OutboundQueue.GATHER_BUFFERS;
import static dev.tether.runtime.io.OutboundQueue.SMALL_FRAME;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbound queue against an output whose write callbacks the test gives: at once (inside the
 * write), later on the test's thread, or on another thread.
 */
class OutboundQueueTest {

    /** One write the queue handed to the output; {@code frameEnds} null unless a write of frames. */
    private record Write(ByteBuffer[] buffers, Thread thread, int[] frameEnds) {
        /** The bytes of this write, its buffers in order (left as they are). */
        byte[] bytes() {
            return concat(buffers);
        }
    }

    /**
     * An output the test drives. It keeps each write's callback for {@link #completeWrite()} or, while
     * {@link #completesAtOnce}, calls it inside the write; a write before the last one's callback
     * fails the test.
     */
    private static final class FakeOutput implements Output {
        final List<Write> writes = new ArrayList<>();
        boolean completesAtOnce;
        /** Whether it says it ends writes between frames (then the queue gathers large frames). */
        boolean endsBetweenFrames;
        /** Whether to note the stack depth of each write. */
        boolean measuresStack;
        int shallowestStack = Integer.MAX_VALUE;
        int deepestStack;
        private WriteCallback inProgress;

        @Override
        public void write(ByteBuffer[] buffers, WriteCallback callback) {
            begin(buffers, callback, null);
        }

        @Override
        public boolean endsWritesBetweenFrames() {
            return endsBetweenFrames;
        }

        @Override
        public void writeFrames(ByteBuffer[] buffers, int[] frameEnds, WriteCallback callback) {
            assertTrue(endsBetweenFrames, "a write of frames to an output that writes them all");
            begin(buffers, callback, frameEnds);
        }

        private void begin(ByteBuffer[] buffers, WriteCallback callback, int[] frameEnds) {
            assertNull(inProgress, "a write before the callback of the one in progress");
            writes.add(new Write(buffers, Thread.currentThread(), frameEnds));
            if (measuresStack) {
                int depth = stackDepth();
                shallowestStack = Math.min(shallowestStack, depth);
                deepestStack = Math.max(deepestStack, depth);
            }
            inProgress = callback;
            if (completesAtOnce) {
                completeWrite();
            }
        }

        boolean writing() {
            return inProgress != null;
        }

        /** The write in progress has left: its callback says so. */
        void completeWrite() {
            WriteCallback callback = inProgress;
            assertNotNull(callback, "no write in progress");
            inProgress = null;
            callback.written();
        }

        /** The write of frames in progress ended after its first {@code bytes} bytes. */
        void endWriteAfter(long bytes) {
            WriteCallback callback = inProgress;
            assertNotNull(callback, "no write in progress");
            inProgress = null;
            callback.writtenUpTo(bytes);
        }

        /** The write in progress failed. */
        void failWrite(Throwable error) {
            WriteCallback callback = inProgress;
            assertNotNull(callback, "no write in progress");
            inProgress = null;
            callback.failed(error);
        }

        /** Every byte written so far, in order. */
        byte[] bytes() {
            return concat(writes.stream().flatMap(w -> Arrays.stream(w.buffers)).toArray(ByteBuffer[]::new));
        }

        Write write(int i) {
            return writes.get(i);
        }
    }

    /** What the queue told its owner. */
    private final List<Long> flushedReports = new ArrayList<>();
    private final List<Throwable> writeFailures = new ArrayList<>();
    /** The executor's tasks, run when the test says. */
    private final ArrayDeque<Runnable> executorTasks = new ArrayDeque<>();
    private final Executor executor = executorTasks::add;
    private final FakeOutput out = new FakeOutput();
    private final OutboundQueue queue = new OutboundQueue(new RecordingOwner(), executor);

    private final class RecordingOwner implements OutboundQueue.Owner {
        @Override
        public void flushed(long buffered) {
            flushedReports.add(buffered);
        }

        @Override
        public void writeFailed(Throwable error) {
            writeFailures.add(error);
        }
    }

    // ---- batches

    @Test
    @DisplayName("a batch with nothing queued holds nothing: a read that sends nothing never calls on the watch")
    void anEmptyBatchHoldsNothing() {
        assertTrue(queue.beginBatch());
        try {
            queue.flush(); // as after every read's events
            assertEquals(0, queue.heldSince(), "held a batch with nothing in it");
        } finally {
            queue.endBatch();
        }
    }

    // ---- frames

    private static ByteBuffer[] bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return new ByteBuffer[]{b.flip()};
    }

    /** One frame of {@code size} bytes, each {@code value}. */
    private static ByteBuffer[] frame(int size, int value) {
        byte[] frame = new byte[size];
        Arrays.fill(frame, (byte) value);
        return new ByteBuffer[]{ByteBuffer.wrap(frame)};
    }

    /** A frame above the size that is gathered with others. */
    private static ByteBuffer[] large(int value) {
        return frame(3000, value);
    }

    private static byte[] concat(ByteBuffer[] buffers) {
        int size = 0;
        for (ByteBuffer b : buffers) {
            size += b.remaining();
        }
        byte[] all = new byte[size];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int n = b.remaining();
            b.duplicate().get(all, at, n);
            at += n;
        }
        return all;
    }

    private static int stackDepth() {
        return StackWalker.getInstance().walk(frames -> (int) frames.count());
    }

    /** The failure a completion ended with. */
    private static Throwable failureOf(CompletableFuture<Void> done) {
        assertTrue(done.isCompletedExceptionally(), "failed");
        return assertThrows(CompletionException.class, done::join).getCause();
    }

    // ---- order

    @Test
    @DisplayName("nothing is written before the output is handed over; then everything, in order")
    void writesAfterStart() {
        out.completesAtOnce = true;
        queue.add(Kind.DATA, bytes(1, 2), null);
        queue.add(Kind.DATA, bytes(3), null);
        queue.flush();
        assertTrue(out.writes.isEmpty());
        assertEquals(3, queue.bufferedAmount());
        assertTrue(flushedReports.isEmpty(), "no flush happened");

        queue.start(out);
        assertArrayEquals(new byte[]{1, 2, 3}, out.bytes());
        assertEquals(0, queue.bufferedAmount());
        assertEquals(List.of(0L), flushedReports);
    }

    @Test
    @DisplayName("pings and pongs overtake queued data; the close frame stays last, even behind a ping queued after it")
    void controlFirstCloseLast() {
        queue.start(out);
        queue.add(Kind.DATA, large(1), null);
        queue.flush(); // being written: nothing overtakes it
        queue.add(Kind.DATA, large(2), null);
        queue.add(Kind.CLOSE, large(8), null);
        queue.add(Kind.CONTROL, large(9), null);
        queue.add(Kind.CONTROL, large(10), null);
        queue.flush();
        while (out.writing()) {
            out.completeWrite();
        }
        assertEquals(List.of(1, 9, 10, 2, 8), out.writes.stream().map(w -> (int) w.bytes()[0]).toList());
    }

    @Test
    @DisplayName("small frames gathered into one write keep that order: pings and pongs first, the close last")
    void gatheredInControlFirstCloseLastOrder() {
        queue.start(out);
        queue.add(Kind.DATA, bytes(1), null);
        queue.add(Kind.CLOSE, bytes(8), null);
        queue.add(Kind.CONTROL, bytes(9), null);
        queue.flush();
        assertEquals(1, out.writes.size());
        assertArrayEquals(new byte[]{9, 1, 8}, out.write(0).bytes());
    }

    @Test
    @DisplayName("a frame's buffers go in one write; a pong queued meanwhile waits for that write's callback")
    void aFrameIsNeverSplit() {
        queue.start(out);
        ByteBuffer header = ByteBuffer.wrap(new byte[]{(byte) 0x82, 2});
        ByteBuffer payload = ByteBuffer.wrap(new byte[]{7, 8});
        queue.add(Kind.DATA, new ByteBuffer[]{header, payload}, null);
        queue.flush();
        queue.add(Kind.CONTROL, bytes(0x8A, 0), null);
        queue.flush();
        assertEquals(1, out.writes.size(), "nothing more while the frame is being written");
        assertArrayEquals(new ByteBuffer[]{header, payload}, out.write(0).buffers());

        out.completeWrite();
        assertArrayEquals(new byte[]{(byte) 0x82, 2, 7, 8, (byte) 0x8A, 0}, out.bytes());
    }

    @Test
    @DisplayName("the frames' own buffers go to the output, uncopied and unconsumed")
    void buffersHandedOverAsTheyAre() {
        queue.start(out);
        ByteBuffer[] alone = large(1);
        ByteBuffer[] small = bytes(2);
        ByteBuffer[] smallToo = bytes(3);
        queue.add(Kind.DATA, alone, null);
        queue.add(Kind.DATA, small, null);
        queue.add(Kind.DATA, smallToo, null);
        queue.flush();
        out.completeWrite();

        assertEquals(1, out.write(0).buffers().length);
        assertSame(alone[0], out.write(0).buffers()[0]);
        assertEquals(2, out.write(1).buffers().length);
        assertSame(small[0], out.write(1).buffers()[0]);
        assertSame(smallToo[0], out.write(1).buffers()[1]);
        assertEquals(3000, alone[0].remaining());
    }

    // ---- gathering

    @Test
    @DisplayName("small frames queued together go out in one write, in order, each completed by it")
    void smallFramesGathered() {
        queue.start(out);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            queue.add(Kind.DATA, bytes(0x81, 1, '0' + i), f);
        }
        queue.add(Kind.DATA, large(7), null);
        queue.flush();
        assertEquals(1, out.writes.size());
        assertEquals(10, out.write(0).buffers().length, "ten small frames in one write");
        byte[] batch = out.write(0).bytes();
        for (int i = 0; i < 10; i++) {
            assertEquals('0' + i, batch[i * 3 + 2]);
        }
        assertTrue(done.stream().noneMatch(CompletableFuture::isDone), "written only when the output says so");

        out.completeWrite();
        assertTrue(done.stream().allMatch(CompletableFuture::isDone), "all by the one write");
        assertEquals(2, out.writes.size(), "then the large one, alone");
        assertArrayEquals(large(7), out.write(1).buffers());
    }

    @Test
    @DisplayName("frames of up to 2 KiB are gathered, up to 16 KiB in one write")
    void gatheredUpToTheBatchSize() {
        queue.start(out);
        for (int i = 0; i < BATCH_BYTES / SMALL_FRAME + 1; i++) { // nine frames of exactly 2 KiB
            queue.add(Kind.DATA, frame(SMALL_FRAME, i), null);
        }
        queue.flush();
        out.completeWrite();

        assertEquals(2, out.writes.size());
        assertEquals(BATCH_BYTES / SMALL_FRAME, out.write(0).buffers().length);
        assertEquals(BATCH_BYTES, out.write(0).bytes().length, "exactly 16 KiB");
        assertEquals(1, out.write(1).buffers().length, "the ninth would make it more");
    }

    @Test
    @DisplayName("a frame above 2 KiB goes alone: neither gathered behind small ones nor gathering them behind it")
    void largeFramesGoAlone() {
        queue.start(out);
        queue.add(Kind.DATA, bytes(1), null);
        queue.add(Kind.DATA, bytes(2), null);
        queue.add(Kind.DATA, frame(SMALL_FRAME + 1, 3), null);
        queue.add(Kind.DATA, bytes(4), null);
        queue.add(Kind.DATA, frame(SMALL_FRAME + 1, 5), null);
        queue.add(Kind.DATA, bytes(6), null);
        queue.add(Kind.DATA, bytes(7), null);
        queue.flush();
        while (out.writing()) {
            out.completeWrite();
        }

        assertEquals(List.of(2, 1, 1, 1, 2), out.writes.stream().map(w -> w.buffers().length).toList());
        assertEquals(List.of(1, 3, 4, 5, 6), out.writes.stream().map(w -> (int) w.bytes()[0]).toList());
    }

    @Test
    @DisplayName("a small frame of several buffers is gathered with all of them")
    void smallFrameOfSeveralBuffersGathered() {
        queue.start(out);
        ByteBuffer header = ByteBuffer.wrap(new byte[]{(byte) 0x82, 2});
        ByteBuffer payload = ByteBuffer.wrap(new byte[]{7, 8});
        queue.add(Kind.DATA, bytes(1), null);
        queue.add(Kind.DATA, new ByteBuffer[]{header, payload}, null);
        queue.add(Kind.DATA, bytes(9), null);
        queue.flush();

        assertEquals(1, out.writes.size());
        assertArrayEquals(new byte[]{1, (byte) 0x82, 2, 7, 8, 9}, out.write(0).bytes());
    }

    @Test
    @DisplayName("frames queued while a write is in progress are gathered by the write after it")
    void queuedMeanwhileGatheredNext() {
        queue.start(out);
        queue.add(Kind.DATA, large(1), null);
        queue.flush();
        for (int i = 0; i < 5; i++) {
            queue.add(Kind.DATA, bytes(10 + i), null);
            queue.flush();
        }
        assertEquals(1, out.writes.size());

        out.completeWrite();
        assertEquals(2, out.writes.size());
        assertArrayEquals(new byte[]{10, 11, 12, 13, 14}, out.write(1).bytes());
    }

    // ---- completions and callbacks

    @Test
    @DisplayName("a frame is completed when the output reports its write, not when it is handed over; before the next write")
    void completedOnlyOnceWritten() {
        queue.start(out);
        List<String> log = new ArrayList<>();
        CompletableFuture<Void> first = new CompletableFuture<>();
        first.thenRun(() -> log.add("first done, " + out.writes.size() + " written"));
        queue.add(Kind.DATA, large(1), first);
        queue.add(Kind.DATA, large(2), null);
        queue.flush();
        assertFalse(first.isDone(), "handed over, but not yet known to have left");

        out.completeWrite();
        assertTrue(first.isDone());
        assertEquals(List.of("first done, 1 written"), log, "completed before the next write began");
        assertEquals(2, out.writes.size());
    }

    @Test
    @DisplayName("writes are one at a time: a flush during a write leaves the rest to that write's callback, which goes on by itself")
    void oneWriteAtATime() {
        queue.start(out);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        queue.add(Kind.DATA, large(1), first);
        queue.flush();
        queue.add(Kind.DATA, large(2), second);
        queue.flush();
        queue.flush();
        assertEquals(1, out.writes.size());

        out.completeWrite(); // later, on the test's thread: the callback flushes the rest
        assertTrue(first.isDone());
        assertFalse(second.isDone());
        assertEquals(2, out.writes.size());
        out.completeWrite();
        assertTrue(second.isDone());
        assertArrayEquals(concat(new ByteBuffer[]{large(1)[0], large(2)[0]}), out.bytes());
    }

    @Test
    @DisplayName("a write reported written on another thread: the rest is written and completed on that thread")
    void callbackOnAnotherThreadGoesOnThere() throws InterruptedException {
        queue.start(out);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        queue.add(Kind.DATA, large(1), first);
        queue.add(Kind.DATA, large(2), second);
        queue.flush();
        List<Thread> completedOn = new ArrayList<>();
        first.thenRun(() -> completedOn.add(Thread.currentThread()));

        out.completesAtOnce = true; // the next write's callback comes inside it, on that thread
        Thread container = new Thread(out::completeWrite, "container");
        container.start();
        container.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(container.isAlive(), "the callback returned");

        assertEquals(List.of(container), completedOn);
        assertEquals(container, out.write(1).thread());
        assertTrue(second.isDone());
        assertEquals(0, queue.bufferedAmount());
        assertEquals(List.of(0L, 6000L, 0L), flushedReports, "each flush reported, the last one by the other thread");
    }

    @Test
    @DisplayName("writes reported inside the write go on in the flushing thread's loop: a long run of frames does not grow the stack")
    void inlineCallbacksDoNotRecurse() {
        out.completesAtOnce = true;
        out.measuresStack = true;
        ByteBuffer[] payload = large(1); // shared: one array for all
        int frames = 10_000;
        for (int i = 0; i < frames; i++) {
            queue.add(Kind.DATA, new ByteBuffer[]{payload[0].duplicate()}, null);
        }
        queue.start(out);

        assertEquals(frames, out.writes.size());
        assertEquals(out.shallowestStack, out.deepestStack, "every write at the same depth");
        assertEquals(List.of(0L), flushedReports);
        assertEquals(frames * 3000L, queue.bytesWritten());
    }

    @Test
    @DisplayName("sends chained on each other's completions, over an output that writes at once, nest a few levels only; the rest go on on the executor")
    void chainedSendsStayShallow() {
        out.completesAtOnce = true;
        out.measuresStack = true;
        queue.start(out);
        int base = stackDepth();
        int sends = 1000;
        sendChained(0, sends);
        int tasks = 0;
        for (Runnable task; (task = executorTasks.poll()) != null; tasks++) {
            task.run();
        }

        assertEquals(sends, out.writes.size());
        for (int i = 0; i < sends; i++) {
            assertEquals((byte) i, out.write(i).bytes()[0], "in order");
        }
        assertTrue(tasks > 0, "some went on on the executor");
        assertTrue(out.deepestStack < base + 20 * SendStage.MAX_INLINE_DEPTH,
                "deepest stack " + out.deepestStack + " frames, from " + base);
    }

    /** Sends one frame, and the next ones when it is written: {@code send(x).thenRun(next)}. */
    private void sendChained(int i, int sends) {
        if (i == sends) {
            return;
        }
        SendStage<Void> sent = new SendStage<>(executor);
        queue.add(Kind.DATA, large(i), sent);
        sent.thenRun(() -> sendChained(i + 1, sends));
        queue.flush();
    }

    @Test
    @DisplayName("completions follow the send-stage rule: inside an application's call, one someone else may wait on completes on the executor")
    void completionsBySendStageRule() {
        out.completesAtOnce = true;
        queue.start(out);
        CompletableFuture<Void> othersSend = new CompletableFuture<>();
        int[] call = ApplicationCalls.enter();
        try {
            queue.add(Kind.DATA, bytes(1), othersSend);
            queue.flush();
            assertEquals(1, out.writes.size());
            assertFalse(othersSend.isDone(), "not inside the application's call");
        } finally {
            ApplicationCalls.leave(call);
        }
        assertEquals(1, executorTasks.size());
        executorTasks.poll().run();
        assertTrue(othersSend.isDone());
    }

    // ---- frames of any size written together, to an output that may end a write between them

    @Test
    @DisplayName("to an output that ends writes between frames, queued frames of any size go in one write, which says where each ends")
    void framesOfAnySizeGatheredWhereTheOutputEndsWritesBetweenThem() {
        out.endsBetweenFrames = true;
        queue.start(out);
        ByteBuffer header = ByteBuffer.wrap(new byte[]{(byte) 0x82, 2});
        queue.add(Kind.DATA, large(1), null);
        queue.add(Kind.DATA, new ByteBuffer[]{header, ByteBuffer.wrap(new byte[]{7, 8})}, null);
        queue.add(Kind.DATA, frame(64 * 1024, 3), null);
        queue.flush();

        assertEquals(1, out.writes.size());
        assertArrayEquals(new int[]{1, 3, 4}, out.write(0).frameEnds());
        assertEquals(3000 + 4 + 64 * 1024, out.write(0).bytes().length);
        assertEquals(1, out.write(0).bytes()[0]);
        assertEquals(0x82 - 256, out.write(0).bytes()[3000]);
        out.completeWrite();
        assertEquals(0, queue.bufferedAmount());
        assertTrue(queue.allWritten());
    }

    @Test
    @DisplayName("a lone frame goes as a plain write, even to an output that ends writes between frames")
    void aLoneFrameIsAPlainWrite() {
        out.endsBetweenFrames = true;
        queue.start(out);
        queue.add(Kind.DATA, large(1), null);
        queue.flush();
        assertNull(out.write(0).frameEnds());
    }

    @Test
    @DisplayName("frames gathered up to 1 MiB and 1,024 buffers a write")
    void framesGatheredUpToTheirBounds() {
        out.endsBetweenFrames = true;
        out.completesAtOnce = true;
        queue.start(out);
        for (int i = 0; i < 5; i++) {
            queue.add(Kind.DATA, frame(GATHER_BYTES / 4, i), null);
        }
        queue.flush();
        assertEquals(List.of(4, 1), out.writes.stream().map(w -> w.buffers().length).toList(), "exactly 1 MiB, then the fifth");

        out.writes.clear();
        for (int i = 0; i < GATHER_BUFFERS + 1; i++) {
            queue.add(Kind.DATA, bytes(i), null);
        }
        queue.flush();
        assertEquals(List.of(GATHER_BUFFERS, 1), out.writes.stream().map(w -> w.buffers().length).toList());

        out.writes.clear();
        for (int i = 0; i < GATHER_BUFFERS / 2 + 1; i++) { // frames of two buffers, a header and a payload
            queue.add(Kind.DATA, new ByteBuffer[]{ByteBuffer.wrap(new byte[]{(byte) 0x82, 1}), ByteBuffer.wrap(new byte[]{(byte) i})}, null);
        }
        queue.flush();
        assertEquals(List.of(GATHER_BUFFERS, 2), out.writes.stream().map(w -> w.buffers().length).toList(), "buffers, not frames, count");
    }

    @Test
    @DisplayName("a burst of tiny frames takes no more writes to an output that ends writes between frames than to one that does not")
    void tinyFramesTakeNoMoreWritesWhenGathered() {
        out.completesAtOnce = true;
        queue.start(out);
        for (int i = 0; i < 1000; i++) {
            queue.add(Kind.DATA, frame(10, 1), null);
        }
        queue.flush();
        int plain = out.writes.size();

        FakeOutput gathering = new FakeOutput();
        gathering.completesAtOnce = true;
        gathering.endsBetweenFrames = true;
        OutboundQueue other = new OutboundQueue(new RecordingOwner(), executor);
        other.start(gathering);
        for (int i = 0; i < 1000; i++) {
            other.add(Kind.DATA, frame(10, 1), null);
        }
        other.flush();
        assertEquals(plain, gathering.writes.size(), "writes for 1000 frames of 10 bytes: " + plain + " plain, "
                + gathering.writes.size() + " gathered");
    }

    @Test
    @DisplayName("a write ended between frames completes those before the end; the rest wait again, behind a pong queued meanwhile")
    void aWriteEndedBetweenFramesCompletesItsFirstFramesAndQueuesTheRestBehindControlFrames() {
        out.endsBetweenFrames = true;
        queue.start(out);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        CompletableFuture<Void> third = new CompletableFuture<>();
        queue.add(Kind.DATA, large(1), first);
        queue.add(Kind.DATA, large(2), second);
        queue.add(Kind.DATA, large(3), third);
        queue.flush();
        queue.add(Kind.CONTROL, bytes(0x8A, 0), null); // a pong, while the three are being written
        queue.flush();
        assertEquals(1, out.writes.size(), "one write at a time");

        out.endWriteAfter(3000); // the socket filled up: the write ended after the first frame
        assertTrue(first.isDone());
        assertFalse(second.isDone(), "ended before it");
        assertEquals(3000, queue.bytesWritten());
        assertEquals(2 + 3000 + 3000, queue.bufferedAmount());

        assertEquals(2, out.writes.size(), "the next written at once");
        assertArrayEquals(new byte[]{(byte) 0x8A, 0}, out.write(1).bytes(), "the pong first");
        out.completeWrite();
        out.completeWrite();
        assertTrue(second.isDone());
        assertEquals(2, out.write(2).bytes()[0]);
        out.completeWrite();
        assertTrue(third.isDone());
        assertEquals(3, out.write(3).bytes()[0]);
        assertEquals(0, queue.bufferedAmount());
        assertEquals(9002, queue.bytesWritten());
    }

    @Test
    @DisplayName("after a write ended early (a full socket), frames go one write each until one goes out whole at once")
    void afterAFullSocketFramesGoOneAtATimeUntilAWriteGoesAtOnce() {
        out.endsBetweenFrames = true;
        queue.start(out);
        for (int i = 1; i <= 3; i++) {
            queue.add(Kind.DATA, large(i), null);
        }
        queue.flush();
        out.endWriteAfter(3000); // the socket filled up: offering it all again would copy it all again
        out.completeWrite(); // the second frame, alone, goes when the peer has read: later, not at once
        for (int i = 4; i <= 6; i++) {
            queue.add(Kind.DATA, large(i), null);
        }
        out.completesAtOnce = true;
        out.completeWrite(); // the third frame; the fourth then goes at once: there is room again
        assertEquals(List.of(3, 1, 1, 1, 2), out.writes.stream().map(w -> w.buffers().length).toList());
        assertEquals(List.of(1, 2, 3, 4, 5), out.writes.stream().map(w -> (int) w.bytes()[0]).toList());
        assertEquals(0, queue.bufferedAmount());
    }

    @Test
    @DisplayName("an output that ends a write of frames inside one breaks its contract: the connection is failed")
    void aWriteEndedInsideAFrameFailsTheConnection() {
        out.endsBetweenFrames = true;
        queue.start(out);
        queue.add(Kind.DATA, large(1), null);
        queue.add(Kind.DATA, large(2), null);
        queue.flush();
        out.endWriteAfter(2999);
        assertEquals(1, writeFailures.size());
        assertInstanceOf(IllegalStateException.class, writeFailures.get(0));
        queue.flush();
        assertEquals(1, out.writes.size(), "nothing moved: the write still counts as in progress");
        assertEquals(6000, queue.bufferedAmount());
    }

    @Test
    @DisplayName("an output that ends a write of one frame (not a write of frames) early breaks its contract: the connection is failed, not left waiting")
    void aPlainWriteEndedEarlyFailsTheConnection() {
        out.endsBetweenFrames = true;
        queue.start(out);
        queue.add(Kind.DATA, large(1), null);
        queue.flush();
        assertNull(out.writes.get(0).frameEnds(), "one frame: a plain write");
        out.endWriteAfter(3000);
        assertEquals(1, writeFailures.size(), "the queue would wait for this write for ever");
        assertInstanceOf(IllegalStateException.class, writeFailures.get(0));
    }

    @Test
    @DisplayName("abort fails every frame of a write of frames; its end reported late changes nothing")
    void abortFailsEveryFrameOfAWriteOfFrames() {
        out.endsBetweenFrames = true;
        queue.start(out);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        queue.add(Kind.DATA, large(1), first);
        queue.add(Kind.DATA, large(2), second);
        queue.flush();
        IllegalStateException cause = new IllegalStateException("gone");
        queue.abort(cause);
        assertSame(cause, failureOf(first));
        assertSame(cause, failureOf(second));

        out.endWriteAfter(3000);
        assertEquals(0, queue.bufferedAmount());
        assertEquals(0, queue.bytesWritten());
        assertEquals(1, out.writes.size(), "nothing written again");
    }

    // ---- failures

    @Test
    @DisplayName("abort fails the frames being written and the queued ones, with its cause, and refuses new ones")
    void abortFailsEverything() {
        queue.start(out);
        CompletableFuture<Void> beingWritten = new CompletableFuture<>();
        CompletableFuture<Void> gatheredWithIt = new CompletableFuture<>();
        CompletableFuture<Void> queued = new CompletableFuture<>();
        CompletableFuture<Void> queuedPing = new CompletableFuture<>();
        queue.add(Kind.DATA, bytes(1), beingWritten);
        queue.add(Kind.DATA, bytes(2), gatheredWithIt);
        queue.flush();
        queue.add(Kind.DATA, bytes(3), queued);
        queue.add(Kind.CONTROL, bytes(4), queuedPing);
        IllegalStateException cause = new IllegalStateException("gone");

        queue.abort(cause);
        for (CompletableFuture<Void> f : List.of(beingWritten, gatheredWithIt, queued, queuedPing)) {
            assertSame(cause, failureOf(f));
        }
        assertEquals(0, queue.bufferedAmount());

        CompletableFuture<Void> late = new CompletableFuture<>();
        queue.add(Kind.DATA, bytes(5), late);
        assertSame(cause, failureOf(late));
        assertEquals(0, queue.bufferedAmount());
    }

    @Test
    @DisplayName("after abort nothing more is written, a late callback changes nothing, and a second abort keeps the first cause")
    void afterAbortNothingMoves() {
        queue.start(out);
        queue.add(Kind.DATA, large(1), null);
        queue.add(Kind.DATA, large(2), null);
        queue.flush();
        int reports = flushedReports.size();
        IllegalStateException cause = new IllegalStateException("gone");
        queue.abort(cause);
        queue.abort(new IllegalStateException("again"));

        out.completeWrite(); // the aborted write's callback, late
        queue.flush();
        assertEquals(1, out.writes.size(), "the queued frame was dropped");
        assertEquals(0, queue.bytesWritten());
        assertEquals(reports, flushedReports.size(), "no flush after abort");

        CompletableFuture<Void> late = new CompletableFuture<>();
        queue.add(Kind.DATA, bytes(3), late);
        assertSame(cause, failureOf(late));
    }

    @Test
    @DisplayName("a failed write is reported to the owner; its frames fail when the owner aborts")
    void writeFailureReportedToTheOwner() {
        queue.start(out);
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(Kind.DATA, bytes(1), done);
        queue.flush();
        IllegalStateException reset = new IllegalStateException("reset by peer");

        out.failWrite(reset);
        assertEquals(List.of(reset), writeFailures);
        assertFalse(done.isDone());
        queue.add(Kind.DATA, bytes(2), null);
        queue.flush();
        assertEquals(1, out.writes.size(), "nothing written after a failed write");

        queue.abort(reset);
        assertSame(reset, failureOf(done));
    }

    // ---- what the owner is told

    @Test
    @DisplayName("each flush reports what is left, the frames being written included; a flush finding a write in progress reports nothing")
    void flushedReportsWhatIsLeft() {
        queue.add(Kind.DATA, large(1), null);
        queue.add(Kind.DATA, large(2), null);
        queue.start(out);
        assertEquals(List.of(6000L), flushedReports);
        assertEquals(6000, queue.bufferedAmount(), "the frame being written counts until it is written");

        queue.flush();
        assertEquals(List.of(6000L), flushedReports, "nothing to do: the write in progress goes on by itself");

        out.completeWrite();
        assertEquals(List.of(6000L, 3000L), flushedReports);
        out.completeWrite();
        assertEquals(List.of(6000L, 3000L, 0L), flushedReports);
        assertEquals(0, queue.bufferedAmount());
    }

    @Test
    @DisplayName("a flush with nothing queued reports 0")
    void emptyFlushReportsZero() {
        queue.start(out);
        assertEquals(List.of(0L), flushedReports);
        queue.flush();
        assertEquals(List.of(0L, 0L), flushedReports);
    }

    @Test
    @DisplayName("all written only once the output reports the last write, not when it took it: even an empty one")
    void allWrittenWaitsForTheOutput() {
        assertTrue(queue.allWritten(), "nothing to write");
        queue.start(out);
        queue.add(Kind.CLOSE, bytes(0x88, 0), null);
        assertFalse(queue.allWritten(), "queued");
        queue.flush();
        assertEquals(2, queue.bufferedAmount());
        assertFalse(queue.allWritten(), "being written: closing now would cut it short");
        out.completeWrite();
        assertTrue(queue.allWritten());

        queue.add(Kind.DATA, new ByteBuffer[]{ByteBuffer.allocate(0)}, null);
        queue.flush();
        assertEquals(0, queue.bufferedAmount());
        assertFalse(queue.allWritten(), "an empty frame still has a write in progress");
        out.completeWrite();
        assertTrue(queue.allWritten());
    }

    @Test
    @DisplayName("bytes written grow as the output reports writes, by all the frames a write carried")
    void bytesWrittenGrowWithReportedWrites() {
        queue.start(out);
        queue.add(Kind.DATA, bytes(1, 2), null);
        queue.add(Kind.DATA, bytes(3, 4, 5), null);
        queue.add(Kind.DATA, large(6), null);
        queue.flush();
        assertEquals(0, queue.bytesWritten(), "handed over, not written");
        out.completeWrite();
        assertEquals(5, queue.bytesWritten());
        out.completeWrite();
        assertEquals(3005, queue.bytesWritten());
    }
}
