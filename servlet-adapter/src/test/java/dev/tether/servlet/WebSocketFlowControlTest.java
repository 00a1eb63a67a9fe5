package dev.tether.servlet;

import dev.tether.runtime.OverflowPolicy;
import dev.tether.servlet.testing.JdkClient;

import dev.tether.api.CloseStatus;
import dev.tether.api.OutboundOverflowException;
import dev.tether.api.WebSocket;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import dev.tether.servlet.upgrade.ContainerUpgrade;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Slow consumers, backpressure and inbound pause/resume. */
class WebSocketFlowControlTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int CHUNK = 64 * 1024;

    /** Sends 64 KiB messages to a peer that does not read, until one fails; returns that failure. */
    private static Throwable sendUntilRefused(WebSocket socket, long limit) throws Exception {
        byte[] chunk = new byte[CHUNK];
        // Bounded: socket buffers on loopback hold a few MiB at most, the limit is far below 4096 chunks.
        for (int i = 0; i < 4096; i++) {
            CompletableFuture<Void> sent = socket.send(chunk).toCompletableFuture();
            assertTrue(socket.bufferedAmount() <= limit + CHUNK, "the outbound buffer stays within its limit");
            if (sent.isCompletedExceptionally()) {
                try {
                    sent.get();
                } catch (ExecutionException e) {
                    return e.getCause();
                }
            }
        }
        throw new AssertionError("no send was refused");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPeerThatStopsReadingHitsTheLimitWhileOthersKeepFlowing(Container container) throws Exception {
        long limit = 512 * 1024;
        WebSocketOptions options = WebSocketOptions.builder().outboundLimit(limit).highWaterMark(CHUNK).build();
        RecordingListener slow = new RecordingListener();
        RecordingListener healthy = new RecordingListener().echoing();
        try (RunningServer running = container.start(r -> r
                .addServlet("/slow", TestServlet.of(options, slow))
                .addServlet("/echo", TestServlet.of(options, healthy)));
             RawWebSocketClient stalled = RawWebSocketClient.connect(running.wsUri("/slow"));
             JdkClient other = JdkClient.connect(running.wsUri("/echo"))) {
            WebSocket socket = slow.socket();
            Throwable refused = sendUntilRefused(socket, limit);
            assertInstanceOf(OutboundOverflowException.class, refused);
            assertFalse(socket.isWritable());
            // The default policy fails the send and keeps the connection.
            assertEquals(dev.tether.api.ReadyState.OPEN, socket.readyState());
            for (int i = 0; i < 20; i++) {
                other.socket.sendText("still flowing " + i, true).get(10, TimeUnit.SECONDS);
                assertEquals("still flowing " + i, other.next());
            }
            // The stalled peer reads again: everything queued arrives and the drain event fires.
            stalled.input().skipNBytes(socket.bufferedAmount() / 2);
            assertEquals("drain", slow.await("drain"));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theClosePolicyEndsASlowConnectionWith1013(Container container) throws Exception {
        long limit = 256 * 1024;
        WebSocketOptions options = WebSocketOptions.builder().outboundLimit(limit).highWaterMark(CHUNK)
                .overflowPolicy(OverflowPolicy.CLOSE_TRY_AGAIN_LATER)
                .closeTimeout(Duration.ofMillis(500)).build();
        RecordingListener slow = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/slow", TestServlet.of(options, slow)));
             RawWebSocketClient stalled = RawWebSocketClient.connect(running.wsUri("/slow"))) {
            WebSocket socket = slow.socket();
            assertInstanceOf(OutboundOverflowException.class, sendUntilRefused(socket, limit));
            // The peer never reads our close frame, so the close timeout drops it.
            CloseStatus status = slow.awaitClose();
            assertEquals(1006, status.code());
            stalled.awaitEof(TIMEOUT);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void pauseStopsReadingUntilResume(Container container) throws Exception {
        RecordingListener server = new RecordingListener() {
            @Override
            public void onOpen(WebSocket socket) {
                socket.pause();
                super.onOpen(socket);
            }
        };
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            client.socket.sendText("a", true).get(10, TimeUnit.SECONDS);
            client.socket.sendText("b", true).get(10, TimeUnit.SECONDS);
            // A round trip on the server's own output (not its input) marks "later than the sends".
            socket.send("marker").toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("marker", client.next());
            assertEquals(0, socket.bytesReceived(), "nothing read while paused");
            server.events.add("resumed");
            socket.resume();
            assertEquals("open", server.events.poll(10, TimeUnit.SECONDS));
            assertEquals("resumed", server.events.poll(10, TimeUnit.SECONDS));
            assertEquals("text:a", server.await("text:"));
            assertEquals("text:b", server.await("text:"));
        }
    }

    /**
     * A connection holding back its input, with the peer's bytes waiting unread in its socket, costs
     * the server nothing while it does: no container thread goes round reading nothing (as Tomcat's
     * servlet streams made it, a core per connection: the reason for Tether's Tomcat route). Measured
     * as the CPU time of this JVM's threads over a window, against a bound far below a spinning core.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void inputHeldBackWithBytesWaitingCostsNoCpu(Container container) throws Exception {
        assumeFalse(container == Container.TOMCAT && Boolean.getBoolean(ContainerUpgrade.PORTABLE_ON_TOMCAT),
                "the portable route on Tomcat spins (README: Containers); Tether does not take it there");
        RecordingListener server = new RecordingListener() {
            @Override
            public void onOpen(WebSocket socket) {
                socket.pause();
                super.onOpen(socket);
            }
        };
        int frames = 16;
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            byte[] payload = new byte[16 * 1024];
            for (int i = 0; i < frames; i++) {
                client.sendFrame(0x82, payload, true); // 256 KiB: within the sockets' buffers, waiting for the server
            }
            assertEquals("open", server.events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            Duration window = Duration.ofSeconds(1);
            // The window is a wait for an event that must not come: the server reading any of those frames.
            long used = cpuTimeOfOtherThreadsWhile(() -> assertNull(server.events.poll(window.toMillis(), TimeUnit.MILLISECONDS),
                    "nothing delivered while paused"));
            assertTrue(used < window.toNanos() / 5, () -> container + ": the server's threads used "
                    + used / 1_000_000 + " ms of CPU in " + window.toMillis() + " ms while input was held back");
            assertEquals(0, socket.bytesReceived(), "nothing read while paused");
            socket.resume();
            for (int i = 0; i < frames; i++) {
                assertEquals("binary:" + payload.length, server.await("binary:"));
            }
        }
    }

    /** What {@code window} waits on, throwing what an assertion throws. */
    private interface Window {
        void await() throws InterruptedException;
    }

    /** CPU time that every thread but this one used while {@code window} waited (a thread that ends within it is left out). */
    private static long cpuTimeOfOtherThreadsWhile(Window window) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long[] ids = threads.getAllThreadIds();
        long[] before = new long[ids.length];
        for (int i = 0; i < ids.length; i++) before[i] = threads.getThreadCpuTime(ids[i]);
        window.await();
        long used = 0;
        for (int i = 0; i < ids.length; i++) {
            long after = threads.getThreadCpuTime(ids[i]);
            if (ids[i] != self && before[i] >= 0 && after >= 0) used += after - before[i];
        }
        // Threads started within the window count from zero.
        for (long id : threads.getAllThreadIds()) {
            if (id != self && java.util.Arrays.stream(ids).noneMatch(known -> known == id)) {
                used += Math.max(0, threads.getThreadCpuTime(id));
            }
        }
        return used;
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aLargeMessageToAnEmptyQueueAlwaysFits(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().outboundLimit(64 * 1024).highWaterMark(1024).build();
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            server.socket().send(new byte[1 << 20]).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(1 << 20, ((ByteBuffer) client.next()).remaining());
        }
    }
}
