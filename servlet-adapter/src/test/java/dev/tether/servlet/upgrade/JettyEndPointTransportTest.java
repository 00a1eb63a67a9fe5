package dev.tether.servlet.upgrade;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.runtime.Transport;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/** What only Jetty's endpoint transport has to get right, seen from inside embedded Jetty. */
class JettyEndPointTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final UpgradeEvents events = new UpgradeEvents();
    private final ManualInbound inbound = new ManualInbound();

    @Test
    void jettysIdleTimeoutNeverClosesTheConnection() throws Exception {
        try (RunningServer server = Container.JETTY.start(r -> r.addServlet("/echo", new EchoUpgradeServlet(events, () -> inbound, null)));
                RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            AbstractConnection connection = assertInstanceOf(AbstractConnection.class, inbound.awaitStarted(TIMEOUT));
            assertEquals(0, connection.getEndPoint().getIdleTimeout(), "the runtime keeps the time");
            assertFalse(connection.onIdleExpired(new TimeoutException("idle")), "would be closed by Jetty");
            client.shutdownOutput();
            assertEquals("end of input", inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void nothingIsReadOrAwaitedWhileTheInboundWantsNoInput() throws Exception {
        inbound.wants = false;
        try (RunningServer server = Container.JETTY.start(r -> r.addServlet("/echo", new EchoUpgradeServlet(events, () -> inbound, null)));
                RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            Transport transport = inbound.awaitStarted(TIMEOUT);
            EndPoint endPoint = ((AbstractConnection) transport).getEndPoint();
            assertTrue(inbound.refused.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "never asked");
            client.sendRaw("later".getBytes(US_ASCII));
            assertFalse(endPoint.isFillInterested(), "waits for input nobody wants");
            inbound.wants = true;
            transport.demand();
            assertEquals("input", inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals("later", new String(inbound.received(), US_ASCII));
            client.sendRaw("more".getBytes(US_ASCII)); // wanted now: read without another demand()
            assertEquals("input", inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals("latermore", new String(inbound.received(), US_ASCII));
        }
    }

    @Test
    void anErrorOutOfTheInboundIsReportedAsAFailureNotLeftIdle() throws Exception {
        inbound.throwOnInput = new OutOfMemoryError("the listener's, not ours");
        try (RunningServer server = Container.JETTY.start(r -> r.addServlet("/echo", new EchoUpgradeServlet(events, () -> inbound, null)));
                RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            inbound.awaitStarted(TIMEOUT);
            client.sendRaw("boom".getBytes(US_ASCII));
            String call = inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(call != null && call.startsWith("failure"), "told: " + call);
        }
    }

    /** The endpoint closes when the peer has read our last bytes, not while it may still be sending. */
    private static CountDownLatch closedLatch(Transport transport) {
        CountDownLatch closed = new CountDownLatch(1);
        ((AbstractConnection) transport).addEventListener(new Connection.Listener() {
            @Override
            public void onClosed(Connection connection) {
                closed.countDown();
            }
        });
        return closed;
    }

    @Test
    void closeWithUnreadInputReadsItAwayUntilThePeersEndSoNoResetOvertakesTheLastBytes() throws Exception {
        inbound.wants = false; // the peer's bytes stay unread, as after a protocol error
        try (RunningServer server = Container.JETTY.start(r -> r.addServlet("/echo", new EchoUpgradeServlet(events, () -> inbound, null)));
                RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            Transport transport = inbound.awaitStarted(TIMEOUT);
            CountDownLatch closed = closedLatch(transport);
            assertTrue(inbound.refused.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            client.sendRaw(new byte[64 * 1024]);
            CompletableFuture<Void> written = new CompletableFuture<>();
            transport.write(new ByteBuffer[] {ByteBuffer.wrap("bye".getBytes(US_ASCII))}, ManualInbound.completing(written));
            written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            transport.close();
            assertEquals("bye", new String(client.readExactly(3, TIMEOUT), US_ASCII));
            assertEquals(0, client.awaitEof(TIMEOUT).length, "our FIN came");
            // The event that must not come: a close with unread input is a reset, which may overtake our last bytes.
            assertFalse(closed.await(200, TimeUnit.MILLISECONDS), "closed with the peer's bytes unread");
            client.sendRaw(new byte[1024]); // still read away
            client.shutdownOutput();
            assertTrue(closed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "closed at the peer's end");
        }
    }

    @Test
    void aPeerThatNeverEndsIsClosedAfterTheLinger() throws Exception {
        inbound.wants = false;
        try (RunningServer server = Container.JETTY.start(r -> r.addServlet("/echo", new EchoUpgradeServlet(events, () -> inbound, null)));
                RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            JettyEndPointTransport transport = (JettyEndPointTransport) inbound.awaitStarted(TIMEOUT);
            transport.linger(Duration.ofMillis(100));
            CountDownLatch closed = closedLatch(transport);
            client.sendRaw(new byte[1024]);
            transport.close();
            assertEquals(0, client.awaitEof(TIMEOUT).length);
            assertTrue(closed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "closed after the linger, the peer still open");
        }
    }

    /** An endpoint whose first flush parks (as a flush on another thread would be, writing to the socket) until released. */
    private static final class ParkedFlushEndPoint extends ByteArrayEndPoint {
        final CountDownLatch flushing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch closing = new CountDownLatch(1);
        volatile boolean flushReturned;
        private boolean parked;

        @Override
        public boolean flush(ByteBuffer... buffers) throws IOException {
            if (!parked) {
                parked = true;
                flushing.countDown();
                try {
                    release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                try {
                    return super.flush(buffers);
                } finally {
                    flushReturned = true;
                }
            }
            return super.flush(buffers);
        }

        @Override
        public void onClose(Throwable cause) {
            closing.countDown();
            super.onClose(cause);
        }
    }

    @Test
    void aPeerThatKeepsSendingGetsReadTurnBytesPerTurnThenItsNextTurnQueuesOnJettysPool() {
        ByteArrayEndPoint endPoint = new ByteArrayEndPoint();
        Queue<Runnable> pool = new ArrayDeque<>(); // Jetty's executor, run by hand: a queued task is a turn waiting
        JettyEndPointTransport transport = new JettyEndPointTransport(endPoint, pool::add, new ArrayByteBufferPool(),
                4096, 8, t -> { }, e -> { });
        List<Integer> reads = new ArrayList<>();
        int[] sent = {1};
        endPoint.addInput(ByteBuffer.wrap(new byte[3]));
        Transport.Inbound peerKeepsSending = new Transport.Inbound() {
            @Override
            public boolean wantsInput() {
                return true;
            }

            @Override
            public void onInput(ByteBuffer bytes) {
                reads.add(bytes.remaining());
                bytes.position(bytes.limit());
                if (sent[0]++ < 7) {
                    endPoint.addInput(ByteBuffer.wrap(new byte[3])); // more is there by the next read
                }
            }

            @Override
            public void onEndOfInput() {
                reads.add(-1);
            }

            @Override
            public void onFailure(Throwable error) {
                reads.add(-2);
            }
        };
        transport.start(peerKeepsSending);

        pool.remove().run(); // the first turn: reads until 8 bytes or more, then queues the next and returns
        assertEquals(List.of(3, 3, 3), reads);
        assertEquals(1, pool.size(), "the next turn waits in the pool, behind what was there");
        pool.remove().run();
        assertEquals(List.of(3, 3, 3, 3, 3, 3), reads);
        assertEquals(1, pool.size());
        pool.remove().run(); // 3 bytes, then nothing to read: Jetty is asked to call when bytes come
        assertEquals(List.of(3, 3, 3, 3, 3, 3, 3), reads);
        assertTrue(pool.isEmpty(), "an emptied socket ends the turn without queueing another");
        assertTrue(endPoint.isFillInterested());
    }

    /** Jetty's own pool, its queue run by hand: the transport sees what waits in it. */
    private static final class HandRunPool extends QueuedThreadPool {
        final Queue<Runnable> queue = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            queue.add(task);
        }

        @Override
        public int getQueueSize() {
            return queue.size();
        }
    }

    @Test
    void aTurnOverWithNothingWaitingInJettysPoolGoesOnOnTheSameThreadAndQueuesBehindWorkThatWaits() {
        ByteArrayEndPoint endPoint = new ByteArrayEndPoint();
        HandRunPool pool = new HandRunPool();
        JettyEndPointTransport transport = new JettyEndPointTransport(endPoint, pool, new ArrayByteBufferPool(),
                4096, 8192, t -> { }, e -> { });
        CountingInbound inbound = new CountingInbound(true);
        transport.start(inbound);
        endPoint.addInput(ByteBuffer.wrap(new byte[64 * 1024]));

        pool.queue.remove().run(); // nothing else waits: queueing the next turn would only wake another thread for it
        assertEquals(64 * 1024, inbound.bytes, "8 turns of 8 KiB, all on this thread");
        assertTrue(pool.queue.isEmpty());

        List<String> ran = new ArrayList<>();
        pool.execute(() -> ran.add("another connection's task"));
        endPoint.addInput(ByteBuffer.wrap(new byte[64 * 1024])); // Jetty calls back: one turn here, then the other task is seen waiting
        assertEquals(64 * 1024 + 8192, inbound.bytes, "one turn's share");
        assertEquals(2, pool.queue.size(), "the next turn queued behind the task that waited");
        pool.queue.remove().run();
        assertEquals(List.of("another connection's task"), ran);
        pool.queue.remove().run(); // nothing waits now: the rest on this thread
        assertEquals(128 * 1024, inbound.bytes);
        assertTrue(pool.queue.isEmpty());
    }

    @Test
    void aDemandFromAThreadNotJettysReadsOneTurnThenHandsTheRestToJettysPool() {
        ByteArrayEndPoint endPoint = new ByteArrayEndPoint();
        HandRunPool pool = new HandRunPool();
        JettyEndPointTransport transport = new JettyEndPointTransport(endPoint, pool, new ArrayByteBufferPool(),
                4096, 8192, t -> { }, e -> { });
        CountingInbound inbound = new CountingInbound(false);
        transport.start(inbound);
        pool.queue.remove().run(); // paused: reads nothing, no fill interest
        endPoint.addInput(ByteBuffer.wrap(new byte[64 * 1024]));
        inbound.wants = true;
        transport.demand(); // resume(), on the application's (or the runtime's) thread: Jetty's queue says nothing of its work
        assertEquals(8192, inbound.bytes, "one turn on the application's thread");
        assertEquals(1, pool.queue.size(), "the rest on Jetty's pool");
        pool.queue.remove().run();
        assertEquals(64 * 1024, inbound.bytes);
    }

    // ---- writes of several frames

    /** An endpoint whose socket takes {@code room} bytes until they are taken out. */
    private static ByteArrayEndPoint socketWithRoomFor(int room) {
        return new ByteArrayEndPoint((byte[]) null, room, false);
    }

    private static JettyEndPointTransport transportOver(EndPoint endPoint) {
        return new JettyEndPointTransport(endPoint, Runnable::run, new ArrayByteBufferPool(), 4096, 64 * 1024, t -> { }, e -> { });
    }

    private static ByteBuffer filled(int size, int value) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) value);
        return ByteBuffer.wrap(bytes);
    }

    @Test
    void framesThatFitGoInOneFlush() throws Exception {
        ByteArrayEndPoint endPoint = socketWithRoomFor(100);
        JettyEndPointTransport transport = transportOver(endPoint);
        assertTrue(transport.endsWritesBetweenFrames());
        WriteEnd end = new WriteEnd();
        transport.writeFrames(new ByteBuffer[] {filled(2, 1), filled(30, 1), filled(40, 2)}, new int[] {2, 3}, end);
        assertEquals(-1L, end.await(TIMEOUT), "all of it");
        assertEquals(72, endPoint.takeOutput().remaining());
    }

    @Test
    void aSocketThatFillsUpInsideAFrameTakesTheRestOfThatFrameThenTheWriteEnds() throws Exception {
        ByteArrayEndPoint endPoint = socketWithRoomFor(100);
        JettyEndPointTransport transport = transportOver(endPoint);
        ByteBuffer third = filled(60, 3);
        WriteEnd end = new WriteEnd();
        transport.writeFrames(new ByteBuffer[] {filled(60, 1), filled(60, 2), third}, new int[] {1, 2, 3}, end);
        assertFalse(end.ended.isDone(), "40 bytes of the second frame wait for room");
        ByteBuffer first = endPoint.takeOutput(); // the peer reads: the rest of the second frame goes
        assertEquals(100, first.remaining());
        assertEquals(120L, end.await(TIMEOUT), "ended after the second frame");
        assertEquals(20, endPoint.takeOutput().remaining());
        assertEquals(0, third.position(), "the third frame untouched: the runtime writes it again");
    }

    @Test
    void aSocketThatFillsUpBetweenTwoFramesEndsTheWriteThere() throws Exception {
        ByteArrayEndPoint endPoint = socketWithRoomFor(100);
        JettyEndPointTransport transport = transportOver(endPoint);
        ByteBuffer third = filled(50, 3);
        WriteEnd end = new WriteEnd();
        transport.writeFrames(new ByteBuffer[] {filled(50, 1), filled(50, 2), third}, new int[] {1, 2, 3}, end);
        assertEquals(100L, end.await(TIMEOUT), "at once: nothing of the third frame went");
        assertEquals(50, third.remaining());
    }

    @Test
    void aFullSocketStillTakesTheWholeFirstFrame() throws Exception {
        ByteArrayEndPoint endPoint = socketWithRoomFor(100);
        JettyEndPointTransport transport = transportOver(endPoint);
        WriteEnd filling = new WriteEnd();
        transport.write(new ByteBuffer[] {filled(100, 0)}, filling);
        assertEquals(-1L, filling.await(TIMEOUT));
        WriteEnd end = new WriteEnd();
        ByteBuffer second = filled(10, 2);
        transport.writeFrames(new ByteBuffer[] {filled(10, 1), second}, new int[] {1, 2}, end);
        assertFalse(end.ended.isDone(), "no room: the first frame waits for it, as a plain write would");
        endPoint.takeOutput();
        assertEquals(10L, end.await(TIMEOUT));
        assertEquals(10, second.remaining());
    }

    @Test
    void readingAPeerAwayAfterCloseTakesTurnsToo() {
        CountingFills endPoint = new CountingFills();
        Queue<Runnable> pool = new ArrayDeque<>();
        JettyEndPointTransport transport = new JettyEndPointTransport(endPoint, pool::add, new ArrayByteBufferPool(),
                4096, 8192, t -> { }, e -> { });
        transport.start(new CountingInbound(false));
        pool.remove().run(); // wants nothing: reads nothing
        endPoint.addInput(ByteBuffer.wrap(new byte[64 * 1024])); // the peer keeps sending after our Close
        transport.close();

        pool.remove().run();
        assertEquals(2, endPoint.fillsWithBytes, "8 KiB read away in 4 KiB fills, then the turn is over");
        assertEquals(1, pool.size(), "the next turn waits in the pool");
    }

    @Test
    void aPoolThatRefusesTheNextTurnHasItReadOnTheSameThreadWithoutGoingDeeper() throws Exception {
        ByteArrayEndPoint endPoint = new ByteArrayEndPoint();
        Queue<Runnable> pool = new ArrayDeque<>();
        boolean[] started = {false};
        Executor refusingAfterFirst = task -> { // takes the first task, then refuses every one, as a pool that is stopping
            if (!pool.isEmpty() || started[0]) {
                throw new RejectedExecutionException("stopping");
            }
            started[0] = true;
            pool.add(task);
        };
        JettyEndPointTransport transport = new JettyEndPointTransport(endPoint, refusingAfterFirst, new ArrayByteBufferPool(),
                4096, 1, t -> { }, e -> { });
        int total = 16 * 1024 * 1024; // 4,096 turns of one 4 KiB read each
        endPoint.addInput(ByteBuffer.wrap(new byte[total]));
        CountingInbound inbound = new CountingInbound(true);
        transport.start(inbound);
        Throwable[] thrown = new Throwable[1];
        // A small stack: one call deeper per turn would overflow it long before the last turn.
        Thread reader = new Thread(null, () -> {
            try {
                pool.remove().run();
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "small-stack", 256 * 1024);
        reader.start();
        reader.join(TIMEOUT.toMillis());
        assertEquals(null, thrown[0], "the turns went deeper in the stack");
        assertEquals(total, inbound.bytes);
    }

    /** Counts the fills that returned bytes. */
    private static final class CountingFills extends ByteArrayEndPoint {
        int fillsWithBytes;

        @Override
        public int fill(ByteBuffer buffer) throws IOException {
            int n = super.fill(buffer);
            if (n > 0) {
                fillsWithBytes++;
            }
            return n;
        }
    }

    /** Wants input or not, and counts and drops what it gets. */
    private static final class CountingInbound implements Transport.Inbound {
        volatile boolean wants;
        long bytes;

        CountingInbound(boolean wants) {
            this.wants = wants;
        }

        @Override
        public boolean wantsInput() {
            return wants;
        }

        @Override
        public void onInput(ByteBuffer input) {
            bytes += input.remaining();
            input.position(input.limit());
        }

        @Override
        public void onEndOfInput() {
        }

        @Override
        public void onFailure(Throwable error) {
        }
    }

    @Test
    void abortReturnsOnlyOnceJettyHasLeftTheBuffersOfAWriteInProgress() throws Exception {
        ParkedFlushEndPoint endPoint = new ParkedFlushEndPoint();
        JettyEndPointTransport transport = new JettyEndPointTransport(endPoint, Runnable::run, new ArrayByteBufferPool(),
                4096, 64 * 1024, t -> { }, e -> { });
        CompletableFuture<Void> written = new CompletableFuture<>();
        Thread writer = new Thread(() -> transport.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[100])},
                ManualInbound.completing(written)), "writer");
        writer.start();
        assertTrue(endPoint.flushing.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the write is inside Jetty's flush");
        CountDownLatch aborted = new CountDownLatch(1);
        boolean[] flushOverWhenAbortReturned = new boolean[1];
        Thread aborter = new Thread(() -> {
            transport.abort();
            flushOverWhenAbortReturned[0] = endPoint.flushReturned;
            aborted.countDown();
        }, "aborter");
        aborter.start();
        try {
            assertTrue(endPoint.closing.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "abort closed the endpoint");
            // The event that must not come: abort returning while the flush still reads the buffers.
            assertFalse(aborted.await(200, TimeUnit.MILLISECONDS), "abort returned while Jetty was still flushing the write's buffers");
        } finally {
            endPoint.release.countDown();
        }
        assertTrue(aborted.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "abort returned once the flush was over");
        assertTrue(flushOverWhenAbortReturned[0], "the flush had returned");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        assertNotNull(failed.getCause());
        writer.join(TIMEOUT.toMillis());
        aborter.join(TIMEOUT.toMillis());
    }

    /** (Tomcat never says: it neither upgrades nor destroys the handler; the connection's handshake deadline ends it.) */
    @Test
    void aServletThatFailsAfterUpgradingLeavesTheConnectionUnstarted() throws Exception {
        try (RunningServer server = Container.JETTY.start(r -> r.addServlet("/echo", new EchoUpgradeServlet(events, () -> inbound, null)));
                RawWebSocketClient client = RawWebSocketClient.connect(server.wsUri("/echo?after=fail"))) {
            assertEquals(500, client.response().status(), () -> client.response().toString());
            Throwable cause = inbound.startFailed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(cause.getMessage().contains("500"), cause::toString);
            assertFalse(inbound.started.isDone(), "started although the servlet failed");
        }
    }

    @Test
    void theTakeoverWorksDefinedByItsOwnClassLoader() throws Exception {
        // As in a web application that cannot see Jetty: the Jetty classes of ours defined under Jetty's loader.
        ContainerUpgrade.Route route = new ContainerUpgrade.JettyRoute(
                ContainerUpgrade.entryPointUnder(ServletContextRequest.class.getClassLoader()));
        try (RunningServer server = Container.JETTY.start(r -> r.addServlet("/echo", new EchoUpgradeServlet(events, () -> inbound, route)));
                RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            Transport transport = inbound.awaitStarted(TIMEOUT);
            assertInstanceOf(TakeoverClassLoader.class, transport.getClass().getClassLoader());
            assertEquals(JettyEndPointTransport.class.getName(), transport.getClass().getName());
            client.sendRaw("ping".getBytes(US_ASCII));
            assertEquals("input", inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            CompletableFuture<Void> written = new CompletableFuture<>();
            transport.write(new ByteBuffer[] {ByteBuffer.wrap(inbound.received())}, ManualInbound.completing(written));
            assertEquals("ping", new String(client.readExactly(4, TIMEOUT), US_ASCII));
            written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            transport.close();
            assertEquals(0, client.awaitEof(TIMEOUT).length);
        }
    }
}
