package dev.tether.servlet;

import dev.tether.api.CloseStatus;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input from a raw-socket peer: the right close code, then the socket is closed; bad handshakes get an HTTP error. */
class WebSocketProtocolErrorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A frame the client sends: first byte, payload, masked or not. */
    record BadFrame(String name, int b0, byte[] payload, boolean mask, int expectedCode) {
        @Override
        public String toString() {
            return name + " → " + expectedCode;
        }
    }

    static Stream<Arguments> badFrames() {
        List<BadFrame> frames = List.of(
                new BadFrame("unmasked text frame", 0x81, "hi".getBytes(), false, 1002),
                new BadFrame("reserved opcode 3", 0x83, new byte[0], true, 1002),
                new BadFrame("RSV1 without an extension", 0xC1, "hi".getBytes(), true, 1002),
                new BadFrame("fragmented ping", 0x09, new byte[0], true, 1002),
                new BadFrame("continuation with no message", 0x80, new byte[]{1}, true, 1002),
                new BadFrame("invalid UTF-8", 0x81, new byte[]{(byte) 0xC0, (byte) 0xAF}, true, 1007),
                new BadFrame("close code 1005 on the wire", 0x88, new byte[]{0x03, (byte) 0xED}, true, 1002),
                new BadFrame("frame over maxLength", 0x82, new byte[2000], true, 1009));
        List<Arguments> rows = new ArrayList<>();
        for (Container c : Container.values()) {
            for (BadFrame f : frames) {
                rows.add(Arguments.of(c, f));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badFrames")
    void protocolViolationsCloseWithTheirCode(Container container, BadFrame frame) throws Exception {
        RecordingListener server = new RecordingListener();
        WebSocketOptions options = WebSocketOptions.builder().maxLength(1000).build();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            server.socket();
            client.sendFrame(frame.b0(), frame.payload(), frame.mask());
            assertEquals(frame.expectedCode(), client.readCloseFrame(TIMEOUT).code());
            client.awaitEof(TIMEOUT);
            CloseStatus status = server.awaitClose();
            assertEquals(frame.expectedCode(), status.code());
            assertFalse(status.wasClean());
            assertEquals("error:ProtocolException", server.await("error:"));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anUnsupportedVersionGets426WithTheVersionWeSpeak(Container container) throws Exception {
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(new RecordingListener())));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"), "Sec-WebSocket-Version", "12")) {
            assertEquals(426, client.response().status());
            assertEquals("13", client.response().header("Sec-WebSocket-Version"));
            assertFalse(client.accepted());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aMalformedKeyGets400WithTheReason(Container container) throws Exception {
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(new RecordingListener())));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"), "Sec-WebSocket-Key", "short")) {
            assertEquals(400, client.response().status());
            String body = new String(client.readExactly(Integer.parseInt(client.response().header("Content-Length")), TIMEOUT));
            assertTrue(body.contains("Sec-WebSocket-Key must be 16 random bytes in base64"), body);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anHttp10HandshakeGets400(Container container) throws Exception {
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(new RecordingListener())));
             RawWebSocketClient client = RawWebSocketClient.open(running.wsUri("/ws"))) {
            RawWebSocketClient.ResponseHead head = client.sendRequestHead("GET /ws HTTP/1.0\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            assertEquals(400, head.status());
            String body = new String(client.readExactly(Integer.parseInt(head.header("Content-Length")), TIMEOUT));
            assertEquals("a WebSocket handshake needs HTTP/1.1, not HTTP/1.0\n", body);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPlainRequestToAWebSocketServletGets426(Container container) throws Exception {
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(new RecordingListener())));
             RawWebSocketClient client = RawWebSocketClient.open(running.wsUri("/ws"))) {
            RawWebSocketClient.ResponseHead head = client.sendRequestHead(
                    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertEquals(426, head.status());
            assertEquals("websocket", head.header("Upgrade"));
        }
    }
}
