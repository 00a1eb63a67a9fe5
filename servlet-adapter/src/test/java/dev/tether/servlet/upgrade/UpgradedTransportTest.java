package dev.tether.servlet.upgrade;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.runtime.Transport;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The transport {@link ContainerUpgrade} makes, driven by hand through {@link ManualInbound}, on each container. */
class UpgradedTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Far more than loopback socket buffers hold: most of it waits until the peer reads. */
    private static final int LARGE = 32 * 1024 * 1024;

    private final UpgradeEvents events = new UpgradeEvents();
    private final ManualInbound inbound = new ManualInbound();

    private RunningServer start(Container container) throws Exception {
        return container.start(r -> r.addServlet("/echo", new EchoUpgradeServlet(events, () -> inbound, null)));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aWriteIsReportedWrittenOnlyOnceThePeerHasTakenItsBytes(Container container) throws Exception {
        byte[] payload = new byte[LARGE];
        new Random(7).nextBytes(payload);
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            Transport transport = inbound.awaitStarted(TIMEOUT);
            ByteBuffer buffer = transport.writesDirectBuffers()
                    ? ByteBuffer.allocateDirect(LARGE).put(payload).flip()
                    : ByteBuffer.wrap(payload.clone());
            CompletableFuture<Void> written = new CompletableFuture<>();
            transport.write(new ByteBuffer[] {buffer}, ManualInbound.completing(written));
            assertFalse(written.isDone(), "reported written while the peer has read nothing");
            assertArrayEquals(payload, client.readExactly(LARGE, TIMEOUT));
            written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aWriteOfFramesToAPeerThatReadsLateEndsAfterTheFrameTheSocketFilledUpIn(Container container) throws Exception {
        int frames = 32;
        int frameSize = LARGE / frames;
        byte[] payload = new byte[LARGE];
        new Random(8).nextBytes(payload);
        Thread[] peer = new Thread[1];
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            Transport transport = inbound.awaitStarted(TIMEOUT);
            ByteBuffer[] buffers = new ByteBuffer[frames];
            int[] frameEnds = new int[frames];
            for (int i = 0; i < frames; i++) {
                buffers[i] = transport.writesDirectBuffers()
                        ? ByteBuffer.allocateDirect(frameSize).put(payload, i * frameSize, frameSize).flip()
                        : ByteBuffer.wrap(payload, i * frameSize, frameSize).slice();
                frameEnds[i] = i + 1;
            }
            WriteEnd end = new WriteEnd();
            transport.writeFrames(buffers, frameEnds, end);
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            Thread reader = new Thread(() -> { // the peer reads a frame at a time, as long as frames come
                try {
                    while (true) {
                        byte[] frame = client.readExactly(frameSize, TIMEOUT);
                        synchronized (received) {
                            received.writeBytes(frame);
                            received.notifyAll();
                        }
                    }
                } catch (java.io.IOException | AssertionError closedAtTheEnd) {
                    // the test is over
                }
            }, "peer");
            reader.start();
            long ended = end.await(TIMEOUT);
            long upTo = ended < 0 ? LARGE : ended;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            synchronized (received) {
                while (received.size() < upTo && System.nanoTime() < deadline) {
                    received.wait(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1);
                }
                assertArrayEquals(java.util.Arrays.copyOf(payload, (int) upTo), java.util.Arrays.copyOf(received.toByteArray(), (int) upTo));
            }
            if (!transport.endsWritesBetweenFrames()) {
                assertEquals(LARGE, upTo, "a transport that cannot end a write early writes it all");
            } else {
                assertTrue(upTo > 0 && upTo < LARGE, "ended early, with the socket full: " + upTo);
                assertEquals(0, upTo % frameSize, "at the end of a frame: " + upTo);
                for (int i = (int) (upTo / frameSize); i < frames; i++) {
                    assertEquals(frameSize, buffers[i].remaining(), "the frames after it untouched");
                }
            }
            peer[0] = reader;
        }
        peer[0].join(TIMEOUT.toMillis()); // its socket closed with the server
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void readsOnlyWhileTheInboundWantsInput(Container container) throws Exception {
        inbound.wants = false;
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            Transport transport = inbound.awaitStarted(TIMEOUT);
            client.sendRaw("held back".getBytes(US_ASCII));
            // A round trip on the server's own output (not its input) marks "later than the send".
            CompletableFuture<Void> written = new CompletableFuture<>();
            transport.write(new ByteBuffer[] {ByteBuffer.wrap("marker".getBytes(US_ASCII))}, ManualInbound.completing(written));
            assertEquals("marker", new String(client.readExactly(6, TIMEOUT), US_ASCII));
            assertEquals(0, inbound.received().length, "read while the inbound wanted no input");

            inbound.wants = true;
            transport.demand();
            assertEquals("input", inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            while (inbound.received().length < 9) {
                assertEquals("input", inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
            assertEquals("held back", new String(inbound.received(), US_ASCII));
            client.shutdownOutput();
            assertEquals("end of input", inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(0, inbound.overlappingCalls.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void withATurnOfOneByteEveryReadIsATurnOfItsOwnAndAllArrivesInOrderOneCallAtATime(Container container) throws Exception {
        byte[] payload = new byte[4 * 1024 * 1024];
        new Random(5).nextBytes(payload);
        ContainerUpgrade.TransportSettings oneByteTurns = new ContainerUpgrade.TransportSettings(64 * 1024, 1);
        try (RunningServer server = container.start(r -> r.addServlet("/echo",
                new EchoUpgradeServlet(events, () -> inbound, null, oneByteTurns)));
                RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            inbound.awaitStarted(TIMEOUT);
            client.sendRaw(payload);
            client.shutdownOutput();
            String call;
            while ("input".equals(call = inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))) {
                // every read, each in a turn of its own
            }
            assertEquals("end of input", call);
            assertArrayEquals(payload, inbound.received());
            assertEquals(0, inbound.overlappingCalls.get(), "two turns read at once");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aReadTakesWhatTheSocketHoldsUpToTheReadBufferSizeNotOnlyWhatFitsTheContainersOwnBuffer(Container container) throws Exception {
        byte[] payload = new byte[4 * 1024 * 1024];
        new Random(11).nextBytes(payload);
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            inbound.awaitStarted(TIMEOUT);
            client.sendRaw(payload); // the inbound takes its bytes one at a time: the socket fills behind it
            client.shutdownOutput();
            String call;
            while ("input".equals(call = inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))) {
                // every read
            }
            assertEquals("end of input", call);
            assertArrayEquals(payload, inbound.received());
            // Tomcat's own read stops at its socket buffer (socket.appReadBufSize, 8 KiB by default); so
            // do its servlet streams, which the portable route reads.
            if (!(container == Container.TOMCAT && Boolean.getBoolean(ContainerUpgrade.PORTABLE_ON_TOMCAT))) {
                assertTrue(inbound.largestInput.get() > 8 * 1024, "largest read " + inbound.largestInput.get());
            }
            assertTrue(inbound.largestInput.get() <= 64 * 1024, "largest read " + inbound.largestInput.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPeerThatGoesAwayIsAnEndOfInputNotAFailure(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            RawWebSocketClient client = EchoUpgradeServlet.connect(server);
            Transport transport = inbound.awaitStarted(TIMEOUT);
            client.sendRaw("bye".getBytes(US_ASCII));
            client.close();
            assertEquals("input", inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals("end of input", inbound.calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals("bye", new String(inbound.received(), US_ASCII));
            transport.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void closeSendsEverythingWrittenThenClosesTheConnection(Container container) throws Exception {
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            Transport transport = inbound.awaitStarted(TIMEOUT);
            CompletableFuture<Void> written = new CompletableFuture<>();
            transport.write(new ByteBuffer[] {ByteBuffer.wrap("last words".getBytes(US_ASCII))}, ManualInbound.completing(written));
            written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            transport.close();
            assertEquals("last words", new String(client.awaitEof(TIMEOUT), US_ASCII));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void closeWaitsForTheWriteInProgress(Container container) throws Exception {
        byte[] payload = new byte[LARGE];
        new Random(11).nextBytes(payload);
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            Transport transport = inbound.awaitStarted(TIMEOUT);
            CompletableFuture<Void> written = new CompletableFuture<>();
            transport.write(new ByteBuffer[] {ByteBuffer.wrap(payload.clone())}, ManualInbound.completing(written));
            transport.close();
            assertArrayEquals(payload, client.readExactly(LARGE, TIMEOUT));
            assertEquals(0, client.awaitEof(TIMEOUT).length);
            written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void abortDropsTheConnectionWithAWriteInProgress(Container container) throws Exception {
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server)) {
            Transport transport = inbound.awaitStarted(TIMEOUT);
            transport.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[LARGE])}, ManualInbound.completing(new CompletableFuture<>()));
            transport.abort();
            byte[] got = client.awaitEof(TIMEOUT);
            assertTrue(got.length < LARGE, () -> "all " + got.length + " bytes arrived after abort");
        }
    }

}
