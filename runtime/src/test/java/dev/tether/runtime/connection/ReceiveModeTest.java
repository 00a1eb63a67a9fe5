package dev.tether.runtime.connection;

import dev.tether.api.CloseStatus;
import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.message.MessageType;
import dev.tether.protocol.Role;
import dev.tether.runtime.ConnectionOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a listener receives messages, per type ({@link WebSocketListener#receiveMode}): whole, in
 * parts as the frames arrive, or as a stream read on an application thread, with reading from the
 * peer paused while the stream's reader is behind. Frames are fed by hand through a fake transport.
 */
class ReceiveModeTest {
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CONTINUATION = 0x0;

    private final Events events = new Events();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final FakeTransport transport = new FakeTransport();

    @AfterEach
    void stopThreads() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** A masked client frame (zero mask) with a 7- or 16-bit length. */
    private static ByteBuffer frame(int opcode, boolean fin, byte[] payload) {
        return ServerConnections.clientFrame(opcode, fin, payload);
    }

    private static ByteBuffer frame(int opcode, boolean fin, String hex) {
        return frame(opcode, fin, HexFormat.ofDelimiter(" ").parseHex(hex));
    }

    private WebSocketConnection started(WebSocketListener listener, ConnectionOptions options) {
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER),
                out -> out, options, listener);
        transport.writesAtOnce = true;
        socket.start(transport);
        return socket;
    }

    private ConnectionOptions options(int streamBufferSize) {
        return ConnectionOptions.builder().executor(executor).streamBufferSize(streamBufferSize).build();
    }

    /** Records whole messages, parts and the close; receives the given types in parts. */
    private WebSocketListener partsOf(MessageType... types) {
        List<MessageType> inParts = List.of(types);
        return new WebSocketListener() {
            @Override
            public ReceiveMode receiveMode(MessageType type) {
                return inParts.contains(type) ? ReceiveMode.PARTS : ReceiveMode.WHOLE;
            }

            @Override
            public void onText(WebSocket socket, String text) {
                events.add("text:" + text);
            }

            @Override
            public void onBinary(WebSocket socket, ByteBuffer data) {
                events.add("binary:" + HexFormat.ofDelimiter(" ").formatHex(bytes(data)));
            }

            @Override
            public void onTextPart(WebSocket socket, CharSequence text, boolean last) {
                events.add("text-part:" + text + (last ? ":last" : ":more"));
            }

            @Override
            public void onBinaryPart(WebSocket socket, ByteBuffer data, boolean last) {
                events.add("binary-part:" + HexFormat.ofDelimiter(" ").formatHex(bytes(data)) + (last ? ":last" : ":more"));
            }
        };
    }

    private static byte[] bytes(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    @Test
    @DisplayName("parts: each frame of a message is one call, text cut back to whole characters (\"€\" split e2 | 82 ac)")
    void partsFollowTheFrames() {
        started(partsOf(MessageType.TEXT, MessageType.BINARY), ConnectionOptions.builder().executor(executor).build());
        transport.inbound.onInput(frame(OP_TEXT, false, "48 65 e2"));
        transport.inbound.onInput(frame(OP_CONTINUATION, true, "82 ac"));
        transport.inbound.onInput(frame(OP_BINARY, false, "01 02"));
        transport.inbound.onInput(frame(OP_CONTINUATION, false, ""));
        transport.inbound.onInput(frame(OP_CONTINUATION, true, "03"));
        assertEquals(List.of("text-part:He:more", "text-part:€:last",
                "binary-part:01 02:more", "binary-part::more", "binary-part:03:last"), events.list());
    }

    @Test
    @DisplayName("parts for one type, whole for the other: binary in parts while text still arrives whole")
    void modesPerType() {
        started(partsOf(MessageType.BINARY), ConnectionOptions.builder().executor(executor).build());
        transport.inbound.onInput(frame(OP_TEXT, false, "48 65"));
        transport.inbound.onInput(frame(OP_CONTINUATION, true, "6c 6c 6f"));
        transport.inbound.onInput(frame(OP_BINARY, false, "01"));
        transport.inbound.onInput(frame(OP_CONTINUATION, true, "02"));
        assertEquals(List.of("text:Hello", "binary-part:01:more", "binary-part:02:last"), events.list());
    }

    /** A listener that reads binary streams on the executor: it waits for {@code go}, then reads all of each one. */
    private final class StreamReader implements WebSocketListener {
        final CountDownLatch go = new CountDownLatch(1);
        final CompletableFuture<byte[]> read = new CompletableFuture<>();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile String readingThread;

        @Override
        public ReceiveMode receiveMode(MessageType type) {
            return ReceiveMode.STREAM;
        }

        @Override
        public void onBinaryStream(WebSocket socket, InputStream message) throws IOException {
            readingThread = Thread.currentThread().getName();
            events.add("stream");
            try {
                assertTrue(go.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            try {
                read.complete(message.readAllBytes());
            } catch (IOException e) {
                read.completeExceptionally(e);
                throw e;
            }
            events.add("stream-returns");
        }

        @Override
        public void onTextStream(WebSocket socket, Reader message) throws IOException {
            StringWriter text = new StringWriter();
            message.transferTo(text);
            events.add("text-stream:" + text);
        }

        @Override
        public void onText(WebSocket socket, String text) {
            events.add("text:" + text);
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            events.add("error:" + error);
        }

        @Override
        public void onClose(WebSocket socket, CloseStatus status) {
            events.add("close:" + status.code());
            closed.countDown();
        }
    }

    @Test
    @DisplayName("stream: the reader runs on an application thread; reading from the peer pauses past streamBufferSize and resumes once the reader has taken half")
    void streamPausesTheSocketWhileTheReaderIsBehind() throws Exception {
        StreamReader reader = new StreamReader();
        started(reader, options(1000));
        byte[] message = new byte[5000];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) (i * 31);
        }
        assertTrue(transport.inbound.wantsInput());
        int at = 0;
        while (transport.inbound.wantsInput()) { // the reader is held: what is fed piles up to the limit
            transport.inbound.onInput(frame(at == 0 ? OP_BINARY : OP_CONTINUATION, false, Arrays.copyOfRange(message, at, at + 500)));
            at += 500;
        }
        assertEquals(1000, at, "held back at the limit of 1000 unread bytes");
        int demandsBefore = transport.demands;

        reader.go.countDown();
        awaitDemand(demandsBefore);
        while (at < message.length) {
            awaitInputWanted();
            boolean last = at + 500 == message.length;
            transport.inbound.onInput(frame(OP_CONTINUATION, last, Arrays.copyOfRange(message, at, at + 500)));
            at += 500;
        }
        assertArrayEquals(message, reader.read.get(10, TimeUnit.SECONDS));
        assertFalse(reader.readingThread.startsWith("main"), reader.readingThread);
    }

    @Test
    @DisplayName("stream: the events after a streamed message wait until its reader returns, and the peer is not read past its end until then")
    void eventsBehindAStreamWait() throws Exception {
        StreamReader reader = new StreamReader();
        WebSocketConnection socket = started(reader, options(1 << 20));
        transport.inbound.onInput(frame(OP_BINARY, true, "01 02 03"));
        assertFalse(transport.inbound.wantsInput(), "the message is whole, its reader has not returned: no more reading");
        reader.go.countDown();
        awaitInputWanted(); // asked for again once the reader returned
        transport.inbound.onInput(frame(OP_TEXT, true, "61"));
        awaitEvents(3);
        assertEquals(List.of("stream", "stream-returns", "text-stream:a"), events.list());
        assertArrayEquals(new byte[]{1, 2, 3}, reader.read.get(10, TimeUnit.SECONDS));
        socket.terminate();
    }

    @Test
    @DisplayName("stream: a connection that ends in the middle fails the read with an IOException, not reported as the listener's error; onClose follows")
    void theConnectionEndingFailsTheRead() throws Exception {
        StreamReader reader = new StreamReader();
        started(reader, options(1 << 20));
        transport.inbound.onInput(frame(OP_BINARY, false, "01 02"));
        reader.go.countDown();
        transport.inbound.onEndOfInput();
        assertTrue(reader.closed.await(10, TimeUnit.SECONDS));
        Throwable failure = assertInstanceOf(Throwable.class, reader.read.handle((ok, e) -> e).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failure);
        assertTrue(failure.getMessage().contains("the connection closed (1006) before the message ended"), failure.getMessage());
        assertEquals(List.of("stream", "close:1006"), events.list());
    }

    @Test
    @DisplayName("stream: a Close in the middle of a streamed message fails the read at once (the rest never comes), and is answered when the reader has returned")
    void aCloseInTheMiddleFailsTheReadAtOnce() throws Exception {
        StreamReader reader = new StreamReader();
        started(reader, options(1 << 20)); // the close timeout (30 s) is not what ends the wait
        transport.inbound.onInput(frame(OP_BINARY, false, "01 02"));
        reader.go.countDown();
        transport.inbound.onInput(frame(0x8, true, "03 e8"));
        assertTrue(reader.closed.await(10, TimeUnit.SECONDS), "closed before the close timeout: " + events.list());
        Throwable failure = reader.read.handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, failure);
        assertEquals(List.of("stream", "close:1000"), events.list(), "not reported as the listener's error");
        assertEquals("88 02 03 e8", HexFormat.ofDelimiter(" ").formatHex(transport.take()), "the peer's Close answered");
    }

    @Test
    @DisplayName("stream: what the reader leaves unread is skipped, the rest of the message too, and the next message comes")
    void unreadRestIsSkipped() throws Exception {
        CountDownLatch returned = new CountDownLatch(1);
        WebSocketListener firstByteOnly = StreamListeners.streaming((socket, message) -> {
            events.add("first byte:" + message.read());
            returned.countDown();
        });
        WebSocketConnection socket = started(firstByteOnly, options(4));
        transport.inbound.onInput(frame(OP_BINARY, false, "07 08 09 0a 0b 0c"));
        assertTrue(returned.await(10, TimeUnit.SECONDS));
        awaitInputWanted();
        transport.inbound.onInput(frame(OP_CONTINUATION, true, "0d 0e"));
        transport.inbound.onInput(frame(OP_BINARY, true, "2a"));
        awaitEvents(2);
        assertEquals(List.of("first byte:7", "first byte:42"), events.list());
        socket.terminate();
    }

    @Test
    @DisplayName("stream: a reader that throws is reported and its connection closed with 1011")
    void aReaderThatThrowsClosesWith1011() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        WebSocketListener failing = new WebSocketListener() {
            @Override
            public ReceiveMode receiveMode(MessageType type) {
                return ReceiveMode.STREAM;
            }

            @Override
            public void onTextStream(WebSocket socket, Reader message) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                events.add("error:" + error.getMessage());
            }

            @Override
            public void onClose(WebSocket socket, CloseStatus status) {
                closed.countDown();
            }
        };
        WebSocketConnection socket = started(failing, options(1 << 20));
        transport.inbound.onInput(frame(OP_TEXT, true, "61"));
        assertTrue(transport.wrote.tryAcquire(10, TimeUnit.SECONDS));
        assertEquals(List.of("error:disk full"), events.list(), "reported before the close");
        byte[] written = transport.take();
        assertEquals("88 10 03 f3", HexFormat.ofDelimiter(" ").formatHex(written, 0, 4), "a close frame with 1011");
        socket.terminate();
        assertTrue(closed.await(10, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("stream: text arrives as characters, a character cut by frames whole")
    void textStream() throws Exception {
        StreamReader reader = new StreamReader();
        WebSocketConnection socket = started(reader, options(1 << 20));
        transport.inbound.onInput(frame(OP_TEXT, false, "e2 82"));
        transport.inbound.onInput(frame(OP_CONTINUATION, true, "ac 21"));
        awaitEvents(1);
        assertEquals(List.of("text-stream:€!"), events.list());
        socket.terminate();
    }

    @Test
    @DisplayName("resume() inside a listener call does not read on that thread: what it read could not be delivered until the call returned, while reading went on")
    void resumeInsideAListenerReadsElsewhere() throws Exception {
        CompletableFuture<Thread> listenerThread = new CompletableFuture<>();
        WebSocketListener resuming = new WebSocketListener() {
            @Override
            public void onText(WebSocket socket, String text) {
                socket.pause();
                socket.resume();
                listenerThread.complete(Thread.currentThread());
            }
        };
        WebSocketConnection socket = started(resuming, ConnectionOptions.builder().executor(executor).build());
        transport.inbound.onInput(frame(OP_TEXT, true, "61"));
        Thread listener = listenerThread.get(10, TimeUnit.SECONDS);
        awaitDemand(0);
        assertFalse(transport.demandThreads.contains(listener), "demanded on " + transport.demandThreads);
        socket.terminate();
    }

    @Test
    @DisplayName("a write that completes on the thread delivering the events (a send inside a listener) asks for input elsewhere")
    void aFlushInsideEventDeliveryReadsElsewhere() throws Exception {
        CompletableFuture<Thread> listenerThread = new CompletableFuture<>();
        WebSocketListener completing = new WebSocketListener() {
            @Override
            public void onText(WebSocket socket, String text) {
                transport.completeWrite(); // the write that backed the connection up completes here
                listenerThread.complete(Thread.currentThread());
            }
        };
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER),
                out -> out, ConnectionOptions.builder().executor(executor).highWaterMark(8).outboundLimit(1 << 20).build(), completing);
        socket.start(transport); // writes wait for completeWrite()
        socket.send("0123456789");
        assertFalse(transport.inbound.wantsInput(), "backed up");
        transport.inbound.onInput(frame(OP_TEXT, true, "61"));
        Thread listener = listenerThread.get(10, TimeUnit.SECONDS);
        awaitDemand(0);
        assertFalse(transport.demandThreads.contains(listener), "demanded on " + transport.demandThreads);
        socket.terminate();
    }

    /** Waits for the transport to be asked for input after {@code before} demands. */
    private void awaitDemand(int before) throws InterruptedException {
        while (transport.demands == before) {
            assertTrue(transport.demanded.tryAcquire(10, TimeUnit.SECONDS), "no demand for input came");
        }
    }

    /** Waits until the connection wants input: asked again after a demand, as a transport would. */
    private void awaitInputWanted() throws InterruptedException {
        while (!transport.inbound.wantsInput()) {
            assertTrue(transport.demanded.tryAcquire(10, TimeUnit.SECONDS), "input never wanted again");
        }
    }

    private void awaitEvents(int count) throws InterruptedException {
        events.await(count);
    }

    /** The listener calls recorded, in order, from any thread; a test waits for a count of them. */
    private static final class Events {
        private final List<String> recorded = new ArrayList<>();

        synchronized void add(String event) {
            recorded.add(event);
            notifyAll();
        }

        synchronized List<String> list() {
            return List.copyOf(recorded);
        }

        synchronized void await(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (recorded.size() < count) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, "events so far: " + recorded);
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
