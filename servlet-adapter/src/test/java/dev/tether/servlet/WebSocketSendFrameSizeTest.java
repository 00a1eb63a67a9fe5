package dev.tether.servlet;

import dev.tether.api.WebSocket;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sendFrameSize} on a real container: a large message goes out in frames of at most that size,
 * and a ping sent after it is written between them instead of behind the whole message.
 */
class WebSocketSendFrameSizeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Larger than what the socket buffers on both ends hold, so most of it is still queued when the ping is sent. */
    private static final int LARGE = 8 << 20;
    private static final byte[] PING = "after the large message".getBytes(StandardCharsets.UTF_8);

    /** What the peer read: the frames in order (opcode and "+fin", or "ping" for ours), and the largest data frame. */
    private record Read(List<String> frames, int largestFrame) {
        int pingAt() {
            return frames.indexOf("ping");
        }
    }

    /**
     * Sends {@link #LARGE} bytes and then a ping to a peer that has read nothing yet; the peer then
     * reads every frame, answering the ping, until it has both the ping and the whole message. Both
     * stages complete.
     */
    private static Read sendLargeThenPing(Container container, WebSocketOptions options) throws Exception {
        RecordingListener server = new RecordingListener();
        byte[] data = new byte[LARGE];
        new Random(21).nextBytes(data);
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             RawWebSocketClient peer = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            CompletableFuture<Void> sent = socket.send(data).toCompletableFuture();
            CompletableFuture<Void> ponged = socket.ping(ByteBuffer.wrap(PING)).toCompletableFuture();
            assertFalse(sent.isDone(), "the peer reads nothing yet: the message cannot all be written");

            List<String> frames = new ArrayList<>();
            ByteArrayOutputStream message = new ByteArrayOutputStream(LARGE);
            int largest = 0;
            boolean messageEnded = false;
            while (!messageEnded || !frames.contains("ping")) {
                RawWebSocketClient.Frame frame = peer.readFrame(TIMEOUT);
                if (frame.opcode() == 0x9) {
                    frames.add(Arrays.equals(PING, frame.payload()) ? "ping" : "keepalive");
                    peer.sendFrame(0x8A, frame.payload(), true);
                    continue;
                }
                frames.add(frame.opcode() + (frame.fin() ? "+fin" : ""));
                message.writeBytes(frame.payload());
                largest = Math.max(largest, frame.payload().length);
                messageEnded = frame.fin();
            }
            sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            ponged.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertArrayEquals(data, message.toByteArray(), "the message arrives whole and in order");
            return new Read(frames, largest);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPingSentAfterALargeMessageOvertakesTheRestOfItsFrames(Container container) throws Exception {
        Read read = sendLargeThenPing(container, WebSocketOptions.defaults());
        assertEquals(64 * 1024, read.largestFrame(), "frames of the default 64 KiB");
        assertEquals("2", read.frames().get(0), "BINARY without FIN first");
        assertEquals("0+fin", read.frames().get(read.frames().size() - 1), "a CONTINUATION with FIN last, after the ping");
        int dataFrames = (int) read.frames().stream().filter(f -> f.startsWith("0") || f.equals("2")).count();
        assertEquals(LARGE / (64 * 1024), dataFrames);
        assertTrue(read.pingAt() > 0 && read.pingAt() < read.frames().size() - 1,
                "the ping goes between the message's frames, before its last: " + read.frames());
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void withSplittingOffThePingWaitsBehindTheWholeMessage(Container container) throws Exception {
        Read read = sendLargeThenPing(container, WebSocketOptions.builder().sendFrameSize(0).build());
        assertEquals(List.of("2+fin", "ping"), read.frames().subList(0, 2), "one frame, then the ping");
    }
}
