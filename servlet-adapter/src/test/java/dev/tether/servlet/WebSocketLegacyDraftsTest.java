package dev.tether.servlet;

import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.handshake.Hixie76Key;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hixie-75 and hixie-76 drafts, end to end over a raw socket, on each container. */
class WebSocketLegacyDraftsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String KEY1 = "4 @1  46546xW%0l 1 5";
    private static final String KEY2 = "12998 5 Y3 1  .P00";
    private static final byte[] KEY3 = "^n:ds[4U".getBytes(StandardCharsets.US_ASCII);

    private static String hixie76Head(int port, String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key2: " + KEY2 + "\r\nUpgrade: WebSocket\r\nSec-WebSocket-Key1: " + KEY1
                + "\r\nOrigin: http://127.0.0.1\r\n\r\n";
    }

    /** A servlet that upgrades every request and hands the new socket, still connecting, to {@code then}. */
    private static HttpServlet upgradingServlet(WebSocketOptions options, WebSocketListener listener,
                                                java.util.function.Consumer<WebSocket> then) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, jakarta.servlet.ServletException {
                then.accept(WebSockets.upgrade(request, response, options, listener));
            }
        };
    }

    private static byte[] frame(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[utf8.length + 2];
        frame[0] = 0x00;
        System.arraycopy(utf8, 0, frame, 1, utf8.length);
        frame[frame.length - 1] = (byte) 0xFF;
        return frame;
    }

    @ParameterizedTest
    @EnumSource(value = Container.class, names = "UNDERTOW", mode = EnumSource.Mode.EXCLUDE) // see below
    void hixie76EchoesAndClosesWithItsClosingHandshake(Container container) throws Exception {
        RecordingListener server = new RecordingListener().echoing();
        try (RunningServer running = container.start(r -> r.addServlet("/echo", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.open(running.wsUri("/echo"))) {
            RawWebSocketClient.ResponseHead head = client.sendRequestHead(hixie76Head(running.port(), "/echo"));
            assertEquals(101, head.status(), head::toString);
            assertEquals("ws://127.0.0.1:" + running.port() + "/echo", head.header("Sec-WebSocket-Location"));
            client.sendRaw(KEY3);
            assertArrayEquals(Hixie76Key.challengeResponse(KEY1, KEY2, KEY3), client.readExactly(16, TIMEOUT));
            client.sendRaw(frame("héllo"));
            assertArrayEquals(frame("héllo"), client.readExactly(frame("héllo").length, TIMEOUT));
            client.sendRaw(new byte[]{(byte) 0xFF, 0x00});
            assertArrayEquals(new byte[]{(byte) 0xFF, 0x00}, client.readExactly(2, TIMEOUT));
            client.awaitEof(TIMEOUT);
            assertEquals("close:1000:clean", server.await("close:"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Container.class, names = "UNDERTOW", mode = EnumSource.Mode.EXCLUDE) // see below
    void hixie76RepliesToTheLastMessageBeforeAnsweringTheClose(Container container) throws Exception {
        RecordingListener server = new RecordingListener().echoing();
        try (RunningServer running = container.start(r -> r.addServlet("/echo", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.open(running.wsUri("/echo"))) {
            assertEquals(101, client.sendRequestHead(hixie76Head(running.port(), "/echo")).status());
            client.sendRaw(KEY3);
            assertArrayEquals(Hixie76Key.challengeResponse(KEY1, KEY2, KEY3), client.readExactly(16, TIMEOUT));
            byte[] last = frame("last words");
            byte[] lastAndClose = java.util.Arrays.copyOf(last, last.length + 2);
            lastAndClose[last.length] = (byte) 0xFF; // then 0x00: the closing frame, in the same write
            client.sendRaw(lastAndClose);
            assertArrayEquals(last, client.readExactly(last.length, TIMEOUT));
            assertArrayEquals(new byte[]{(byte) 0xFF, 0x00}, client.readExactly(2, TIMEOUT));
            client.awaitEof(TIMEOUT);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Container.class, names = "UNDERTOW", mode = EnumSource.Mode.EXCLUDE) // see below
    void hixie76SendsMadeBeforeTheKeyArrivesWaitForTheAnswer(Container container) throws Exception {
        // A servlet that sends right after the upgrade, before the 8 key bytes have arrived.
        HttpServlet eager = upgradingServlet(WebSocketOptions.defaults(), new WebSocketListener() {
        }, socket -> socket.send("early bird"));
        try (RunningServer running = container.start(r -> r.addServlet("/eager", eager));
             RawWebSocketClient client = RawWebSocketClient.open(running.wsUri("/eager"))) {
            assertEquals(101, client.sendRequestHead(hixie76Head(running.port(), "/eager")).status());
            client.sendRaw(KEY3);
            assertArrayEquals(Hixie76Key.challengeResponse(KEY1, KEY2, KEY3), client.readExactly(16, TIMEOUT));
            assertArrayEquals(frame("early bird"), client.readExactly(frame("early bird").length, TIMEOUT));
        }
    }

    /**
     * Undertow's request parser collapses each run of spaces in a header value into one, so a
     * hixie-76 key (whose number is divided by its count of spaces) cannot be read there: the
     * handshake is refused with a clear 400 instead of being answered wrongly. Hixie-75 works.
     */
    @Test
    void hixie76IsRefusedOnUndertowWhichCollapsesTheKeysSpaces() throws Exception {
        RecordingListener server = new RecordingListener().echoing();
        try (RunningServer running = Container.UNDERTOW.start(r -> r.addServlet("/echo", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.open(running.wsUri("/echo"))) {
            RawWebSocketClient.ResponseHead head = client.sendRequestHead(hixie76Head(running.port(), "/echo"));
            assertEquals(400, head.status(), head::toString);
            String reason = new String(client.readExactly(Integer.parseInt(head.header("Content-Length")), TIMEOUT),
                    StandardCharsets.UTF_8);
            assertEquals("hixie-76 key's number 4146546015 is not a multiple of its 4 spaces: \"4 @1 46546xW%0l 1 5\"\n",
                    reason, "the key as Undertow hands it over: " + KEY1 + " with one space fewer");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void hixie75Echoes(Container container) throws Exception {
        RecordingListener server = new RecordingListener().echoing();
        try (RunningServer running = container.start(r -> r.addServlet("/echo", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.open(running.wsUri("/echo"))) {
            RawWebSocketClient.ResponseHead head = client.sendRequestHead("GET /echo HTTP/1.1\r\nUpgrade: WebSocket\r\n"
                    + "Connection: Upgrade\r\nHost: 127.0.0.1:" + running.port() + "\r\nOrigin: http://127.0.0.1\r\n\r\n");
            assertEquals(101, head.status(), head::toString);
            assertEquals("ws://127.0.0.1:" + running.port() + "/echo", head.header("WebSocket-Location"));
            client.sendRaw(frame("old times"));
            assertArrayEquals(frame("old times"), client.readExactly(frame("old times").length, TIMEOUT));
            assertEquals("hixie-75", server.socket().version());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Container.class, names = "UNDERTOW", mode = EnumSource.Mode.EXCLUDE) // see below
    void aSendQueuedBehindACloseBeforeOpenFailsAsClosed(Container container) throws Exception {
        CompletableFuture<CompletableFuture<Void>> late = new CompletableFuture<>();
        HttpServlet servlet = upgradingServlet(WebSocketOptions.defaults(), new WebSocketListener() {
        }, socket -> {
            socket.close(1000, "bye"); // before the key bytes: both wait for the open
            late.complete(socket.send("after the close").toCompletableFuture());
        });
        try (RunningServer running = container.start(r -> r.addServlet("/closing", servlet));
             RawWebSocketClient client = RawWebSocketClient.open(running.wsUri("/closing"))) {
            assertEquals(101, client.sendRequestHead(hixie76Head(running.port(), "/closing")).status());
            client.sendRaw(KEY3);
            CompletableFuture<Void> send = late.get(10, TimeUnit.SECONDS);
            java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> send.get(10, TimeUnit.SECONDS));
            org.junit.jupiter.api.Assertions.assertInstanceOf(dev.tether.api.ConnectionClosedException.class, failed.getCause());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Container.class, names = "UNDERTOW", mode = EnumSource.Mode.EXCLUDE) // see below
    void aConnectionThatNeverOpensReportsNothingToItsListener(Container container) throws Exception {
        // A hixie-76 client that never sends its 8 key bytes: the handshake times out before open.
        RecordingListener listener = new RecordingListener();
        CompletableFuture<WebSocket> upgraded = new CompletableFuture<>();
        HttpServlet servlet = upgradingServlet(WebSocketOptions.builder().handshakeTimeout(Duration.ofMillis(100)).build(),
                listener, upgraded::complete);
        try (RunningServer running = container.start(r -> r.addServlet("/slow", servlet));
             RawWebSocketClient client = RawWebSocketClient.open(running.wsUri("/slow"))) {
            assertEquals(101, client.sendRequestHead(hixie76Head(running.port(), "/slow")).status());
            WebSocket socket = upgraded.get(10, TimeUnit.SECONDS);
            CloseStatus status = socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(1006, status.code());
            client.awaitEof(TIMEOUT);
            // closed() completes after onClose would have been called: the listener saw nothing.
            assertEquals(List.of(), List.copyOf(listener.events));
            assertEquals(0, listener.closeCalls.get());
        }
    }
}
