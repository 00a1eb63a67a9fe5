package dev.tether.client.nio;

import dev.tether.driver.WireOutput.Kind;
import dev.tether.runtime.Output;
import dev.tether.runtime.Output.WriteCallback;
import dev.tether.runtime.io.OutboundQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client socket's writes of frames, cut after the frame the socket fills up in, under the outbound queue. */
class SocketWritesFramesTest {
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private SelectorLoop loop;
    private ServerSocketChannel server;
    private SocketChannel peer;
    private SocketChannel channel;
    private SocketTransport transport;

    @BeforeEach
    void connect() throws Exception {
        loop = new SelectorLoop("frames-test-selector");
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_RCVBUF, 8 * 1024);
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 8 * 1024);
        channel.connect(server.getLocalAddress());
        peer = server.accept();
        channel.configureBlocking(false);
        CompletableFuture<SelectionKey> key = new CompletableFuture<>();
        loop.register(channel, 0, new SelectorLoop.Selectable() {
            @Override
            public void onReady(SelectionKey k, int readyOps) {
            }

            @Override
            public void onLoopClosed() {
            }
        }, key::complete, key::completeExceptionally);
        transport = new SocketTransport(channel, key.get(5, TimeUnit.SECONDS), loop, executor, scheduler,
                16 * 1024, 4, Duration.ofSeconds(1));
    }

    @AfterEach
    void close() throws IOException {
        transport.abort();
        peer.close();
        server.close();
        loop.close();
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    /** Bytes no frame of the first test holds (their bytes are 0 to 39). */
    private static final byte[] MARKER = {-1, -2, -3, -4, -5, -6, -7, -8};

    /** A frame of {@code size} bytes, each its index's low byte: where the peer stops in one shows. */
    private static ByteBuffer frame(int index, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        for (int i = 0; i < size; i++) {
            b.put((byte) index);
        }
        return b.flip();
    }

    private static final class Outcome implements WriteCallback {
        final CompletableFuture<Long> ended = new CompletableFuture<>(); // -1: whole

        @Override
        public void written() {
            ended.complete(-1L);
        }

        @Override
        public void writtenUpTo(long bytes) {
            ended.complete(bytes);
        }

        @Override
        public void failed(Throwable error) {
            ended.completeExceptionally(error);
        }
    }

    @Test
    void aWriteOfFramesEndsAtTheEndOfTheFrameTheSocketFilledUpInAndLeavesTheOthersUntouched() throws Exception {
        int frames = 40;
        int size = 16 * 1024;
        ByteBuffer[] buffers = new ByteBuffer[frames];
        int[] ends = new int[frames];
        for (int i = 0; i < frames; i++) {
            buffers[i] = frame(i, size);
            ends[i] = i + 1;
        }
        Outcome outcome = new Outcome();
        transport.writeFrames(buffers, ends, outcome);
        // The peer reads everything that comes, until it has the write's bytes and a marker written after them.
        ByteBuffer got = ByteBuffer.allocate(frames * size + MARKER.length);
        long[] expected = {Long.MAX_VALUE};
        peer.configureBlocking(true);
        InputStream in = peer.socket().getInputStream();
        CompletableFuture<Void> peerRead = CompletableFuture.runAsync(() -> {
            byte[] chunk = new byte[4096];
            try {
                while (true) {
                    synchronized (expected) {
                        if (got.position() >= expected[0]) {
                            return;
                        }
                    }
                    int n = in.read(chunk, 0, Math.min(chunk.length, got.remaining()));
                    if (n < 0) {
                        return;
                    }
                    synchronized (expected) {
                        got.put(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> new Thread(task, "peer").start()); // not the transport's executor: it needs its threads
        long endedAt = outcome.ended.get(10, TimeUnit.SECONDS);
        assertTrue(endedAt > 0, "the socket cannot take 640 KiB at once: the write ends early");
        assertEquals(0, endedAt % size, "ended at a frame's end: " + endedAt);
        int written = (int) (endedAt / size);
        for (int i = written; i < frames; i++) {
            assertEquals(0, buffers[i].position(), "frame " + i + " untouched");
        }
        assertEquals(0, buffers[written - 1].remaining(), "the last frame written is written whole");

        // A marker written after the write ended comes right after its bytes: nothing more of the write came.
        synchronized (expected) {
            expected[0] = endedAt + MARKER.length;
        }
        Outcome marked = new Outcome();
        transport.write(new ByteBuffer[] {ByteBuffer.wrap(MARKER)}, marked);
        assertEquals(-1L, marked.ended.get(10, TimeUnit.SECONDS));
        peerRead.get(10, TimeUnit.SECONDS);
        got.flip();
        assertEquals(endedAt + MARKER.length, got.limit(), "the peer got the write's first frames, then the marker");
        for (int i = 0; i < endedAt; i++) {
            if (got.get(i) != (byte) (i / size)) {
                throw new AssertionError("byte " + i + " is of frame " + got.get(i));
            }
        }
        for (int i = 0; i < MARKER.length; i++) {
            assertEquals(MARKER[i], got.get((int) endedAt + i), "the marker, right after the write's bytes");
        }
    }

    /**
     * The outbound queue over the client transport, frames of random sizes from one thread and
     * pings (control frames) from another, a peer reading in random bits: every frame arrives whole,
     * data frames in order, control frames in order, every completion fires, and the counts agree.
     */
    @RepeatedTest(5)
    void theQueueOverTheClientSocketKeepsFramesWholeAndInOrder() throws Exception {
        Random random = new Random();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        OutboundQueue queue = new OutboundQueue(new OutboundQueue.Owner() {
            @Override
            public void flushed(long buffered) {
            }

            @Override
            public void writeFailed(Throwable error) {
                failures.add(error);
            }
        }, executor);
        AtomicInteger frameWrites = new AtomicInteger();
        AtomicInteger cuts = new AtomicInteger();
        AtomicLong offered = new AtomicLong();
        queue.start(new Output() {
            @Override
            public void write(ByteBuffer[] buffers, WriteCallback callback) {
                transport.write(buffers, callback);
            }

            @Override
            public boolean endsWritesBetweenFrames() {
                return transport.endsWritesBetweenFrames();
            }

            @Override
            public void writeFrames(ByteBuffer[] buffers, int[] frameEnds, WriteCallback callback) {
                frameWrites.incrementAndGet();
                long n = 0;
                for (ByteBuffer b : buffers) {
                    n += b.remaining();
                }
                offered.addAndGet(n);
                transport.writeFrames(buffers, frameEnds, new WriteCallback() {
                    @Override
                    public void written() {
                        callback.written();
                    }

                    @Override
                    public void writtenUpTo(long bytes) {
                        cuts.incrementAndGet();
                        callback.writtenUpTo(bytes);
                    }

                    @Override
                    public void failed(Throwable error) {
                        callback.failed(error);
                    }
                });
            }
        });
        List<CompletableFuture<Void>> all = Collections.synchronizedList(new ArrayList<>());
        long[] total = new long[1];
        int dataFrames = 300;
        int controlFrames = 200;
        // a frame: kind (0 data, 1 control), its number (int), its length (int), then length bytes of its number
        Thread data = new Thread(() -> {
            Random r = new Random(random.nextLong());
            for (int i = 0; i < dataFrames; i++) {
                int length = r.nextInt(4) == 0 ? r.nextInt(200_000) : r.nextInt(3000);
                ByteBuffer f = ByteBuffer.allocate(9 + length).put((byte) 0).putInt(i).putInt(length);
                while (f.hasRemaining()) {
                    f.put((byte) i);
                }
                CompletableFuture<Void> c = new CompletableFuture<>();
                all.add(c);
                synchronized (total) {
                    total[0] += f.capacity();
                }
                queue.add(Kind.DATA, new ByteBuffer[] {f.flip()}, c);
                queue.flush();
                if (r.nextInt(10) == 0) {
                    Thread.yield();
                }
            }
        });
        Thread control = new Thread(() -> {
            Random r = new Random(random.nextLong());
            for (int i = 0; i < controlFrames; i++) {
                int length = r.nextInt(126);
                ByteBuffer f = ByteBuffer.allocate(9 + length).put((byte) 1).putInt(i).putInt(length);
                while (f.hasRemaining()) {
                    f.put((byte) i);
                }
                CompletableFuture<Void> c = new CompletableFuture<>();
                all.add(c);
                synchronized (total) {
                    total[0] += f.capacity();
                }
                queue.add(Kind.CONTROL, new ByteBuffer[] {f.flip()}, c);
                queue.flush();
                if (r.nextInt(5) == 0) {
                    Thread.yield(); // let the data frames run ahead a little
                }
            }
        });
        data.start();
        control.start();
        peer.configureBlocking(true);
        InputStream in = peer.socket().getInputStream();
        Random slow = new Random(random.nextLong());
        DataInputStream frames = new DataInputStream(new BufferedInputStream(new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (slow.nextInt(50) == 0) {
                    Thread.yield(); // now and then, the writers run while the peer is away
                }
                return super.read(b, off, Math.min(len, 1 + slow.nextInt(20_000))); // a slow peer: small reads
            }
        }, 32 * 1024));
        int nextData = 0;
        int nextControl = 0;
        long read = 0;
        while (nextData < dataFrames || nextControl < controlFrames) {
            int kind = frames.readUnsignedByte();
            int number = frames.readInt();
            int length = frames.readInt();
            assertTrue(kind == 0 || kind == 1, "a frame starts at " + read + ", not " + kind);
            if (kind == 0) {
                assertEquals(nextData++, number, "data frames in order");
            } else {
                assertEquals(nextControl++, number, "control frames in order");
            }
            byte[] body = new byte[length];
            frames.readFully(body);
            for (int i = 0; i < length; i++) {
                if (body[i] != (byte) number) {
                    throw new AssertionError("frame " + kind + "/" + number + " cut at " + i + " of " + length);
                }
            }
            read += 9 + length;
        }
        data.join();
        control.join();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(total[0], read);
        assertTrue(queue.allWritten());
        assertTrue(cuts.get() > 0, "some writes were cut");
        assertTrue(offered.get() >= total[0], offered + " offered for " + total[0]); // every byte at least once
        assertEquals(total[0], queue.bytesWritten());
    }
}
