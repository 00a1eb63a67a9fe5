package dev.tether.servlet;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.api.WebSocketRegistry;
import dev.tether.message.BufferPool;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connection tracking and broadcast, with sockets upgraded from a filter. */
class WebSocketBroadcastTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Upgrades WebSocket requests in a filter and lets the others through. */
    private static final class UpgradingFilter implements Filter {
        private final WebSocketRegistry registry;
        private final CountDownLatch opened;
        private final WebSocketOptions options;

        UpgradingFilter(WebSocketRegistry registry, CountDownLatch opened, WebSocketOptions options) {
            this.registry = registry;
            this.opened = opened;
            this.options = options;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            HttpServletRequest http = (HttpServletRequest) request;
            if (!WebSockets.isWebSocket(http)) {
                chain.doFilter(request, response);
                return;
            }
            WebSockets.upgrade(http, (HttpServletResponse) response, options, new WebSocketListener() {
                @Override
                public void onOpen(WebSocket socket) {
                    registry.add(socket);
                    opened.countDown();
                }
            });
        }
    }

    /** A JDK client that only counts whole text messages and remembers the last one's prefix. */
    private static final class CountingClient implements java.net.http.WebSocket.Listener {
        final java.util.concurrent.atomic.AtomicInteger messages = new java.util.concurrent.atomic.AtomicInteger();
        java.net.http.WebSocket socket;

        @Override
        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
            if (last) {
                messages.incrementAndGet();
            }
            webSocket.request(1);
            return null;
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aBroadcastReachesEveryoneWhileAStalledClientOnlyHurtsItself(Container container) throws Exception {
        int clients = 5;
        WebSocketRegistry registry = new WebSocketRegistry();
        CountDownLatch opened = new CountDownLatch(clients + 1);
        // Quick keepalive: the stalled client, once gone, is noticed by it (it neither reads nor writes).
        WebSocketOptions options = WebSocketOptions.builder().outboundLimit(256 * 1024).highWaterMark(64 * 1024)
                .pingInterval(java.time.Duration.ofMillis(200)).pongTimeout(java.time.Duration.ofMillis(500)).build();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        try (RunningServer running = container.start(r -> r
                .addFilter("/*", new UpgradingFilter(registry, opened, options))
                .addServlet("/room", new jakarta.servlet.http.HttpServlet() {
                    private static final long serialVersionUID = 1L;
                })); RawWebSocketClient stalled = RawWebSocketClient.connect(running.wsUri("/room"))) {
            List<CountingClient> readers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                CountingClient reader = new CountingClient();
                reader.socket = http.newWebSocketBuilder().buildAsync(running.wsUri("/room"), reader).get(10, TimeUnit.SECONDS);
                readers.add(reader);
            }
            try {
                assertTrue(opened.await(10, TimeUnit.SECONDS));
                assertEquals(clients + 1, registry.size());
                String chunk = "x".repeat(64 * 1024);
                // Broadcast until the stalled client's buffer refuses (the kernel's socket buffers take
                // some megabytes first), then a few rounds more. Bounded: 2,000 rounds at most.
                int rounds = 0;
                int refusedRounds = 0;
                while (refusedRounds < 5 && rounds < 2000) {
                    int written = registry.broadcast(rounds + ":" + chunk).get(10, TimeUnit.SECONDS);
                    rounds++;
                    if (written == clients) {
                        refusedRounds++;
                    } else {
                        assertEquals(clients + 1, written, "only the stalled client may be refused");
                    }
                }
                assertEquals(5, refusedRounds, "the stalled client hit its limit within 2,000 rounds");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (CountingClient reader : readers) {
                    while (reader.messages.get() < rounds && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    assertEquals(rounds, reader.messages.get(), "every healthy client got every message");
                }
            } finally {
                readers.forEach(r -> r.socket.abort());
            }
            stalled.shutdownOutput(); // the stalled client goes away: EOF on the server's side
            // Closed connections leave the registry by themselves.
            for (WebSocket socket : registry.sockets()) {
                socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (registry.size() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the registry's own close callback may run just after ours
            }
            assertEquals(0, registry.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("a listener broadcasts the buffers it is lent: a slow peer reading later gets every message intact, though more were lent since")
    void aBroadcastHoldsALentBufferUntilTheSlowestPeerHasIt(Container container) throws Exception {
        int broadcasts = 16; // 16 MiB: far more than the kernel's socket buffers take from a peer that does not read
        int size = 1 << 20;
        byte broadcastMark = 1;
        WebSocketRegistry room = new WebSocketRegistry();
        CountDownLatch readerOpened = new CountDownLatch(1);
        // The slow peer's queue takes every message; the pool lends up to 32 MiB (the default).
        WebSocketOptions options = WebSocketOptions.builder().outboundLimit(64L << 20).build();
        WebSocketListener reader = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket socket) {
                room.add(socket);
                readerOpened.countDown();
            }
        };
        WebSocketListener publisher = new WebSocketListener() {
            @Override
            public boolean acceptsLentBuffers() {
                return true;
            }

            @Override
            public void onBinary(WebSocket socket, ByteBuffer data) {
                if (data.get(data.position()) == broadcastMark) {
                    room.broadcast(data);
                }
                socket.send("done");
            }
        };
        try (RunningServer running = container.start(r -> r.addServlet("/room", new TestServlet(options,
                request -> "publisher".equals(request.getParameter("role")) ? publisher : reader)));
             RawWebSocketClient slow = RawWebSocketClient.connect(running.wsUri("/room"));
             RawWebSocketClient sender = RawWebSocketClient.connect(running.wsUri("/room?role=publisher"))) {
            assertTrue(readerOpened.await(10, TimeUnit.SECONDS));
            Random random = new Random(16);
            List<byte[]> sent = new ArrayList<>();
            byte[] scratch = new byte[size]; // lent and given back between the broadcasts, never sent on
            Arrays.fill(scratch, (byte) 0xEE);
            for (int i = 0; i < broadcasts; i++) {
                byte[] message = new byte[size];
                random.nextBytes(message);
                message[0] = broadcastMark;
                sent.add(message);
                sender.sendFrame(0x82, message, true);
                sender.sendFrame(0x82, scratch, true);
            }
            for (int i = 0; i < 2 * broadcasts; i++) {
                assertEquals("done", sender.readFrame(TIMEOUT).text(), "every message was handled");
            }
            // Only now does the slow peer read.
            for (int i = 0; i < broadcasts; i++) {
                RawWebSocketClient.Frame frame = slow.readMessage(TIMEOUT);
                assertEquals(0x2, frame.opcode());
                assertArrayEquals(sent.get(i), frame.payload(), "broadcast " + i + " arrived as it was sent");
            }
            BufferPool pool = options.connection().lentBuffers(container.writesDirectBuffers());
            // The last frame's completion comes once the container is ready again after it: no event to wait on.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (pool.lentCount() != 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertEquals(0, pool.lentCount(), "every buffer came back once the slow peer had it");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void chainedBroadcastsDoNotGrowTheStack(Container container) throws Exception {
        int count = 200_000;
        WebSocketRegistry everyone = new WebSocketRegistry();
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            everyone.add(server.socket());
            java.util.concurrent.CompletableFuture<Void> allSent = new java.util.concurrent.CompletableFuture<>();
            broadcastFrom(everyone, 0, count, allSent); // each broadcast once the one before has gone out
            byte[] chunk = new byte[64 * 1024];
            long expected = (long) count * 3; // "m" in a 2-byte header
            long received = 0;
            client.setReadTimeout(Duration.ofSeconds(30));
            while (received < expected && !allSent.isCompletedExceptionally()) {
                int n = client.input().read(chunk);
                assertTrue(n > 0, "the connection ended after " + received / 3 + " messages");
                received += n;
            }
            allSent.get(30, TimeUnit.SECONDS); // a StackOverflowError in the chain fails it
            assertEquals(expected, received);
        }
    }

    private static void broadcastFrom(WebSocketRegistry everyone, int sent, int count,
                                      java.util.concurrent.CompletableFuture<Void> allSent) {
        if (sent == count) {
            allSent.complete(null);
            return;
        }
        everyone.broadcast("m").thenRun(() -> broadcastFrom(everyone, sent + 1, count, allSent)).exceptionally(e -> {
            allSent.completeExceptionally(e);
            return null;
        });
    }
}
