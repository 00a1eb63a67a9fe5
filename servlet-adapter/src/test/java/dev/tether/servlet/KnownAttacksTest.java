package dev.tether.servlet;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ConnectionClosedException;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per class of attack that hurt other WebSocket libraries (the CVE in each name), on each
 * container: what the peer gets, and that the server still serves others afterwards.
 */
class KnownAttacksTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static final WebSocketListener ECHO = new WebSocketListener() {
        @Override
        public void onText(WebSocket socket, String text) {
            socket.send(text);
        }

        @Override
        public void onBinary(WebSocket socket, ByteBuffer data) {
            socket.send(ByteBuffer.allocate(data.remaining()).put(data).flip());
        }
    };

    private static RunningServer echo(Container container, WebSocketOptions options) throws Exception {
        return container.start(r -> r.addServlet("/ws", TestServlet.of(options, ECHO)));
    }

    /** Another peer's echo still works: the attack hurt only the connection that made it. */
    private static void assertStillServes(RunningServer running) throws IOException {
        try (RawWebSocketClient canary = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            canary.sendFrame(0x81, "still here".getBytes(), true);
            assertEquals("still here", canary.readFrame(TIMEOUT).text());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("CVE-2020-13935 (Tomcat): a 64-bit length with its top bit set is 1002, one just over maxLength 1009, before any payload")
    void lengthOverflow(Container container) throws Exception {
        try (RunningServer running = echo(container, WebSocketOptions.builder().maxLength(1 << 20).build())) {
            try (RawWebSocketClient top = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                top.sendRaw(new byte[] {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
                assertEquals(CloseCodes.PROTOCOL_ERROR, top.readCloseFrame(TIMEOUT).code());
            }
            try (RawWebSocketClient over = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                over.sendRaw(new byte[] {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, 0, 0x10, 0, 1, 0, 0, 0, 0});
                assertEquals(CloseCodes.MESSAGE_TOO_BIG, over.readCloseFrame(TIMEOUT).code());
            }
            assertStillServes(running);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("fragment floods: 20,000 empty continuations make one message; tiny fragments past maxLength are 1009")
    void fragmentFloods(Container container) throws Exception {
        try (RunningServer running = echo(container, WebSocketOptions.builder().maxLength(10_000).build())) {
            try (RawWebSocketClient flood = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                ByteArrayOutputStream frames = new ByteArrayOutputStream();
                frames.writeBytes(RawWebSocketClient.frame(0x01, "a".getBytes(), true));
                byte[] empty = RawWebSocketClient.frame(0x00, new byte[0], true);
                for (int i = 0; i < 20_000; i++) {
                    frames.writeBytes(empty);
                }
                frames.writeBytes(RawWebSocketClient.frame(0x80, "b".getBytes(), true));
                flood.sendRaw(frames.toByteArray());
                assertEquals("ab", flood.readFrame(TIMEOUT).text());
            }
            try (RawWebSocketClient tiny = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                ByteArrayOutputStream frames = new ByteArrayOutputStream();
                frames.writeBytes(RawWebSocketClient.frame(0x02, new byte[100], true));
                for (int i = 0; i < 200; i++) {
                    frames.writeBytes(RawWebSocketClient.frame(0x00, new byte[100], true));
                }
                tiny.sendRaw(frames.toByteArray());
                assertEquals(CloseCodes.MESSAGE_TOO_BIG, tiny.readCloseFrame(TIMEOUT).code());
            }
            assertStillServes(running);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("decompression bomb: a 64 KiB frame that would inflate to 64 MiB is 1009 at the limit")
    void decompressionBomb(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().maxLength(1 << 20).extension(PerMessageDeflate.defaults()).build();
        byte[] zeros = new byte[64 << 20];
        Deflater deflater = new Deflater(9, true);
        deflater.setInput(zeros);
        byte[] bomb = new byte[128 * 1024];
        int n = deflater.deflate(bomb, 0, bomb.length, Deflater.SYNC_FLUSH);
        deflater.end();
        assertTrue(n < 100 * 1024, "the bomb is small: " + n);
        try (RunningServer running = echo(container, options);
             RawWebSocketClient peer = RawWebSocketClient.connect(running.wsUri("/ws"), "Sec-WebSocket-Extensions", "permessage-deflate")) {
            assertTrue(peer.response().header("Sec-WebSocket-Extensions").startsWith("permessage-deflate"));
            peer.sendFrame(0xC2, java.util.Arrays.copyOf(bomb, n - 4), true);
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, peer.readCloseFrame(TIMEOUT).code());
            assertStillServes(running);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("CVE-2021-32640 (ws): valid Sec-WebSocket-Protocol and Sec-WebSocket-Extensions lists padded with thousands of spaces reach Tether's parsers and are answered (the parsers' linear time is shown on a megabyte in core)")
    void headerReDoS(Container container) throws Exception {
        String padding = ", ".repeat(1_500) + " ".repeat(3_000); // empty list elements and whitespace, within the containers' 8 KiB
        try (RunningServer running = echo(container, WebSocketOptions.builder().protocols("chat").extension(PerMessageDeflate.defaults()).build())) {
            try (RawWebSocketClient protocols = RawWebSocketClient.connect(running.wsUri("/ws"),
                    "Sec-WebSocket-Protocol", "superchat" + padding + "chat")) {
                assertEquals(101, protocols.response().status());
                assertEquals("chat", protocols.response().header("Sec-WebSocket-Protocol"), "the list was parsed whole");
            }
            try (RawWebSocketClient extensions = RawWebSocketClient.connect(running.wsUri("/ws"),
                    "Sec-WebSocket-Extensions", "x-unknown" + padding + "permessage-deflate;" + " ".repeat(1_000) + "client_max_window_bits")) {
                assertEquals(101, extensions.response().status());
                assertTrue(extensions.response().header("Sec-WebSocket-Extensions").startsWith("permessage-deflate"),
                        "the offer after the padding was parsed and accepted");
            }
            assertStillServes(running);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("CVE-2024-37890 (ws): a handshake with 2,000 headers is answered (the container's limit or ours), and the server goes on")
    void headerFlood(Container container) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < 2_000; i++) {
            headers.put("X-Flood-" + i, "x");
        }
        try (RunningServer running = echo(container, WebSocketOptions.defaults())) {
            try (RawWebSocketClient peer = RawWebSocketClient.connect(running.wsUri("/ws"), headers)) {
                int status = peer.response().status();
                assertTrue(status == 101 || status == 400 || status == 431, "answered " + status);
            } catch (IOException closedByTheContainer) {
                // Tomcat drops a request past its header count limit without an answer: refused all the same
            }
            assertStillServes(running);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("CVE-2022-25762, CVE-2024-23672 (Tomcat): a peer that resets while the server sends gets no further send through, and every send fails cleanly")
    void closeRaceAndUseAfterClose(Container container) throws Exception {
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();
        WebSocketListener sender = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket socket) {
                opened.complete(socket);
            }

            @Override
            public void onText(WebSocket socket, String text) {
                socket.send(text); // the canary's echo
            }

            @Override
            public void onClose(WebSocket socket, CloseStatus status) {
                if (socket == opened.getNow(null)) { // the attacker's connection, not the canary's
                    closes.incrementAndGet();
                    closed.complete(status);
                }
            }
        };
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(sender)))) {
            WebSocket server;
            try (RawWebSocketClient peer = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                server = opened.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                for (int i = 0; i < 100; i++) {
                    server.send(new byte[16 * 1024]); // in flight when the peer goes
                }
                peer.sendFrame(0x88, new byte[] {0x03, (byte) 0xE8}, true);
            } // closed with unread data: a reset
            CloseStatus status = closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(status.code() == CloseCodes.NORMAL || status.code() == CloseCodes.ABNORMAL, status.toString());
            CompletionException late = assertThrows(CompletionException.class, () -> server.send("after").toCompletableFuture().join());
            assertInstanceOf(ConnectionClosedException.class, late.getCause());
            server.close(); // and closing again is harmless
            assertStillServes(running);
            assertEquals(1, closes.get(), "the close is reported once");
        }
    }
}
