package dev.tether.runtime.connection;

import dev.tether.api.ReadyState;
import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.message.MemoryBudget;
import dev.tether.message.MessageType;
import dev.tether.protocol.Role;
import dev.tether.runtime.ConnectionOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How far a peer gets ahead of a streamed message's reader, in the cases the first version got
 * wrong (each failed before its fix): a read that carries the end of one streamed message and the
 * start of the next, a peer's Close inside the second, a ping flood inside a stream, a bounded
 * executor, the keepalive while reading is held back, and a compressed message that inflates far
 * past the stream's limit in one read.
 */
class StreamBackpressureTest {
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final FakeTransport transport = new FakeTransport();

    @AfterEach
    void stopThreads() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** A masked client frame (zero mask) with a 7- or 16-bit length. */
    private static ByteBuffer frame(int firstByte, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(8 + payload.length).put((byte) firstByte);
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        }
        return frame.putInt(0).put(payload).flip();
    }

    private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
        return ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();
    }

    private WebSocketConnection started(WebSocketListener listener, ConnectionOptions options) {
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER),
                out -> out, options, listener);
        transport.writesAtOnce = true;
        socket.start(transport);
        return socket;
    }

    /** Reads binary streams: the first wholly, then waits for {@code firstMayReturn}; the second waits for {@code secondMayRead}. */
    private static final class TwoReaders implements WebSocketListener {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch firstMayReturn = new CountDownLatch(1);
        final CountDownLatch secondStarted = new CountDownLatch(1);
        final CountDownLatch secondMayRead = new CountDownLatch(1);
        final CompletableFuture<Object> second = new CompletableFuture<>();

        @Override
        public ReceiveMode receiveMode(MessageType type) {
            return ReceiveMode.STREAM;
        }

        @Override
        public void onBinaryStream(WebSocket socket, InputStream message) throws IOException {
            if (calls.incrementAndGet() == 1) {
                message.readAllBytes();
                await(firstMayReturn);
                return;
            }
            secondStarted.countDown();
            await(secondMayRead);
            try {
                second.complete(message.readAllBytes().length);
            } catch (IOException e) {
                second.complete(e);
                throw e;
            }
        }
    }

    @Test
    @DisplayName("one read with the end of a streamed message and the start of the next: the second is still held to streamBufferSize")
    void theSecondStreamOfARead() throws Exception {
        TwoReaders listener = new TwoReaders();
        WebSocketConnection socket = started(listener, ConnectionOptions.builder().executor(executor).streamBufferSize(1000).build());
        transport.inbound.onInput(concat(frame(0x82, new byte[]{1}), frame(0x02, new byte[500])));
        assertTrue(!transport.inbound.wantsInput(), "nothing more while the first message's reader runs");
        listener.firstMayReturn.countDown();
        assertTrue(listener.secondStarted.await(10, TimeUnit.SECONDS));
        awaitInputWanted();
        int fed = 500;
        while (transport.inbound.wantsInput() && fed < 100_000) {
            transport.inbound.onInput(frame(0x00, new byte[500]));
            fed += 500;
        }
        assertEquals(1000, fed, "held back at the limit");
        listener.secondMayRead.countDown();
        awaitInputWanted();
        transport.inbound.onInput(frame(0x80, new byte[0]));
        assertEquals(1000, listener.second.get(10, TimeUnit.SECONDS));
        socket.terminate();
    }

    @Test
    @DisplayName("a peer's Close in the middle of the second streamed message of a read fails its read at once and is answered")
    void aCloseInTheSecondStream() throws Exception {
        TwoReaders listener = new TwoReaders();
        WebSocketConnection socket = started(listener, ConnectionOptions.builder().executor(executor)
                .closeTimeout(Duration.ofSeconds(30)).build());
        transport.inbound.onInput(concat(frame(0x82, new byte[]{1}), frame(0x02, new byte[10])));
        listener.firstMayReturn.countDown();
        assertTrue(listener.secondStarted.await(10, TimeUnit.SECONDS));
        awaitInputWanted();
        transport.inbound.onInput(frame(0x88, new byte[]{0x03, (byte) 0xe8}));
        listener.secondMayRead.countDown();
        Object outcome = listener.second.get(10, TimeUnit.SECONDS); // not the 30 s close timeout
        assertTrue(outcome instanceof IOException, "the read failed: " + outcome);
        assertTrue(socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS).wasClean());
        assertEquals("88 02 03 e8", HexFormat.ofDelimiter(" ").formatHex(transport.take()), "the Close answered");
    }

    @Test
    @DisplayName("2,000 pings in the middle of a streamed message: reading goes on, the pings are answered, and the message arrives")
    void aPingFloodInsideAStream() throws Exception {
        CompletableFuture<Object> read = new CompletableFuture<>();
        WebSocketListener listener = StreamListeners.readingAllAfter(new CountDownLatch(0), read);
        WebSocketConnection socket = started(listener, ConnectionOptions.builder().executor(executor).build());
        transport.inbound.onInput(frame(0x02, new byte[10]));
        for (int i = 0; i < 2000; i++) {
            awaitInputWanted();
            transport.inbound.onInput(frame(0x89, new byte[0]));
        }
        synchronized (socket.lock) {
            assertEquals(StreamedMessage.MOST_EVENTS_BEHIND, socket.controlEventsBehindStream, "ping events queued behind the stream, the rest answered only");
        }
        awaitInputWanted();
        transport.inbound.onInput(frame(0x80, new byte[5]));
        assertEquals(15, read.get(10, TimeUnit.SECONDS));
        byte[] written = transport.take();
        assertEquals(2000 * 2, written.length, "2,000 pongs");
        socket.terminate();
    }

    @Test
    @DisplayName("a reader on a one-thread executor still gets its input: reading is asked for on the reader's own thread")
    void aBoundedExecutor() throws Exception {
        ExecutorService single = Executors.newFixedThreadPool(1);
        try {
            CompletableFuture<Object> read = new CompletableFuture<>();
            WebSocketListener listener = StreamListeners.readingAllAfter(new CountDownLatch(0), read);
            WebSocketConnection socket = started(listener, ConnectionOptions.builder().executor(single).streamBufferSize(1000).build());
            int fed = 0;
            while (fed < 20_000) {
                awaitInputWanted();
                transport.inbound.onInput(frame(fed == 0 ? 0x02 : 0x00, new byte[500]));
                fed += 500;
            }
            awaitInputWanted();
            transport.inbound.onInput(frame(0x80, new byte[0]));
            assertEquals(20_000, read.get(10, TimeUnit.SECONDS));
            socket.terminate();
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    @DisplayName("while a stream's reader holds reading back, the keepalive does not take the peer for dead")
    void theKeepaliveWhileReadingIsHeldBack() throws Exception {
        CountDownLatch mayRead = new CountDownLatch(1);
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        WebSocketListener listener = StreamListeners.readingAllAfter(mayRead, outcome);
        WebSocketConnection socket = started(listener, ConnectionOptions.builder().executor(executor).streamBufferSize(1000)
                .pingInterval(Duration.ofMillis(50)).pongTimeout(Duration.ofMillis(100)).build());
        transport.inbound.onInput(frame(0x02, new byte[1000]));
        assertTrue(!transport.inbound.wantsInput(), "held back");
        // Three keepalive pings written: the pong deadline of the first has passed (a ping is sent
        // only when none is awaited), with the peer's bytes unread because of us.
        transport.take();
        for (int pings = 0; pings < 3; pings++) {
            assertTrue(transport.wrote.tryAcquire(10, TimeUnit.SECONDS), "a keepalive ping");
        }
        assertEquals(ReadyState.OPEN, socket.readyState());
        mayRead.countDown();
        awaitInputWanted();
        transport.inbound.onInput(frame(0x80, new byte[0]));
        assertEquals(1000, outcome.get(10, TimeUnit.SECONDS));
        socket.terminate();
    }

    @Test
    @DisplayName("a compressed message that inflates to 32 MiB in one read: counted against messageMemory, and past it the connection closes with 1013")
    void inflationPastTheStreamIsCounted() throws Exception {
        CountDownLatch mayReturn = new CountDownLatch(1);
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        WebSocketListener listener = StreamListeners.readingAllAfter(mayReturn, outcome);
        MemoryBudget budget = MemoryBudget.of(4 << 20);
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request("permessage-deflate"),
                DriverOptions.builder(Role.SERVER).maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT)
                        .extension(PerMessageDeflate.defaults()).build(),
                out -> out, ConnectionOptions.builder().executor(executor).streamBufferSize(1000).messageMemory(budget).build(), listener);
        transport.writesAtOnce = true;
        socket.start(transport);
        Deflater deflater = new Deflater(9, true);
        deflater.setInput(new byte[32 << 20]); // zeros
        deflater.finish();
        byte[] out = new byte[1 << 20];
        int n = deflater.deflate(out);
        deflater.end();
        ByteBuffer frame = ByteBuffer.allocate(8 + n).put((byte) (0x80 | 0x40 | 0x2)).put((byte) (0x80 | 126)).putShort((short) n)
                .putInt(0).put(Arrays.copyOf(out, n)).flip();
        transport.inbound.onInput(frame);
        assertTrue(budget.reserved() <= 4 << 20, "held within the budget: " + budget.reserved());
        byte[] written = transport.take();
        assertEquals("88", HexFormat.of().formatHex(written, 0, 1), "a close frame");
        assertEquals(1013, ((written[2] & 0xff) << 8) | (written[3] & 0xff));
        mayReturn.countDown();
        assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof IOException, "the read fails");
        socket.terminate();
        socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
        awaitReleased(budget);
    }

    private static void awaitReleased(MemoryBudget budget) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (budget.reserved() != 0) { // the reader's thread lets go once its method has returned
            assertTrue(System.nanoTime() < deadline, "still reserved: " + budget.reserved());
            Thread.onSpinWait();
        }
    }

    private void awaitInputWanted() throws InterruptedException {
        while (!transport.inbound.wantsInput()) {
            assertTrue(transport.demanded.tryAcquire(10, TimeUnit.SECONDS), "input never wanted again");
        }
    }

    private static void await(CountDownLatch latch) {
        StreamListeners.await(latch);
    }
}
