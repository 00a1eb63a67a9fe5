package dev.tether.client;

import dev.tether.api.SendOption;
import dev.tether.api.WebSocket;
import dev.tether.client.peers.NodePeer;
import dev.tether.client.peers.TetherPeer;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.testing.Container;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * permessage-deflate between real peers: Tether's client against node's {@code ws} with its
 * {@code perMessageDeflate} options (the parameter combinations Autobahn's group 13 uses), against
 * faye-websocket with faye's {@code permessage-deflate} package, and against Tether's own server on
 * Jetty and Tomcat. Each exchange is checked both ways: what was
 * negotiated, and messages small and large, compressible and not, that come back whole.
 */
class DeflateInteropTest {
    private static final ClientOptions DEFLATE = ClientOptions.builder()
            .proxy(ProxyOptions.none())
            .extension(PerMessageDeflate.builder().threshold(0).build())
            .build();

    private static WebSocketClient client;
    private final List<WebSocket> sockets = new ArrayList<>();

    @BeforeAll
    static void startClient() {
        client = WebSocketClient.create();
    }

    @AfterAll
    static void stopClient() {
        client.close();
    }

    @AfterEach
    void dropSockets() {
        sockets.forEach(WebSocket::terminate);
    }

    private WebSocket connect(URI uri, Recorder recorder) throws Exception {
        WebSocket socket = client.connect(uri, DEFLATE, recorder).toCompletableFuture().get(20, TimeUnit.SECONDS);
        sockets.add(socket);
        assertEquals("open", recorder.next());
        return socket;
    }

    /**
     * Text that compresses (a chat log's worth of JSON, twice), random bytes that do not, a small
     * message and an empty one; what came back took far fewer bytes than it holds, so it really was
     * compressed.
     */
    private static void exchange(WebSocket socket, Recorder recorder) throws InterruptedException {
        StringBuilder json = new StringBuilder();
        for (int i = 0; json.length() < 200_000; i++) {
            json.append("{\"type\":\"message\",\"from\":\"ada\",\"text\":\"hello number ").append(i).append("\"}\n");
        }
        for (String text : List.of("hi", "", "wörld ✓ ".repeat(40), json.toString(), json.toString())) {
            socket.send(text);
            assertEquals("text:" + text, recorder.nextMessage());
        }
        byte[] random = new byte[100_000];
        new Random(20).nextBytes(random);
        socket.send(random);
        assertEquals("binary:" + random.length, recorder.nextMessage());
        assertEquals(ByteBuffer.wrap(random), recorder.nextBinary());
        long uncompressed = 2L * json.length() + random.length;
        assertTrue(socket.bytesReceived() < random.length + json.length() / 2,
                "received " + socket.bytesReceived() + " bytes for " + uncompressed + " bytes of messages");
    }

    @ParameterizedTest(name = "ws perMessageDeflate {0}")
    @DisplayName("against node's ws: negotiated with every option combination, and messages come back whole")
    @ValueSource(strings = {
            "{\"threshold\":0}",
            "{\"threshold\":0,\"serverNoContextTakeover\":true}",
            "{\"threshold\":0,\"clientNoContextTakeover\":true}",
            "{\"threshold\":0,\"serverNoContextTakeover\":true,\"clientNoContextTakeover\":true}",
            "{\"threshold\":0,\"serverMaxWindowBits\":9}",
            "{\"threshold\":0,\"clientMaxWindowBits\":9}",
            "{\"threshold\":1024,\"zlibDeflateOptions\":{\"level\":1}}"})
    void nodeWs(String deflateOptions) throws Exception {
        try (NodePeer peer = NodePeer.start("ws", "--deflate", deflateOptions)) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/"), recorder);
            assertEquals(1, socket.extensions().size(), socket.extensions().toString());
            assertTrue(socket.extensions().get(0).startsWith("permessage-deflate"), socket.extensions().toString());
            socket.send("!extensions");
            assertTrue(recorder.nextMessage().startsWith("text:permessage-deflate"), "the server agreed too");
            exchange(socket, recorder);
        }
    }

    @ParameterizedTest(name = "permessage-deflate configured {0}")
    @DisplayName("against faye-websocket with the permessage-deflate package: negotiated, and messages come back whole")
    @ValueSource(strings = {"true", "{\"noContextTakeover\":true}", "{\"requestNoContextTakeover\":true}",
            "{\"maxWindowBits\":9}", "{\"requestMaxWindowBits\":9}", "{\"level\":1}"})
    void faye(String deflateOptions) throws Exception {
        try (NodePeer peer = NodePeer.start("faye", "--deflate", deflateOptions)) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/"), recorder);
            assertEquals(1, socket.extensions().size(), socket.extensions().toString());
            assertTrue(socket.extensions().get(0).startsWith("permessage-deflate"), socket.extensions().toString());
            exchange(socket, recorder);
        }
    }

    @ParameterizedTest
    @DisplayName("against Tether's server: negotiated, and messages come back whole")
    @EnumSource(Container.class)
    void tetherServer(Container container) throws Exception {
        WebSocketOptions server = WebSocketOptions.builder().extension(PerMessageDeflate.defaults()).build();
        try (TetherPeer peer = TetherPeer.start(container, server)) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/"), recorder);
            assertTrue(socket.extensions().get(0).startsWith("permessage-deflate"), socket.extensions().toString());
            socket.send("!extensions");
            assertTrue(recorder.nextMessage().startsWith("text:permessage-deflate"), "the server agreed too");
            exchange(socket, recorder);
        }
    }

    @ParameterizedTest
    @DisplayName("a message sent with NO_COMPRESSION crosses the wire as it is, both ways; others are compressed")
    @EnumSource(Container.class)
    void noCompression(Container container) throws Exception {
        WebSocketOptions server = WebSocketOptions.builder().extension(PerMessageDeflate.defaults()).build();
        try (TetherPeer peer = TetherPeer.start(container, server)) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/"), recorder);
            int size = 64 * 1024;
            assertTrue(sentBytes(socket, recorder, s -> s.send(new byte[size])) < 1000, "compressed by default");
            assertTrue(sentBytes(socket, recorder, s -> s.send(new byte[size], SendOption.NO_COMPRESSION)) > size,
                    "sent as it is");

            long before = socket.bytesReceived();
            socket.send("!zeros " + size);
            assertEquals("binary:" + size, recorder.nextMessage());
            assertTrue(socket.bytesReceived() - before < 1000, "the server compresses by default");
            before = socket.bytesReceived();
            socket.send("!zeros " + size + " uncompressed");
            assertEquals("binary:" + size, recorder.nextMessage());
            assertTrue(socket.bytesReceived() - before > size, "the server sent it as it is");
        }
    }

    /** How many bytes the server received for what {@code send} sends (and one {@code !received}), echoed back whole. */
    private static long sentBytes(WebSocket socket, Recorder recorder, Consumer<WebSocket> send) throws InterruptedException {
        socket.send("!received");
        long before = Long.parseLong(recorder.nextMessage().substring("text:".length()));
        send.accept(socket);
        assertTrue(recorder.nextMessage().startsWith("binary:"));
        socket.send("!received");
        return Long.parseLong(recorder.nextMessage().substring("text:".length())) - before;
    }
}
