package dev.tether.servlet;

import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.message.MessageType;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.JdkClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages received as streams on real containers: a reader that holds back makes the server stop
 * reading from the peer (the stream never buffers much more than {@code streamBufferSize}), and once
 * it reads again the whole message arrives, on Tomcat too (there reading resumes in a dispatch of
 * Tomcat's own: resumed from the reader's thread over the servlet streams, it once stalled for good).
 */
class WebSocketStreamedMessageTest {
    private static final int STREAM_BUFFER = 256 * 1024;
    private static final int READ_BUFFER = 64 * 1024;

    @ParameterizedTest
    @EnumSource(Container.class)
    void aReaderThatHoldsBackPausesThePeerAndThenGetsEveryByte(Container container) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<InputStream> stream = new CompletableFuture<>();
        CompletableFuture<byte[]> digest = new CompletableFuture<>();
        WebSocketListener reader = new WebSocketListener() {
            @Override
            public ReceiveMode receiveMode(MessageType type) {
                return ReceiveMode.STREAM;
            }

            @Override
            public void onBinaryStream(WebSocket socket, InputStream message) throws IOException {
                stream.complete(message);
                started.countDown();
                try {
                    assertTrue(go.await(30, TimeUnit.SECONDS));
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    byte[] chunk = new byte[8192];
                    for (int n; (n = message.read(chunk)) != -1; ) {
                        sha.update(chunk, 0, n);
                    }
                    digest.complete(sha.digest());
                } catch (Exception | AssertionError e) {
                    digest.completeExceptionally(e);
                }
            }
        };
        WebSocketOptions options = WebSocketOptions.builder().maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT)
                .streamBufferSize(STREAM_BUFFER).readBufferSize(READ_BUFFER).build();
        byte[] message = new byte[32 << 20]; // far more than the socket buffers on both sides hold
        new Random(21).nextBytes(message);
        try (RunningServer running = container.start(r -> r.addServlet("/upload", TestServlet.of(options, reader)));
             JdkClient client = JdkClient.connect(running.wsUri("/upload"))) {
            CompletableFuture<?> sent = client.socket.sendBinary(ByteBuffer.wrap(message), true).toCompletableFuture();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            InputStream held = stream.get();
            // The server reads until the stream holds its limit, then stops: wait for that, bounded in time.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (held.available() < STREAM_BUFFER) {
                assertTrue(System.nanoTime() < deadline, "the stream never filled: " + held.available());
                Thread.onSpinWait();
            }
            assertTrue(held.available() <= STREAM_BUFFER + READ_BUFFER + 64 * 1024,
                    "no more than the limit and one read (and one fragment) buffered: " + held.available());
            assertTrue(!sent.isDone(), "the client is held back: its 32 MiB send has not gone out");

            go.countDown();
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(message), digest.get(30, TimeUnit.SECONDS));
            sent.get(30, TimeUnit.SECONDS);
        }
    }
}
