package dev.tether.servlet;

import dev.tether.servlet.testing.JdkClient;

import dev.tether.api.CloseStatus;
import dev.tether.api.ConnectionClosedException;
import dev.tether.api.ReadyState;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closing, cleanly and not: onClose fires exactly once, every send is settled, the socket goes. */
class WebSocketCloseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void clientClosesAndTheServerEchoes(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            server.socket();
            client.socket.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
            assertEquals(1000, client.closed.get(10, TimeUnit.SECONDS));
            CloseStatus status = server.awaitClose();
            assertEquals(new CloseStatus(1000, "bye", true), status);
            assertEquals(ReadyState.CLOSED, server.socket().readyState());
            assertEquals(status, server.socket().closed().toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertEquals(1, server.closeCalls.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void serverClosesAfterWritingWhatWasQueued(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            for (int i = 0; i < 10; i++) {
                socket.send("message " + i);
            }
            socket.close(4001, "done");
            for (int i = 0; i < 10; i++) {
                assertEquals("message " + i, client.readFrame(TIMEOUT).text());
            }
            RawWebSocketClient.CloseFrame close = client.readCloseFrame(TIMEOUT);
            assertEquals(new RawWebSocketClient.CloseFrame(4001, "done"), close);
            client.sendFrame(0x88, closePayload(4001, ""), true);
            client.awaitEof(TIMEOUT);
            assertEquals(new CloseStatus(4001, "", true), server.awaitClose());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("a peer that sends its Close and its FIN at once still gets the Close answer, and the server sees a clean close, no error")
    void aFinRightAfterThePeersCloseIsAnEndOfInputNotAFailure(Container container) throws Exception {
        BlockingQueue<RecordingListener> servers = new LinkedBlockingQueue<>();
        TestServlet servlet = new TestServlet(WebSocketOptions.defaults(), request -> {
            RecordingListener server = new RecordingListener().echoing();
            servers.add(server);
            return server;
        });
        // Right after the upgrade the answer may not be written at once (Tomcat): whether the FIN is
        // read while it is still queued is down to timing, so many connections, within a bound.
        int attempts = 50;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> failures = new ArrayList<>();
        int made = 0;
        try (RunningServer running = container.start(r -> r.addServlet("/ws", servlet))) {
            for (; made < attempts && System.nanoTime() < deadline; made++) {
                try (RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                    RecordingListener server = servers.poll(10, TimeUnit.SECONDS);
                    assertNotNull(server, "the connection was upgraded");
                    // The peer's last words, its Close and its FIN, all at once.
                    client.sendRaw(concat(RawWebSocketClient.frame(0x81, "last words".getBytes(StandardCharsets.UTF_8), true),
                            RawWebSocketClient.frame(0x88, closePayload(4000, "bye"), true)));
                    client.shutdownOutput();
                    assertEquals("last words", client.readFrame(TIMEOUT).text(), "the echo, before the Close answer");
                    assertEquals(4000, client.readCloseFrame(TIMEOUT).code(), "the Close answer");
                    client.awaitEof(TIMEOUT);
                    assertEquals(new CloseStatus(4000, "bye", true), server.awaitClose());
                    assertEquals(List.of(), server.errors, "a half-close is no error");
                    assertEquals(1, server.closeCalls.get());
                } catch (AssertionFailedError | IOException e) {
                    failures.add("connection " + made + ": " + e);
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + made + " connections failed, first: "
                + failures.subList(0, Math.min(3, failures.size())));
        assertTrue(made >= 10, "only " + made + " connections within the time bound");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("what is queued when the peer's Close and FIN are read is still written, then the Close answer")
    void whatIsQueuedWhenTheFinArrivesIsStillWritten(Container container) throws Exception {
        // Far above what loopback socket buffers hold, so most of it is still on the server (ours or
        // the container's buffers); the high-water mark above it, so that it does not stop reading.
        int size = 32 << 20;
        WebSocketOptions options = WebSocketOptions.builder().outboundLimit(2L * size).highWaterMark(2L * size).build();
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            byte[] message = new byte[size];
            new Random(8).nextBytes(message);
            CompletableFuture<Void> sent = socket.send(message).toCompletableFuture(); // queued when send returns
            // Only then the peer's Close and FIN, while the client reads nothing yet.
            client.sendFrame(0x88, closePayload(4000, "bye"), true);
            client.shutdownOutput();

            RawWebSocketClient.Frame frame = client.readMessage(TIMEOUT);
            assertEquals(0x2, frame.opcode());
            assertTrue(Arrays.equals(message, frame.payload()), "the whole message");
            assertEquals(4000, client.readCloseFrame(TIMEOUT).code(), "then the Close answer");
            client.awaitEof(TIMEOUT);
            sent.get(10, TimeUnit.SECONDS);
            assertEquals(new CloseStatus(4000, "bye", true), server.awaitClose());
            assertEquals(List.of(), server.errors, "a half-close is no error");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPeerThatNeverAnswersOurCloseIsDroppedAfterTheCloseTimeout(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        WebSocketOptions options = WebSocketOptions.builder().closeTimeout(Duration.ofMillis(300)).build();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            server.socket().close(1000, "");
            assertEquals(1000, client.readCloseFrame(TIMEOUT).code());
            client.awaitEof(TIMEOUT);
            CloseStatus status = server.awaitClose();
            assertEquals(1006, status.code());
            assertFalse(status.wasClean());
            assertEquals(1, server.closeCalls.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPeerThatVanishesMidFrameEndsTheConnectionWith1006(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)))) {
            RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"));
            WebSocket socket = server.socket();
            client.sendRaw(new byte[]{(byte) 0x82, (byte) 0xFE, 0x10}); // half a header
            client.close();
            CloseStatus status = server.awaitClose();
            assertEquals(1006, status.code());
            assertFalse(status.wasClean());
            Throwable failure = socket.send("too late").toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
            assertInstanceOf(ConnectionClosedException.class, failure);
            assertEquals(1, server.closeCalls.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void bothEndsClosingAtOnceEndCleanly(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            client.sendFrame(0x88, closePayload(1001, "going"), true);
            socket.close(1000, "too");
            RawWebSocketClient.CloseFrame close = client.readCloseFrame(TIMEOUT);
            assertTrue(close.code() == 1000 || close.code() == 1001, "one close frame back: " + close);
            client.awaitEof(TIMEOUT);
            CloseStatus status = server.awaitClose();
            assertTrue(status.wasClean());
            assertEquals(1, server.closeCalls.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void sendsRacingCloseAreEachWrittenOrFailed(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 2000; i++) {
                    sends.add(socket.send("n" + i).toCompletableFuture());
                }
            });
            socket.close(1000, "");
            sender.get(10, TimeUnit.SECONDS);
            int written = 0;
            for (CompletableFuture<Void> send : sends) {
                try {
                    send.get(10, TimeUnit.SECONDS);
                    written++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertInstanceOf(ConnectionClosedException.class, e.getCause());
                }
            }
            server.awaitClose();
            for (int i = 0; i < written; i++) {
                assertEquals("n" + i, client.next(), "what was written arrives, in order");
            }
            assertEquals(1, server.closeCalls.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void eventsAreNeverDeliveredInsideTheApplicationsOwnCall(Container container) throws Exception {
        CompletableFuture<Thread> closedOn = new CompletableFuture<>();
        RecordingListener server = new RecordingListener() {
            @Override
            public void onClose(WebSocket socket, CloseStatus status) {
                closedOn.complete(Thread.currentThread());
                super.onClose(socket, status);
            }
        };
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            socket.terminate(); // the application's thread: onClose must not run inside this call
            assertTrue(closedOn.get(10, TimeUnit.SECONDS) != Thread.currentThread(), "onClose ran inside terminate()");
            client.awaitEof(TIMEOUT);
        }
    }

    /**
     * A listener that blocks in onClose (a slow database call recording the departure) holds up its
     * own thread only: a connection reset under a pending write is reported off the container's I/O
     * thread, so another connection's echo goes on. The blocked onClose waits for that echo, so a
     * report on a shared I/O thread would starve the echo until the wait gave up.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aListenerBlockingInOnCloseHoldsUpNoOtherConnection(Container container) throws Exception {
        CountDownLatch closing = new CountDownLatch(1);
        CountDownLatch otherEchoed = new CountDownLatch(1);
        CompletableFuture<Boolean> releasedByTheEcho = new CompletableFuture<>();
        WebSocketListener blocking = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket socket) {
                socket.pause(); // not reading: the reset is found by the pending write
                socket.send(ByteBuffer.allocate(32 << 20)); // more than loopback's sockets hold: a write stays pending
            }

            @Override
            public void onClose(WebSocket socket, CloseStatus status) {
                closing.countDown();
                try {
                    releasedByTheEcho.complete(otherEchoed.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    releasedByTheEcho.complete(false);
                }
            }
        };
        RecordingListener echo = new RecordingListener().echoing();
        try (RunningServer running = container.start(r -> r.addServlet("/big", TestServlet.of(blocking))
                .addServlet("/echo", TestServlet.of(echo)));
             RawWebSocketClient other = RawWebSocketClient.connect(running.wsUri("/echo"))) {
            RawWebSocketClient leaving = RawWebSocketClient.connect(running.wsUri("/big")); // closed with a reset below
            leaving.readExactly(1, TIMEOUT); // the 32 MiB are on their way: the rest waits for this reader
            leaving.resetOnClose();
            leaving.close();
            assertTrue(closing.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the reset was reported");
            other.sendFrame(0x81, "still there?".getBytes(StandardCharsets.UTF_8), true);
            assertEquals("still there?", other.readFrame(TIMEOUT).text(), container + ": the other connection's echo");
            otherEchoed.countDown();
            assertTrue(releasedByTheEcho.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "onClose was released by the echo");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void terminateDropsTheConnectionWithoutAHandshake(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            server.socket().terminate();
            assertEquals(0, client.awaitEof(TIMEOUT).length, "no close frame, just the end");
            assertEquals(1006, server.awaitClose().code());
            CompletionException closed = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> server.socket().ping().toCompletableFuture().join());
            assertInstanceOf(ConnectionClosedException.class, closed.getCause());
        }
    }
}
