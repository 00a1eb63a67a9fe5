package dev.tether.runtime.connection;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionSession;
import dev.tether.message.Message;
import dev.tether.protocol.Role;
import dev.tether.runtime.ConnectionOptions;
import dev.tether.runtime.RuntimeThreads;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The role-neutral connection over a transport driven by hand: no container, no socket. */
class WebSocketConnectionTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final WebSocketListener recorder = new WebSocketListener() {
        @Override
        public void onOpen(WebSocket socket) {
            events.add("open");
        }

        @Override
        public void onText(WebSocket socket, String text) {
            events.add("text:" + text);
        }

        @Override
        public void onClose(WebSocket socket, CloseStatus status) {
            events.add("close:" + status.code());
        }
    };

    private WebSocketConnection connection(ConnectionOptions options) {
        return ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER), out -> out,
                options, recorder);
    }

    /** A masked client text frame. */
    private static ByteBuffer clientText(String text) {
        byte[] payload = text.getBytes();
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) 0x81).put((byte) (0x80 | payload.length)).putInt(0); // a zero mask
        return frame.put(payload).flip();
    }

    @Test
    @DisplayName("sends made before the transport came wait in order, in the connection's one queue, and go at open")
    void sendsBeforeOpenGoAtOpenInOrder() {
        WebSocketConnection socket = connection(ConnectionOptions.defaults());
        CompletionStage<Void> first = socket.send("a");
        CompletionStage<Void> second = socket.send("bc");
        assertEquals(ReadyState.CONNECTING, socket.readyState());
        assertEquals(3, socket.bufferedAmount(), "waiting sends count as buffered");

        FakeTransport transport = new FakeTransport();
        transport.writesAtOnce = true;
        socket.start(transport);

        assertEquals(ReadyState.OPEN, socket.readyState());
        assertArrayEquals(new byte[]{(byte) 0x81, 1, 'a', (byte) 0x81, 2, 'b', 'c'}, transport.take());
        assertTrue(first.toCompletableFuture().isDone() && second.toCompletableFuture().isDone());
        assertEquals(0, socket.bufferedAmount());
        assertEquals(List.of("open"), events);
        assertEquals(List.of("start"), transport.calls, "listeners set before anything is written");
    }

    @Test
    @DisplayName("a close made before open goes behind the sends made before it")
    void closeBeforeOpenGoesBehindTheSends() {
        WebSocketConnection socket = connection(ConnectionOptions.defaults());
        socket.send("a");
        socket.close(1000, "");
        FakeTransport transport = new FakeTransport();
        transport.writesAtOnce = true;
        socket.start(transport);
        assertArrayEquals(new byte[]{(byte) 0x81, 1, 'a', (byte) 0x88, 2, 0x03, (byte) 0xE8}, transport.take());
        assertEquals(ReadyState.CLOSING, socket.readyState());
    }

    @Test
    @DisplayName("reading is asked for again after a flush only when it stopped for backpressure")
    void readingResumesOnlyAfterBackpressure() {
        WebSocketConnection socket = connection(ConnectionOptions.builder().highWaterMark(8).outboundLimit(1 << 20).build());
        FakeTransport transport = new FakeTransport();
        socket.start(transport);
        assertTrue(transport.inbound.wantsInput());

        socket.send("x");
        transport.completeWrite();
        assertEquals(0, transport.demands, "a flush with reading never stopped asks for nothing");

        socket.send("0123456789"); // written, not yet taken: 12 bytes over a mark of 8
        assertTrue(transport.writing());
        assertFalse(transport.inbound.wantsInput(), "backed up: the transport stops reading");
        transport.completeWrite();
        assertEquals(1, transport.demands, "the flush that brought it under the mark resumes reading");
        assertTrue(transport.inbound.wantsInput());
    }

    @Test
    @DisplayName("a ping or pong payload over 125 bytes is refused at the call, whatever the state: an argument error, not a failed send")
    void oversizedControlPayloadIsAnArgumentErrorInEveryState() {
        ByteBuffer tooLong = ByteBuffer.allocate(126);
        WebSocketConnection socket = connection(ConnectionOptions.builder().executor(Runnable::run).build());
        assertThrows(IllegalArgumentException.class, () -> socket.ping(tooLong), "connecting");
        assertThrows(IllegalArgumentException.class, () -> socket.pong(tooLong), "connecting");
        socket.start(new FakeTransport());
        assertThrows(IllegalArgumentException.class, () -> socket.ping(tooLong), "open");
        assertThrows(IllegalArgumentException.class, () -> socket.pong(tooLong), "open");
        socket.terminate();
        assertThrows(IllegalArgumentException.class, () -> socket.ping(tooLong), "closed");
        assertThrows(IllegalArgumentException.class, () -> socket.pong(tooLong), "closed");
        assertTrue(socket.ping(ByteBuffer.allocate(125)).toCompletableFuture().isCompletedExceptionally(),
                "125 bytes pass the check; the closed connection then fails the stage");
    }

    @Test
    @DisplayName("an unsolicited pong goes out as a pong frame, and its stage completes when the frame is written, not before")
    void unsolicitedPongCompletesWhenWritten() {
        WebSocketConnection socket = connection(ConnectionOptions.builder().executor(Runnable::run).build());
        FakeTransport transport = new FakeTransport();
        socket.start(transport);

        CompletionStage<Void> pong = socket.pong(ByteBuffer.wrap(new byte[]{'h', 'i'}));

        assertArrayEquals(new byte[]{(byte) 0x8A, 2, 'h', 'i'}, transport.take());
        assertFalse(pong.toCompletableFuture().isDone(), "the socket has not taken the frame yet");
        transport.completeWrite();
        assertTrue(pong.toCompletableFuture().isDone() && !pong.toCompletableFuture().isCompletedExceptionally());

        socket.terminate();
        assertTrue(socket.pong(ByteBuffer.allocate(0)).toCompletableFuture().isCompletedExceptionally(),
                "a closed connection refuses a pong");
    }

    @Test
    @DisplayName("a dropped connection lets go of its transport before it fails the send in flight, whose buffers may then be reused")
    void abortDropsTheTransportBeforeFailingTheWriteInFlight() {
        // Completions handed to the executor run at once, so the order below is the order of the calls.
        WebSocketConnection socket = connection(ConnectionOptions.builder().executor(Runnable::run).build());
        FakeTransport transport = new FakeTransport();
        socket.start(transport);
        socket.send("a").whenComplete((ok, error) -> transport.calls.add(error != null ? "send failed" : "sent"));
        assertTrue(transport.writing());

        socket.terminate();

        assertEquals(List.of("start", "abort", "send failed"), transport.calls);
    }

    @Test
    @DisplayName("a connection dropped while its transport is starting drops the transport once it has started")
    void abortDuringStartIsNotLost() {
        WebSocketConnection socket = connection(ConnectionOptions.defaults());
        FakeTransport transport = new FakeTransport();
        transport.onStart = socket::terminate; // another thread's abort, between the connection's lock and start()
        socket.start(transport);

        assertEquals(List.of("abort", "start", "abort"), transport.calls, "started after the abort, so aborted again");
        assertEquals(ReadyState.CLOSED, socket.readyState());
    }

    @Test
    @DisplayName("input is parsed and delivered; a paused connection wants none until resumed")
    void pauseAndResume() {
        WebSocketConnection socket = connection(ConnectionOptions.builder().executor(Runnable::run).build()); // resume's demand goes through it
        FakeTransport transport = new FakeTransport();
        socket.start(transport);
        transport.inbound.onInput(clientText("hi"));
        assertEquals(List.of("open", "text:hi"), events);
        assertEquals(8, socket.bytesReceived());

        socket.pause();
        assertFalse(transport.inbound.wantsInput());
        socket.resume();
        assertTrue(transport.inbound.wantsInput());
        assertEquals(1, transport.demands);
    }

    @Test
    @DisplayName("a listener that throws a checked exception past the compiler fails like any listener: onError, close 1011, and the events go on")
    void aSneakyCheckedExceptionFromAListenerIsHandledLikeAnyOther() {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        WebSocketListener throwing = new WebSocketListener() {
            @Override
            public void onText(WebSocket socket, String text) {
                events.add("text:" + text);
                WebSocketConnectionTest.<RuntimeException>sneakyThrow(new IOException("a listener's bug (expected in this test)"));
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                errors.add(error);
            }
        };
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER),
                out -> out, ConnectionOptions.defaults(), throwing);
        FakeTransport transport = new FakeTransport();
        transport.writesAtOnce = true;
        socket.start(transport);

        transport.inbound.onInput(clientText("boom"));

        assertEquals(List.of("text:boom"), events);
        assertInstanceOf(IOException.class, errors.get(0));
        assertEquals(ReadyState.CLOSING, socket.readyState(), "closing with 1011, as for any failing listener");
        transport.inbound.onInput(clientText("next"));
        assertEquals(List.of("text:boom"), events, "no text after the close was sent; nothing stuck either");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    @DisplayName("attributes() takes no lock of the connection's either, the first time included")
    void attributesTakeNoLock() throws Exception {
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER),
                out -> out, ConnectionOptions.defaults(), recorder, null); // no map given: made when first asked for
        CompletableFuture<Map<String, Object>> asked = new CompletableFuture<>();
        synchronized (socket.lock) {
            new Thread(() -> asked.complete(socket.attributes()), "caller").start();
            assertNotNull(asked.get(10, TimeUnit.SECONDS), "attributes() waited for the connection's lock");
        }
        assertSame(asked.get(), socket.attributes(), "one map, made once");
        socket.terminate();
    }

    @Test
    @DisplayName("closed() takes no lock of the connection's: code that holds it (an extension, a listener under it) cannot hold up a caller")
    void closedTakesNoLock() throws Exception {
        WebSocketConnection socket = connection(ConnectionOptions.defaults());
        CompletableFuture<CompletionStage<CloseStatus>> asked = new CompletableFuture<>();
        synchronized (socket.lock) {
            Thread caller = new Thread(() -> asked.complete(socket.closed()), "caller");
            caller.start();
            assertNotNull(asked.get(10, TimeUnit.SECONDS), "closed() waited for the connection's lock");
        }
        socket.terminate();
        assertEquals(CloseCodes.ABNORMAL, asked.get().toCompletableFuture().get(10, TimeUnit.SECONDS).code());
        assertEquals(CloseCodes.ABNORMAL, socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS).code(),
                "asked again after the close");
    }

    @Test
    @DisplayName("deadlines are timed by the injected scheduler and run on the injected executor")
    void timersUseTheInjectedThreads() throws Exception {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        CountDownLatch ran = new CountDownLatch(1);
        Executor executor = task -> new Thread(() -> {
            ranOn.add(Thread.currentThread());
            task.run();
            ran.countDown();
        }, "injected").start();
        try {
            WebSocketConnection socket = connection(ConnectionOptions.builder()
                    .scheduler(scheduler).executor(executor).handshakeTimeout(Duration.ofMillis(1)).build());
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the handshake deadline ran on the injected executor");
            assertTrue(scheduler.getTaskCount() >= 1, "and was scheduled on the injected scheduler");
            assertEquals("injected", ranOn.get(0).getName());
            socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(ReadyState.CLOSED, socket.readyState());
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    @DisplayName("a scheduler without remove-on-cancel keeps no timer of a connection that is over, nor one per message")
    void cancelledTimersLeaveASchedulerWithoutRemoveOnCancel() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setRemoveOnCancelPolicy(false); // the JDK's default, as an application's own scheduler has it
        try {
            ConnectionOptions options = ConnectionOptions.builder().scheduler(scheduler).executor(Runnable::run)
                    .handshakeTimeout(Duration.ofHours(1)).pingInterval(Duration.ofHours(1)).pongTimeout(Duration.ofHours(1))
                    .idleTimeout(Duration.ofHours(4)).closeTimeout(Duration.ofHours(1)).build();
            WebSocketConnection busy = connection(options);
            FakeTransport busyTransport = new FakeTransport();
            busyTransport.writesAtOnce = true;
            busy.start(busyTransport);
            int withOneOpen = scheduler.getQueue().size();
            for (int i = 0; i < 1000; i++) {
                busy.send("x");
                busyTransport.inbound.onInput(clientText("y"));
            }
            assertEquals(withOneOpen, scheduler.getQueue().size(), "messages in and out schedule nothing");
            for (int i = 0; i < 1000; i++) {
                WebSocketConnection socket = connection(options);
                FakeTransport transport = new FakeTransport();
                transport.writesAtOnce = true;
                socket.start(transport);
                socket.terminate();
            }
            assertEquals(withOneOpen, scheduler.getQueue().size(), "the connections that are over left no timer behind");
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    @DisplayName("by default, the threads are the runtime's own daemons, never the common pool")
    void defaultThreadsAreNotTheCommonPool() throws Exception {
        ConnectionOptions defaults = ConnectionOptions.defaults();
        assertNotSame(ForkJoinPool.commonPool(), defaults.executor());
        CountDownLatch ran = new CountDownLatch(1);
        String[] name = new String[1];
        boolean[] daemon = new boolean[1];
        RuntimeThreads.executor().execute(() -> {
            name[0] = Thread.currentThread().getName();
            daemon[0] = Thread.currentThread().isDaemon();
            ran.countDown();
        });
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertTrue(name[0].startsWith("tether-") && daemon[0], name[0]);
    }

    @Test
    @DisplayName("a connection that fails while it is made (a scheduler shut down) closes the extension sessions of its driver")
    void failingConstructorClosesTheDriversExtensions() {
        int[] closes = {0};
        Extension counting = new Extension() {
            @Override
            public String name() {
                return "x-count";
            }

            @Override
            public int rsvBits() {
                return 0;
            }

            @Override
            public ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context) {
                return new ExtensionSession() {
                    @Override
                    public ExtensionParams generateResponse() {
                        return ExtensionParams.of("x-count");
                    }

                    @Override
                    public Message processIncoming(Message message) {
                        return message;
                    }

                    @Override
                    public Message processOutgoing(Message message) {
                        return message;
                    }

                    @Override
                    public void close() {
                        closes[0]++;
                    }
                };
            }

            @Override
            public ExtensionSession createClientSession(ExtensionContext context) {
                return null;
            }
        };
        ScheduledThreadPoolExecutor shutDown = new ScheduledThreadPoolExecutor(1);
        shutDown.shutdown();
        ConnectionOptions options = ConnectionOptions.builder().executor(Runnable::run).scheduler(shutDown).build();
        assertThrows(RejectedExecutionException.class, () -> ServerConnections.answering(ServerConnections.request("x-count"),
                DriverOptions.builder(Role.SERVER).extension(counting).build(), out -> out, options, new WebSocketListener() { }));
        assertEquals(1, closes[0]);
    }
}
