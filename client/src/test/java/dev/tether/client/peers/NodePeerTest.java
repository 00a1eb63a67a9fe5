package dev.tether.client.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The node peers answer the JDK's WebSocket client as {@code peer-server.js} says. */
class NodePeerTest {
    /** One client for the plain tests (a JDK 17 HttpClient cannot be closed; its selector thread is a daemon). */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static WebSocket open(HttpClient client, URI uri, JdkClient events, String... protocols) throws Exception {
        WebSocket.Builder builder = client.newWebSocketBuilder().header("X-Tether-Test", "yes");
        if (protocols.length > 0) builder.subprotocols(protocols[0], List.of(protocols).subList(1, protocols.length).toArray(String[]::new));
        return builder.buildAsync(uri, events).get(JdkClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "faye"})
    void echoesAndAnswersCommands(String library) throws Exception {
        try (NodePeer peer = NodePeer.start(library, "--protocols", "chat,other")) {
            JdkClient events = new JdkClient();
            WebSocket ws = open(HTTP, peer.uri("/echo?room=1"), events, "x-unknown", "chat");
            assertEquals("chat", ws.getSubprotocol(), "the first offered protocol the peer supports");

            assertEquals("héllo", events.ask(ws, "héllo"));
            byte[] bytes = {0, 1, 2, (byte) 0xff};
            ws.sendBinary(ByteBuffer.wrap(bytes), true);
            assertArrayEquals(bytes, events.next(JdkClient.Binary.class).data());

            String headers = events.ask(ws, "!headers");
            assertTrue(headers.contains("\"x-tether-test\":\"yes\""), headers);
            assertTrue(headers.contains("\"sec-websocket-protocol\":\"x-unknown, chat\""), headers);
            assertEquals("/echo?room=1", events.ask(ws, "!url"));
            assertEquals("13", events.ask(ws, "!version"));
            assertEquals("none", events.ask(ws, "!client-cert"));
            assertEquals("!unknown stays an echo", events.ask(ws, "!unknown stays an echo"));

            ws.sendText("!ping are you there", true);
            assertEquals("are you there", events.next(JdkClient.Ping.class).data());
            assertEquals("pong-seen are you there", events.next(JdkClient.Text.class).text());

            ws.sendText("!close 4001 bye", true);
            events.expectClose(4001, "bye"); // the JDK answers the close itself
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "faye"})
    void closesWithCodesItsApiRefusesAndTerminates(String library) throws Exception {
        try (NodePeer peer = NodePeer.start(library)) {
            JdkClient events = new JdkClient();
            WebSocket ws = open(HTTP, peer.uri("/"), events);
            assertEquals("", ws.getSubprotocol(), "no --protocols: no protocol");
            ws.sendText("!close 1001 going away", true);
            events.expectClose(1001, "going away");

            JdkClient second = new JdkClient();
            WebSocket terminated = open(HTTP, peer.uri("/"), second);
            terminated.sendText("!terminate", true);
            JdkClient.Event end = second.next();
            // no close frame: the JDK reports the end of the connection as an error, or a 1006 close
            if (end instanceof JdkClient.Close close) assertEquals(1006, close.code(), close.toString());
            else assertInstanceOf(JdkClient.Error.class, end);
            assertTrue(peer.isAlive());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "faye"})
    void echoesSixteenMebibytes(String library) throws Exception {
        try (NodePeer peer = NodePeer.start(library)) {
            JdkClient events = new JdkClient();
            WebSocket ws = open(HTTP, peer.uri("/"), events);
            byte[] big = new byte[16 * 1024 * 1024 + 1];
            new Random(6455).nextBytes(big);
            ws.sendBinary(ByteBuffer.wrap(big), true);
            assertArrayEquals(big, events.next(JdkClient.Binary.class).data());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(JdkClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            events.expectClose(WebSocket.NORMAL_CLOSURE, "");
        }
    }

    @Test
    void wsSendsFragmentsFayeSaysItCannot() throws Exception {
        try (NodePeer ws = NodePeer.start("ws"); NodePeer faye = NodePeer.start("faye")) {
            JdkClient events = new JdkClient();
            WebSocket socket = open(HTTP, ws.uri("/"), events);
            socket.sendText("!fragments 3 one two three", true);
            JdkClient.Text text = events.next(JdkClient.Text.class);
            assertEquals("one two three", text.text());
            assertTrue(text.parts() >= 3, "delivered in " + text.parts() + " parts");

            JdkClient fayeEvents = new JdkClient();
            WebSocket fayeSocket = open(HTTP, faye.uri("/"), fayeEvents);
            assertTrue(fayeEvents.ask(fayeSocket, "!fragments 3 one two three").startsWith("unsupported: "));
        }
    }

    /** ws accepts version 8 as well as 13; faye's driver only 13, and answers 8 with a 400. */
    @ParameterizedTest
    @ValueSource(strings = {"ws", "faye"})
    void protocolVersions(String library) throws Exception {
        try (NodePeer peer = NodePeer.start(library)) {
            for (int version : new int[] {13, 8}) {
                try (Socket socket = new Socket("127.0.0.1", peer.port())) {
                    String head = RawWebSocket.upgrade(socket, peer.port(), "/", version);
                    int expected = version == 8 && library.equals("faye") ? 400 : 101;
                    assertEquals(expected, RawWebSocket.status(head), "version " + version + ":\n" + head);
                    if (expected == 101) {
                        assertTrue(head.contains(RawWebSocket.ACCEPT), head);
                        RawWebSocket.sendText(socket, "!version");
                        assertEquals(Integer.toString(version), RawWebSocket.readText(socket));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "faye"})
    void wssWithARequiredClientCertificate(String library) throws Exception {
        List<String> args = new ArrayList<>(TestCertificates.peerTls("server"));
        args.addAll(TestCertificates.peerClientAuth(true));
        try (NodePeer peer = NodePeer.start(library, args.toArray(String[]::new))) {
            assertEquals("wss", peer.uri("/").getScheme());
            JdkClient events = new JdkClient();
            HttpClient withCertificate = HttpClient.newBuilder().sslContext(TestCertificates.clientContextWithCertificate()).build();
            WebSocket ws = open(withCertificate, peer.uri("/"), events);
            assertEquals(TestCertificates.CLIENT_CN, events.ask(ws, "!client-cert"));
            assertEquals("secure", events.ask(ws, "secure"));

            HttpClient without = HttpClient.newBuilder().sslContext(TestCertificates.clientContext()).build();
            // Refused. How the JDK's client words it depends on a race under TLS 1.3: the server's alert comes after the
            // client's handshake is done, and the client may read the alert or only the end of the connection.
            assertThrows(ExecutionException.class, () -> open(without, peer.uri("/"), new JdkClient()));
        }
    }

    @Test
    void wssWithAnOptionalClientCertificateAndTheWrongHost() throws Exception {
        List<String> args = new ArrayList<>(TestCertificates.peerTls("server"));
        args.addAll(TestCertificates.peerClientAuth(false));
        SSLContext trustingCa = TestCertificates.clientContext();
        try (NodePeer peer = NodePeer.start("ws", args.toArray(String[]::new));
                NodePeer wrongHost = NodePeer.start("ws", TestCertificates.peerTls("wrong-host").toArray(String[]::new))) {
            JdkClient events = new JdkClient();
            WebSocket ws = open(HttpClient.newBuilder().sslContext(trustingCa).build(), peer.uri("/"), events);
            assertEquals("none", events.ask(ws, "!client-cert"));

            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> open(HttpClient.newBuilder().sslContext(trustingCa).build(), wrongHost.uri("/"), new JdkClient()));
            assertNotNull(cause(refused, SSLHandshakeException.class), "a certificate for wrong.example, not 127.0.0.1: " + refused);
        }
    }

    private static Throwable cause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return t;
        }
        return null;
    }

    @Test
    void aPeerThatCannotStartSaysWhy() {
        IOException failed = assertThrows(IOException.class, () -> NodePeer.start("nope"));
        assertTrue(failed.getMessage().contains("unknown library 'nope'"), failed.getMessage());
        assertTrue(failed.getMessage().contains("exit status 2"), failed.getMessage());
    }

    /** What makes a dead test JVM leave no peer behind: the script ends when its stdin closes. */
    @Test
    void theScriptExitsWhenItsStdinCloses() throws Exception {
        NodePeer.start("ws").close(); // fails with the npm ci hint when node_modules is missing
        Process node = new ProcessBuilder("node", "peer-server.js", "faye")
                .directory(TestFiles.moduleDir().resolve("src/test/node").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            assertTrue(out.readLine().matches("LISTENING \\d+"));
            node.getOutputStream().close();
            assertTrue(node.waitFor(JdkClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "node still runs");
            assertEquals(0, node.exitValue());
            assertEquals(null, out.readLine(), "one line on stdout");
        } finally {
            node.destroyForcibly();
        }
    }
}
