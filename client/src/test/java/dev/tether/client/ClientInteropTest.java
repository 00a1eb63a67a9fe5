package dev.tether.client;

import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.message.MessageType;
import dev.tether.client.peers.Peer;
import dev.tether.client.peers.PeerKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against real servers: Tether on embedded Jetty and Tomcat, node's {@code ws} and
 * {@code faye-websocket}. Each server echoes, and obeys {@code !commands} to close, ping, drop the
 * connection, fragment, or report what it received.
 */
class ClientInteropTest {
    private static final ClientOptions DIRECT = ClientOptions.builder().proxy(ProxyOptions.none()).build();

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

    private WebSocket connect(URI uri, ClientOptions options, Recorder recorder) throws Exception {
        WebSocket socket = client.connect(uri, options, recorder).toCompletableFuture().get(20, TimeUnit.SECONDS);
        sockets.add(socket);
        assertEquals("open", recorder.next());
        return socket;
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void textAndBinaryComeBack(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/echo"), DIRECT, recorder);
            socket.send("hello, wörld ✓");
            assertEquals("text:hello, wörld ✓", recorder.nextMessage());
            socket.send(new byte[] {0, 1, 2, (byte) 255});
            assertEquals("binary:4", recorder.nextMessage());
            assertEquals(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}), recorder.nextBinary());
            assertEquals(101, socket.handshake().responseStatus());
            assertEquals("websocket", socket.handshake().responseHeader("Upgrade").toLowerCase(java.util.Locale.ROOT));
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void aMebibyteComesBackWhole(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/echo"), DIRECT, recorder);
            byte[] data = new byte[1 << 20];
            new Random(7).nextBytes(data);
            socket.send(data);
            assertEquals("binary:" + data.length, recorder.nextMessage());
            assertEquals(ByteBuffer.wrap(data), recorder.nextBinary());
            String text = "x".repeat(1 << 20);
            socket.send(text);
            assertEquals("text:" + text, recorder.nextMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void fragmentsAreAssembledBothWays(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/echo"), DIRECT, recorder);
            socket.sendPart("frag", false);
            socket.sendPart("men", false);
            socket.sendPart("ted", true);
            assertEquals("text:fragmented", recorder.nextMessage());
            if (kind.sendsFragments()) {
                socket.send("!fragments 3 abcdefghi");
                assertEquals("text:abcdefghi", recorder.nextMessage());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void pingsAreAnsweredBothWays(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/echo"), DIRECT, recorder);
            socket.ping(ByteBuffer.wrap("are you there".getBytes())).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("pong:are you there", recorder.next());
            socket.send("!ping knock");
            assertEquals("ping:knock", recorder.next());
            assertEquals("text:pong-seen knock", recorder.nextMessage()); // our automatic pong reached it
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void theClientClosesCleanly(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/echo"), DIRECT, recorder);
            socket.send("before the close");
            assertEquals("text:before the close", recorder.nextMessage());
            socket.close(1000, "bye");
            // As in a browser, what arrives once our close is out is not delivered; the close reports the server's answer.
            CloseStatus status = socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(1000, status.code());
            assertTrue(status.wasClean());
            assertEquals(ReadyState.CLOSED, socket.readyState());
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void theServerClosesCleanly(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/echo"), DIRECT, recorder);
            socket.send("!close 4001 done here");
            assertEquals("close:4001:done here:clean", recorder.nextMessage());
            assertEquals(ReadyState.CLOSED, socket.readyState());
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void bothSidesClosingAtOnceStillCloseCleanly(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/echo"), DIRECT, recorder);
            socket.send("!close 4002 crossing");
            socket.close(1000, "crossing too"); // the two Close frames cross on the wire
            CloseStatus status = socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(status.wasClean(), status.toString());
            assertTrue(status.code() == 1000 || status.code() == 4002, status.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void aDroppedConnectionClosesWith1006(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(peer.uri("/echo"), DIRECT, recorder);
            socket.send("!terminate");
            String event = recorder.nextMessage();
            if (event.startsWith("error:")) {
                event = recorder.nextMessage();
            }
            assertEquals("close:1006::unclean", event);
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void theServerPicksAnOfferedSubprotocol(PeerKind kind) throws Exception {
        try (Peer peer = kind.start("chat", "superchat")) {
            Recorder recorder = new Recorder();
            ClientOptions offering = ClientOptions.builder().proxy(ProxyOptions.none()).protocols("superchat", "other").build();
            WebSocket socket = connect(peer.uri("/echo"), offering, recorder);
            assertEquals("superchat", socket.protocol());
            assertEquals("superchat", socket.handshake().responseHeader("Sec-WebSocket-Protocol"));
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void headersOriginAndVersionEightReachTheServer(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            Recorder recorder = new Recorder();
            ClientOptions options = ClientOptions.builder().proxy(ProxyOptions.none())
                    .header("X-Custom", "yes").origin("http://example.test").build();
            WebSocket socket = connect(peer.uri("/echo?room=1"), options, recorder);
            socket.send("!headers");
            String headers = recorder.nextMessage().toLowerCase(java.util.Locale.ROOT);
            assertTrue(headers.contains("\"x-custom\":\"yes\""), headers);
            assertTrue(headers.contains("\"origin\":\"http://example.test\""), headers);

            if (!kind.speaksVersion8()) {
                return;
            }
            Recorder eight = new Recorder();
            WebSocket old = connect(peer.uri("/echo"), ClientOptions.builder().proxy(ProxyOptions.none()).protocolVersion(8).build(), eight);
            old.send("!version");
            assertEquals("text:8", eight.nextMessage());
            old.send("still framed the same");
            assertEquals("text:still framed the same", eight.nextMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(PeerKind.class)
    void largeMessagesArriveAsAStreamAndInParts(PeerKind kind) throws Exception {
        try (Peer peer = kind.start()) {
            CompletableFuture<byte[]> streamed = new CompletableFuture<>();
            StringBuilder text = new StringBuilder();
            List<Integer> partSizes = new ArrayList<>();
            CompletableFuture<String> textDone = new CompletableFuture<>();
            WebSocketListener listener = new WebSocketListener() {
                @Override
                public ReceiveMode receiveMode(MessageType type) {
                    return type == MessageType.BINARY ? ReceiveMode.STREAM : ReceiveMode.PARTS;
                }

                @Override
                public void onBinaryStream(WebSocket socket, InputStream message) throws IOException {
                    streamed.complete(message.readAllBytes());
                }

                @Override
                public void onTextPart(WebSocket socket, CharSequence part, boolean last) {
                    text.append(part);
                    partSizes.add(part.length());
                    if (last) {
                        textDone.complete(text.toString());
                    }
                }
            };
            ClientOptions options = ClientOptions.builder().proxy(ProxyOptions.none())
                    .maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT).streamBufferSize(64 * 1024).build();
            WebSocket socket = client.connect(peer.uri("/echo"), options, listener).toCompletableFuture().get(20, TimeUnit.SECONDS);
            sockets.add(socket);
            byte[] data = new byte[3 << 20];
            new Random(11).nextBytes(data);
            socket.send(data);
            assertArrayEquals(data, streamed.get(20, TimeUnit.SECONDS));
            String letters = "ä".repeat(200_000); // 400,000 bytes: the 64 KiB pieces cut characters in two
            socket.send(letters);
            assertEquals(letters, textDone.get(20, TimeUnit.SECONDS));
            assertTrue(partSizes.size() >= 7, "in parts of at most 64 KiB: " + partSizes);
        }
    }
}
