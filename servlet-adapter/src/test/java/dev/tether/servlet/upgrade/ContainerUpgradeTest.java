package dev.tether.servlet.upgrade;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ContainerUpgradeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final UpgradeEvents events = new UpgradeEvents();

    private RunningServer start(Container container) throws Exception {
        Filter recording = (request, response, chain) -> {
            // A wrapped request must still be recognised as the container's.
            chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request), response);
            events.record("filter returns");
        };
        return container.start(r -> r.addServlet("/echo", new EchoUpgradeServlet(events)).addFilter("/*", recording));
    }

    private static void assertEcho(RawWebSocketClient client, String text) throws Exception {
        client.sendRaw(text.getBytes(US_ASCII));
        assertEquals(text, new String(client.readExactly(text.length(), TIMEOUT), US_ASCII));
    }

    /** Half-closes and expects the transport to report the end of input, and the server to close. */
    private void assertClosesAfterHalfClose(RawWebSocketClient client) throws Exception {
        client.shutdownOutput();
        assertEquals(0, client.awaitEof(TIMEOUT).length);
        assertTrue(events.closed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), () -> "not closed: " + events.log);
        List<String> log = events.log;
        assertEquals(List.of("end of input", "close"), log.subList(log.size() - 2, log.size()), log::toString);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void echoesBytesSentAfterThe101(Container container) throws Exception {
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server, new byte[0])) {
            assertEcho(client, "hello");
            assertEcho(client, "again, later");
            assertClosesAfterHalfClose(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void echoesBytesSentInTheSamePacketAsTheHead(Container container) throws Exception {
        try (RunningServer server = start(container);
                RawWebSocketClient client = EchoUpgradeServlet.connect(server, "early".getBytes(US_ASCII))) {
            assertEquals("early", new String(client.readExactly(5, TIMEOUT), US_ASCII));
            assertEcho(client, "and late");
            assertClosesAfterHalfClose(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void echoesFourMebibytesWhileReadingConcurrently(Container container) throws Exception {
        byte[] payload = new byte[4 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server, new byte[0])) {
            OutputStream out = client.output();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    for (int off = 0; off < payload.length; off += 100_000) {
                        out.write(payload, off, Math.min(100_000, payload.length - off));
                    }
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, writer);
            byte[] echoed = client.readExactly(payload.length, TIMEOUT);
            sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertArrayEquals(payload, echoed);
            if (container.isJetty()) {
                // Our Jetty transport fills its whole read buffer from a streaming socket, not 4 KiB at
                // a time (Tomcat reads at most its 8 KiB socket buffer at once: its choice, not ours).
                assertTrue(events.largestRead.get() > 8192, () -> "largest read " + events.largestRead);
            }
            assertClosesAfterHalfClose(client);
        } finally {
            writer.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void halfCloseEndsTheInputAndTheServerCloses(Container container) throws Exception {
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server, new byte[0])) {
            assertTrue(events.started.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertClosesAfterHalfClose(client);
            assertEquals(List.of("servlet returns", "filter returns"), events.log.subList(0, 2), events.log::toString);
            assertEquals(5, events.log.size(), () -> "nothing but start, end of input and close: " + events.log);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void startComesAfterTheServletAndFilterReturned(Container container) throws Exception {
        try (RunningServer server = start(container); RawWebSocketClient client = EchoUpgradeServlet.connect(server, new byte[0])) {
            assertTrue(events.started.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            List<String> log = events.log;
            assertEquals(List.of("servlet returns", "filter returns"), log.subList(0, 2), log::toString);
            String transport = container.isJetty() ? JettyEndPointTransport.class.getName()
                    : container == Container.UNDERTOW ? "dev.tether.servlet.upgrade.UndertowTransport"
                    : Boolean.getBoolean(ContainerUpgrade.PORTABLE_ON_TOMCAT) ? ServletTransport.class.getName()
                    : "dev.tether.servlet.upgrade.TomcatUpgradeHandler";
            assertEquals("start " + transport, log.get(2), log::toString);
            assertClosesAfterHalfClose(client);
        }
    }

    @Test
    void jettyRefusesToUpgradeAnHttp10Connection() throws Exception {
        try (RunningServer server = start(Container.JETTY);
                RawWebSocketClient client = RawWebSocketClient.open(server.httpUri("/"))) {
            RawWebSocketClient.ResponseHead head = client.sendRequestHead("GET /echo HTTP/1.0\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            assertEquals(505, head.status(), head::toString);
            client.awaitEof(TIMEOUT);
            assertEquals(1, events.started.getCount(), events.log::toString);
            assertEquals(0, events.startFailed.getCount(), "told that it will not start: " + events.log);
        }
    }

}
