package dev.tether.servlet;

import dev.tether.runtime.ConnectionOptions;
import dev.tether.servlet.testing.JdkClient;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketRegistry;
import dev.tether.message.BufferPool;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages both ways, on each container, with the JDK client and a raw-socket client. */
class WebSocketMessagingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(Container.class)
    void echoesTextAndBinaryOfEverySize(Container container) throws Exception {
        RecordingListener server = new RecordingListener().echoing();
        try (RunningServer running = container.start(r -> r.addServlet("/echo", TestServlet.of(server)));
             JdkClient client = JdkClient.connect(running.wsUri("/echo"))) {
            Random random = new Random(1);
            for (int size : new int[]{0, 1, 125, 126, 65535, 65536, 1 << 20}) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                client.socket.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
                assertEquals(ByteBuffer.wrap(data), client.next(), size + " bytes");
                String text = "é€😀".repeat(size / 9 + 1);
                client.socket.sendText(text, true).get(10, TimeUnit.SECONDS);
                assertEquals(text, client.next());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("a listener that accepts lent buffers echoes large messages from pooled buffers, direct where the container writes them as they are")
    void echoesLargeMessagesFromLentBuffers(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().build(); // a pool of its own
        boolean direct = container.writesDirectBuffers();
        List<Boolean> directness = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingListener server = new RecordingListener() {
            @Override
            public void onBinary(WebSocket socket, ByteBuffer data) {
                directness.add(data.isDirect());
                super.onBinary(socket, data);
            }

            @Override
            public boolean acceptsLentBuffers() {
                return true;
            }
        }.echoing();
        Random random = new Random(13);
        int[] sizes = {1 << 20, 100, 65536, (1 << 20) + 1, ConnectionOptions.LARGEST_LENT_BUFFER + 1, 1 << 20, 1 << 20};
        try (RunningServer running = container.start(r -> r.addServlet("/echo", TestServlet.of(options, server)));
             JdkClient client = JdkClient.connect(running.wsUri("/echo"))) {
            for (int size : sizes) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                client.socket.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
                assertEquals(ByteBuffer.wrap(data), client.next(), size + " bytes");
            }
            client.socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
            server.await("close:");
        }
        assertEquals(List.of(direct, false, direct, direct, false, direct, direct), directness, "lent from the pool: 64 KiB to 4 MiB");
        BufferPool pool = options.connection().lentBuffers(direct);
        // The last echo's completion may still be on its way from the writing thread (it follows the
        // write of the frames behind it); the pool has no event to wait on, so wait for the count.
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (pool.lentCount() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, pool.lentCount(), "every buffer came back once its echo was written");
        // Four messages of 1 MiB: one buffer, or two when an echo's completion came after the next message.
        assertTrue(pool.bytes() <= 2 * (1 << 20) + (2 << 20) + 65536,
                "buffers were reused, not one taken per message: " + pool.bytes());
        assertEquals(0, options.connection().lentBuffers(!direct).bytes(), "the other kind was never used");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void receivesFragmentedMessagesAndSendsThem(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            client.socket.sendText("frag", false).get(10, TimeUnit.SECONDS);
            client.socket.sendText("mented", true).get(10, TimeUnit.SECONDS);
            assertEquals("text:fragmented", server.await("text:"));
            WebSocket socket = server.socket();
            socket.sendPart("one ", false);
            socket.ping(); // control frames may go between the parts
            socket.sendPart("two", true).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("one two", client.next());
            socket.sendPart(ByteBuffer.wrap(new byte[]{1}), false);
            socket.sendPart(ByteBuffer.wrap(new byte[]{2}), true);
            assertEquals(ByteBuffer.wrap(new byte[]{1, 2}), client.next());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void wholeMessagesWaitBehindAFragmentedMessage(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            socket.sendPart("one ", false);
            CompletableFuture<Void> whole = socket.send("whole").toCompletableFuture();
            CompletableFuture<Void> binary = socket.send(new byte[]{7}).toCompletableFuture();
            assertTrue(socket.bufferedAmount() >= "whole".length() + 1, "the waiting messages count as buffered");
            socket.sendPart("two", true).toCompletableFuture().get(10, TimeUnit.SECONDS);
            whole.get(10, TimeUnit.SECONDS);
            binary.get(10, TimeUnit.SECONDS);

            RawWebSocketClient.Frame first = client.readFrame(TIMEOUT);
            assertEquals(List.of(0x1, false, "one "), List.of(first.opcode(), first.fin(), first.text()));
            RawWebSocketClient.Frame last = client.readFrame(TIMEOUT);
            assertEquals(List.of(0x0, true, "two"), List.of(last.opcode(), last.fin(), last.text()));
            assertEquals("whole", client.readFrame(TIMEOUT).text());
            assertEquals(0x2, client.readFrame(TIMEOUT).opcode());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aBroadcastDuringAStreamedMessageWaitsForItsEnd(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            WebSocketRegistry everyone = new WebSocketRegistry();
            everyone.add(socket);
            byte[] data = new byte[200_000];
            new Random(5).nextBytes(data);
            CompletableFuture<Integer> broadcast;
            try (java.io.OutputStream out = socket.sendStream()) {
                out.write(data, 0, 100_000);
                broadcast = everyone.broadcast("news");
                out.write(data, 100_000, 100_000);
            }
            assertEquals(1, broadcast.get(10, TimeUnit.SECONDS), "written, not failed");
            assertEquals(ByteBuffer.wrap(data), client.next());
            assertEquals("news", client.next());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aMillionChainedSendsDoNotGrowTheStack(Container container) throws Exception {
        int count = 1_000_000;
        byte[] message = {1, 2, 3, 4, 5, 6, 7, 8};
        CompletableFuture<Void> allSent = new CompletableFuture<>();
        RecordingListener server = new RecordingListener() {
            @Override
            public void onOpen(WebSocket socket) {
                super.onOpen(socket);
                sendFrom(socket, 0);
            }

            /** The natural way to stream with backpressure: the next send when the previous one completes. */
            private void sendFrom(WebSocket socket, int sent) {
                if (sent == count) {
                    allSent.complete(null);
                    return;
                }
                socket.send(message).thenRun(() -> sendFrom(socket, sent + 1)).exceptionally(e -> {
                    allSent.completeExceptionally(e);
                    return null;
                });
            }
        };
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            int frameSize = 2 + message.length;
            byte[] chunk = new byte[64 * 1024];
            long expected = (long) count * frameSize;
            long received = 0;
            client.setReadTimeout(Duration.ofSeconds(30));
            while (received < expected && !allSent.isCompletedExceptionally()) {
                int n = client.input().read(chunk);
                assertTrue(n > 0, "the connection ended after " + received / frameSize + " messages");
                received += n;
            }
            allSent.get(30, TimeUnit.SECONDS); // a StackOverflowError in the chain fails it
            assertEquals(expected, received);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void sendsMessagesWrittenAsStreams(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            byte[] data = new byte[(1 << 20) + 3];
            new Random(3).nextBytes(data);
            try (java.io.OutputStream out = socket.sendStream()) {
                for (int off = 0; off < data.length; off += 1000) {
                    out.write(data, off, Math.min(1000, data.length - off));
                }
            }
            assertEquals(ByteBuffer.wrap(data), client.next());
            String text = "a😀é€".repeat(20_000); // surrogate pairs across every chunk boundary
            try (java.io.Writer writer = socket.sendWriter()) {
                writer.write(text);
            }
            assertEquals(text, client.next());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void manyThreadsSendingOnOneSocketNeverInterleaveFrames(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        int threads = 8;
        int perThread = 200;
        // Room for everything at once: this test is about framing, not the outbound limit.
        WebSocketOptions roomy = WebSocketOptions.builder().outboundLimit(256L << 20).build();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(roomy, server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<CompletableFuture<Void>> sends = new java.util.concurrent.CopyOnWriteArrayList<>();
            try {
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    pool.execute(() -> {
                        for (int i = 0; i < perThread; i++) {
                            // Sizes on both sides of the gather threshold and the 16-bit length form.
                            int size = (i % 3 == 0) ? 70_000 : (i % 3 == 1) ? 300 : 20;
                            byte[] body = new byte[size];
                            java.util.Arrays.fill(body, (byte) ('a' + thread));
                            String head = thread + ":" + i + ":";
                            sends.add(socket.send(head + new String(body, StandardCharsets.US_ASCII)).toCompletableFuture());
                        }
                    });
                }
                Set<String> seen = new HashSet<>();
                for (int n = 0; n < threads * perThread; n++) {
                    RawWebSocketClient.Frame frame = client.readMessage(TIMEOUT); // fails if frames of two messages mix
                    assertEquals(1, frame.opcode());
                    String[] parts = frame.text().split(":", 3);
                    char expected = (char) ('a' + Integer.parseInt(parts[0]));
                    assertTrue(parts[2].chars().allMatch(c -> c == expected), "a message mixed with another");
                    seen.add(parts[0] + ":" + parts[1]);
                }
                assertEquals(threads * perThread, seen.size());
                // A message can arrive before its sending thread has added its stage to the list.
                pool.shutdown();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                assertEquals(threads * perThread, sends.size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void sendCompletesWhenWrittenAndBufferedAmountFallsToZero(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            socket.send(new byte[100_000]).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(100_000, ((ByteBuffer) client.next()).remaining());
            assertEquals(0, socket.bufferedAmount());
            assertTrue(socket.isWritable());
            assertEquals(0, socket.bytesReceived());
            client.socket.sendText("x", true).get(10, TimeUnit.SECONDS);
            server.await("text:x");
            assertEquals(7, socket.bytesReceived(), "a 1-byte masked frame is 7 bytes");
        }
    }
}
