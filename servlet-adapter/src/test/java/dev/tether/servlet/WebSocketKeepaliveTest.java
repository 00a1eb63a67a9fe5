package dev.tether.servlet;

import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.api.WebSocket;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.JdkClient;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pings, pongs, keepalive and dead-peer detection. */
class WebSocketKeepaliveTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPingCompletesWhenItsPongArrives(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            socket.ping(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            socket.ping().toCompletableFuture().get(10, TimeUnit.SECONDS);
            server.await("pong");
            assertEquals(ReadyState.OPEN, client.socket.isInputClosed() ? ReadyState.CLOSED : ReadyState.OPEN);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aClientPingIsAnsweredWithItsPayload(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            client.sendFrame(0x89, "hello".getBytes(StandardCharsets.UTF_8), true);
            RawWebSocketClient.Frame pong = client.readFrame(TIMEOUT);
            assertEquals(0xA, pong.opcode());
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), pong.payload());
            assertEquals("ping:hello", server.await("ping:"));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aLivePeerIsKeptAndADeadOneIsDropped(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder()
                .pingInterval(Duration.ofMillis(100)).pongTimeout(Duration.ofMillis(300)).build();
        RecordingListener live = new RecordingListener();
        RecordingListener dead = new RecordingListener();
        try (RunningServer running = container.start(r -> r
                .addServlet("/live", TestServlet.of(options, live))
                .addServlet("/dead", TestServlet.of(options, dead)));
             JdkClient answering = JdkClient.connect(running.wsUri("/live"));
             RawWebSocketClient silent = RawWebSocketClient.connect(running.wsUri("/dead"))) {
            // The JDK client answers every keepalive ping; three pongs mean several deadlines passed.
            for (int i = 0; i < 3; i++) {
                live.await("pong");
            }
            assertEquals(ReadyState.OPEN, live.socket().readyState());
            assertFalse(answering.socket.isInputClosed());
            // The raw client never answers: dropped, reported as 1006.
            CloseStatus status = dead.awaitClose();
            assertEquals(1006, status.code());
            assertFalse(status.wasClean());
            silent.awaitEof(TIMEOUT);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anIdleConnectionIsClosedWith1001(Container container) throws Exception {
        WebSocketOptions options = WebSocketOptions.builder().pingInterval(Duration.ZERO)
                .idleTimeout(Duration.ofMillis(300)).build();
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            RawWebSocketClient.CloseFrame close = client.readCloseFrame(TIMEOUT);
            assertEquals(new RawWebSocketClient.CloseFrame(1001, "idle timeout"), close);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void keepalivePongsDoNotKeepAnIdleConnectionOpen(Container container) throws Exception {
        // A keepalive ping at least every 0.5 s (one per pong deadline), so pongs keep coming well
        // within the idle timeout; a slow pong (a pause) is still far inside its deadline.
        WebSocketOptions options = WebSocketOptions.builder().pingInterval(Duration.ofMillis(100))
                .pongTimeout(Duration.ofMillis(400)).idleTimeout(Duration.ofMillis(1500)).build();
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(options, server)));
             JdkClient client = JdkClient.connect(running.wsUri("/ws"))) {
            for (int i = 0; i < 3; i++) {
                server.await("pong"); // the peer answers every keepalive ping, and sends no message
            }
            assertEquals(1001, client.closed.get(10, TimeUnit.SECONDS));
            assertEquals(new CloseStatus(1001, "", true), server.awaitClose());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPingPastTheLimitIsRefusedAndNotSent(Container container) throws Exception {
        RecordingListener server = new RecordingListener();
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(server)));
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ws"))) {
            WebSocket socket = server.socket();
            for (int i = 0; i < 64; i++) {
                socket.ping(); // the raw client never answers them
            }
            CompletableFuture<Void> refused = socket.ping().toCompletableFuture();
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            socket.send("after the pings");
            for (int i = 0; i < 64; i++) {
                assertEquals(0x9, client.readFrame(TIMEOUT).opcode());
            }
            assertEquals("after the pings", client.readFrame(TIMEOUT).text()); // no 65th ping before it
        }
    }
}
