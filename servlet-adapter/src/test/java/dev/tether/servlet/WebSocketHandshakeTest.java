package dev.tether.servlet;

import dev.tether.api.HandshakeInfo;
import dev.tether.api.WebSocket;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an application controls at the handshake: who may connect, with which subprotocol, and what it learns. */
class WebSocketHandshakeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(Container.class)
    void theHookRejectsWithAnyStatusAndBody(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().handshakeHook(handshake -> {
            if (handshake.request().getHeader("Authorization") == null) {
                handshake.reject(401, "log in first");
            }
        }).build();
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             RawWebSocketClient refused = RawWebSocketClient.connect(running.wsUri("/ws"));
             RawWebSocketClient allowed = RawWebSocketClient.connect(running.wsUri("/ws"), "Authorization", "Bearer x")) {
            assertEquals(401, refused.response().status());
            assertEquals("log in first\n", new String(refused.readExactly(13, TIMEOUT)));
            assertTrue(allowed.accepted());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void onlyAllowedOriginsMayConnect(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().allowedOrigins("https://app.example").build();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, new RecordingListener())));
             RawWebSocketClient evil = RawWebSocketClient.connect(running.wsUri("/ws"), "Origin", "https://evil.example");
             RawWebSocketClient good = RawWebSocketClient.connect(running.wsUri("/ws"), "Origin", "https://APP.example")) {
            assertEquals(403, evil.response().status());
            assertTrue(good.accepted());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void subprotocolCookiesHeadersAndAttributes(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().protocols("chat.v2", "chat.v1")
                .handshakeHook(handshake -> {
                    handshake.header("Set-Cookie", "session=abc; HttpOnly");
                    handshake.attributes().put("user", "ada");
                    if (handshake.offeredProtocols().contains("chat.v2") && handshake.request().getParameter("legacy") != null) {
                        handshake.selectProtocol("chat.v1");
                    }
                }).build();
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws?room=7"),
                     "Sec-WebSocket-Protocol", "chat.v1, chat.v2", "Cookie", "theme=dark", "X-Trace", "t-1")) {
            assertEquals("chat.v1", client.response().header("Sec-WebSocket-Protocol"), "the client's order decides");
            assertEquals("session=abc; HttpOnly", client.response().header("Set-Cookie"));
            WebSocket socket = server.socket();
            assertEquals("chat.v1", socket.protocol());
            assertEquals("hybi-13", socket.version());
            assertEquals(Map.of("user", "ada"), socket.attributes());
            HandshakeInfo info = socket.handshake();
            assertEquals("/ws?room=7", info.uri().toString());
            assertEquals("room=7", info.query());
            assertEquals("t-1", info.header("x-trace"));
            assertEquals("theme", info.cookies().get(0).getName());
            assertEquals("dark", info.cookies().get(0).getValue());
            assertTrue(info.remoteAddress().getAddress().isLoopbackAddress());
            assertEquals(101, info.responseStatus());
            assertEquals("chat.v1", info.responseHeader("sec-websocket-protocol"), "what we answered, as sent");
            assertEquals(List.of("session=abc; HttpOnly"), info.responseHeaders("Set-Cookie"));
            assertEquals(client.response().header("Sec-WebSocket-Accept"), info.responseHeader("Sec-WebSocket-Accept"));
        }
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, new RecordingListener())));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws?legacy=1"),
                     "Sec-WebSocket-Protocol", "chat.v2, chat.v1")) {
            assertEquals("chat.v1", client.response().header("Sec-WebSocket-Protocol"), "the hook's choice wins");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("a hook that keeps its context and first touches the attributes after the connection opened shares the connection's map")
    void attributesFirstAskedForAfterTheConnectionOpenedAreTheConnections(Container container) throws Exception {
        java.util.concurrent.atomic.AtomicReference<HandshakeContext> kept = new java.util.concurrent.atomic.AtomicReference<>();
        WebSocketOptions options = WebSocketOptions.builder().handshakeHook(kept::set).build();
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            assertTrue(client.accepted());
            WebSocket socket = server.socket();
            kept.get().attributes().put("user", "ada");
            assertEquals(Map.of("user", "ada"), socket.attributes());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("headers the hook adds are multi-valued: two Set-Cookie both reach the 101")
    void theHookAddsEveryValueOfAHeader(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().handshakeHook(handshake -> {
            handshake.header("Set-Cookie", "session=abc; HttpOnly");
            handshake.header("Set-Cookie", "theme=dark");
        }).build();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, new RecordingListener())));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            assertTrue(client.accepted());
            assertEquals(List.of("session=abc; HttpOnly", "theme=dark"), client.response().headers().get("Set-Cookie"));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    @DisplayName("a header value with CR or LF would split the response: the hook fails, the handshake gets 500")
    void aHeaderThatWouldSplitTheResponseIsRefused(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder()
                .handshakeHook(handshake -> handshake.header("X-Note", "a\r\nSet-Cookie: evil=1")).build();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, new RecordingListener())));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            assertEquals(500, client.response().status());
            assertFalse(client.response().headers().containsKey("Set-Cookie"));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void noCommonSubprotocolStillConnectsWithoutOne(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().protocols("chat.v2").build();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, new RecordingListener())));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"), "Sec-WebSocket-Protocol", "other")) {
            assertTrue(client.accepted());
            assertFalse(client.response().headers().containsKey("Sec-WebSocket-Protocol"));
        }
    }
}
