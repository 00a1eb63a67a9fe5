package dev.tether.servlet;

import dev.tether.api.CloseCodes;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What peers that misbehave make the server log (java.util.logging, where Tether's System.Logger
 * and Tomcat write): an ordinary disconnect without a close, a reset in the middle of a message and
 * a protocol violation are the peer's business, not the operator's, so 30 of each log nothing at
 * INFO or above. What is counted is what reaches java.util.logging: all of Tether's lines, and
 * Tomcat's at WARNING and above (the test fixture sets {@code org.apache} to WARNING). Jetty logs
 * through SLF4J to standard error: its lines are not counted here.
 */
class LogsUnderAttackTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int PEERS = 30;

    /** Collects what is logged at INFO and above, from every logger. */
    private static final class Collected extends Handler implements AutoCloseable {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        Collected() {
            setLevel(Level.INFO);
            Logger.getLogger("").addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            Logger.getLogger("").removeHandler(this);
        }

        String summary() {
            return records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()).toList().toString();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void peersThatDisconnectResetOrBreakTheProtocolLogNothing(Container container) throws Exception {
        CountDownLatch ended = new CountDownLatch(3 * PEERS);
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onText(WebSocket socket, String text) {
                socket.send(text);
            }

            @Override
            public void onClose(WebSocket socket, dev.tether.api.CloseStatus status) {
                ended.countDown();
            }
        };
        try (RunningServer running = container.start(r -> r.addServlet("/ws", TestServlet.of(WebSocketOptions.defaults(), listener)));
             Collected logged = new Collected()) {
            System.getLogger("dev.tether.servlet").log(System.Logger.Level.INFO, "control: the handler sees Tether's logger");
            assertEquals(1, logged.records.size(), "the collecting handler works");
            logged.records.clear();
            for (int i = 0; i < PEERS; i++) {
                try (RawWebSocketClient gone = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                    gone.sendFrame(0x81, "hi".getBytes(), true);
                    gone.readFrame(TIMEOUT);
                } // no close frame: an ordinary disconnect
                try (RawWebSocketClient reset = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                    reset.sendRaw(new byte[] {(byte) 0x82, (byte) 0xFE, 0x10, 0, 0, 0, 0, 0, 1, 2, 3});
                    reset.resetOnClose();
                } // a reset in the middle of a message
                try (RawWebSocketClient violation = RawWebSocketClient.connect(running.wsUri("/ws"))) {
                    violation.sendFrame(0x83, new byte[0], true); // a reserved opcode
                    assertEquals(CloseCodes.PROTOCOL_ERROR, violation.readCloseFrame(TIMEOUT).code());
                }
            }
            assertTrue(ended.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "every connection ended: " + ended.getCount() + " left");
            assertEquals(List.of(), logged.records.stream().map(r -> r.getLevel() + " " + r.getLoggerName()).toList(),
                    "logged for " + 3 * PEERS + " misbehaving peers: " + logged.summary());
        }
    }
}
