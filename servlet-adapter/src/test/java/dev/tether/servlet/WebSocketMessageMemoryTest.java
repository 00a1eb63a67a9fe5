package dev.tether.servlet;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.message.MemoryBudget;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What peers that announce large messages and send part of them can make the server hold: little
 * more than they sent each, and no more than the budget all connections share.
 */
class WebSocketMessageMemoryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int KIB = 1024;

    private static final WebSocketListener ECHO = new WebSocketListener() {
        @Override
        public void onText(WebSocket socket, String text) {
            socket.send(text);
        }

        @Override
        public void onBinary(WebSocket socket, ByteBuffer data) {
            socket.send(data);
        }
    };

    /** The start of a masked binary frame that announces {@code length} bytes (a zero mask key leaves the payload as it is). */
    private static byte[] frameHead(long length) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(0x82);
        head.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            head.write((int) (length >>> shift));
        }
        head.writeBytes(new byte[4]);
        return head.toByteArray();
    }

    /** Waits for a state the server reaches with no event to wait on (what it has read from many sockets). */
    private static void awaitState(BooleanSupplier state, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!state.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + TIMEOUT + ": " + what);
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void assertEchoes(RunningServer running) throws Exception {
        try (RawWebSocketClient canary = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            canary.sendFrame(0x82, new byte[] {1, 2, 3}, true);
            assertArrayEquals(new byte[] {1, 2, 3}, canary.readFrame(TIMEOUT).payload(), "the server still answers");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void peersAnnouncingHugeFramesAndSendingLittleMakeTheServerHoldTwiceWhatTheySent(Container container) throws Exception {
        int peers = 100;
        int sent = 65_537;
        int frameHead = frameHead(0).length;
        MemoryBudget budget = MemoryBudget.of(1L << 30);
        WebSocketOptions options = WebSocketOptions.builder().messageMemory(budget).build();
        List<WebSocket> opened = new CopyOnWriteArrayList<>();
        WebSocketListener echo = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket socket) {
                opened.add(socket);
            }

            @Override
            public void onBinary(WebSocket socket, ByteBuffer data) {
                socket.send(data);
            }
        };
        List<RawWebSocketClient> attackers = new ArrayList<>();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, echo)))) {
            assertEchoes(running); // warm: the container's own first-use allocations are not counted
            opened.clear();
            long before = liveHeap();
            for (int i = 0; i < peers; i++) {
                RawWebSocketClient attacker = RawWebSocketClient.connect(running.wsUri("/ws"));
                attackers.add(attacker);
                attacker.sendRaw(frameHead(WebSocketOptions.defaults().connection().maxFrameLength()));
                attacker.sendRaw(new byte[sent]);
            }
            awaitState(() -> opened.size() == peers && opened.stream().allMatch(s -> s.bytesReceived() == frameHead + sent),
                    "every attacker's bytes read");
            assertTrue(budget.reserved() <= peers * (2L * sent + 4 * KIB), "the assemblers hold " + budget);
            long heapPerPeer = (liveHeap() - before) / peers;
            assertTrue(heapPerPeer <= 2L * sent + 100 * KIB, heapPerPeer + " bytes of live heap per peer that sent " + sent);
            assertEchoes(running);
            for (RawWebSocketClient attacker : attackers) {
                attacker.close();
            }
            awaitState(() -> budget.reserved() == 0, "everything given back once the attackers left: " + budget);
        } finally {
            for (RawWebSocketClient attacker : attackers) {
                attacker.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aMessageLargerThanTheWholeBudgetFailsWith1009AndTheOthersGoOn(Container container) throws Exception {
        MemoryBudget budget = MemoryBudget.of(256 * KIB);
        WebSocketOptions options = WebSocketOptions.builder().messageMemory(budget).build();
        byte[] message = new byte[100 * KIB];
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, ECHO)));
             RawWebSocketClient fits = RawWebSocketClient.connect(running.wsUri("/ws"));
             RawWebSocketClient tooMuch = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            fits.sendFrame(0x82, message, true);
            assertArrayEquals(message, fits.readMessage(TIMEOUT).payload());
            tooMuch.sendRaw(frameHead(WebSocketOptions.defaults().connection().maxFrameLength()));
            tooMuch.sendRaw(new byte[260 * KIB]); // more than the whole budget: trying again is no use
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, tooMuch.readCloseFrame(TIMEOUT).code());
            fits.sendFrame(0x82, message, true);
            assertArrayEquals(message, fits.readMessage(TIMEOUT).payload(), "the others go on");
        }
        awaitState(() -> budget.reserved() == 0, "everything given back: " + budget);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aServerThatStopsEndsItsConnectionsAndGivesBackWhatTheirMessagesHeld(Container container) throws Exception {
        MemoryBudget budget = MemoryBudget.of(1L << 30);
        CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onClose(WebSocket socket, CloseStatus status) {
                closed.complete(status);
            }
        };
        WebSocketOptions options = WebSocketOptions.builder().messageMemory(budget).build();
        RawWebSocketClient peer = null;
        try {
            try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, listener)))) {
                peer = RawWebSocketClient.connect(running.wsUri("/ws"));
                peer.sendRaw(frameHead(1 << 20));
                peer.sendRaw(new byte[10_000]);
                awaitState(() -> budget.reserved() > 0, "the half message read: " + budget);
            } // the server stops with the message half read
            CloseStatus status = closed.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(CloseCodes.ABNORMAL, status.code(), "dropped with the server: " + status);
            awaitState(() -> budget.reserved() == 0, "given back when the server stopped: " + budget);
        } finally {
            if (peer != null) {
                peer.close();
            }
        }
    }
}
