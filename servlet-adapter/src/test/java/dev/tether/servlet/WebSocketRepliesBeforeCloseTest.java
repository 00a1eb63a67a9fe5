package dev.tether.servlet;

import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.tether.servlet.testing.RawWebSocketClient.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A peer's last messages and its Close (or a frame that breaks the protocol) arriving in one read:
 * the messages are delivered, and what the application sends in reply is written before the answer
 * to the Close (RFC 6455 §5.5.1), as node's ws does. Each case runs on several connections, since
 * how the bytes are split into reads is the network's choice.
 */
class WebSocketRepliesBeforeCloseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int TRIES = 20;

    private static byte[] text(String text) {
        return frame(0x81, text.getBytes(StandardCharsets.UTF_8), true);
    }

    private static byte[] close(int code) {
        return frame(0x88, ByteBuffer.allocate(2).putShort((short) code).array(), true);
    }

    private static byte[] together(byte[]... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            all.writeBytes(f);
        }
        return all.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theReplyToTheLastMessageGoesOutBeforeTheCloseAnswer(Container container) throws Exception {
        RecordingListener echo = new RecordingListener().echoing();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(echo)))) {
            for (int i = 0; i < TRIES; i++) {
                try (RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                    client.sendRaw(together(text("last request " + i), close(1000)));
                    assertEquals("last request " + i, client.readFrame(TIMEOUT).text(), "try " + i);
                    assertEquals(new RawWebSocketClient.CloseFrame(1000, ""), client.readCloseFrame(TIMEOUT));
                    client.awaitEof(TIMEOUT);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theReplyGoesOutBeforeTheCloseForAViolationThatFollows(Container container) throws Exception {
        RecordingListener echo = new RecordingListener().echoing();
        byte[][] violations = {
                frame(0x83, new byte[0], true),                                       // reserved opcode
                frame(0xC1, "x".getBytes(StandardCharsets.UTF_8), true),             // RSV1 with no extension
                frame(0x80, "stray".getBytes(StandardCharsets.UTF_8), true),         // continuation of nothing
        };
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(echo)))) {
            for (int i = 0; i < TRIES; i++) {
                try (RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                    client.sendRaw(together(text("before " + i), violations[i % violations.length]));
                    assertEquals("before " + i, client.readFrame(TIMEOUT).text(), "try " + i);
                    assertEquals(1002, client.readCloseFrame(TIMEOUT).code());
                    client.awaitEof(TIMEOUT);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aLargeAndASmallMessageThenCloseAndPing(Container container) throws Exception {
        RecordingListener echo = new RecordingListener().echoing();
        byte[] large = new byte[256 * 1024];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(echo)))) {
            for (int i = 0; i < TRIES / 2; i++) {
                try (RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                    client.sendRaw(together(frame(0x82, large, true), text("short"), close(1001),
                            frame(0x89, "late".getBytes(StandardCharsets.UTF_8), true)));
                    RawWebSocketClient.Frame first = client.readMessage(TIMEOUT);
                    assertEquals(0x2, first.opcode(), "try " + i);
                    assertArrayEquals(large, first.payload());
                    assertEquals("short", client.readFrame(TIMEOUT).text());
                    assertEquals(new RawWebSocketClient.CloseFrame(1001, ""), client.readCloseFrame(TIMEOUT));
                    // Nothing after the close: the ping behind it is not answered.
                    assertEquals(0, client.awaitEof(TIMEOUT).length);
                }
            }
        }
    }
}
