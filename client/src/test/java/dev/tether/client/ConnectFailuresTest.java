package dev.tether.client;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.client.WebSocketConnectException.Step;
import dev.tether.driver.handshake.AcceptKey;
import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionSession;
import dev.tether.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a connect can fail says which step failed, and the listener hears nothing of it. */
class ConnectFailuresTest {
    private static final ClientOptions DIRECT = ClientOptions.builder().proxy(ProxyOptions.none()).build();

    private final WebSocketClient client = WebSocketClient.create();
    private final AtomicInteger listenerCalls = new AtomicInteger();
    private final WebSocketListener listener = new WebSocketListener() {
        @Override
        public void onOpen(WebSocket socket) {
            listenerCalls.incrementAndGet();
        }

        @Override
        public void onClose(WebSocket socket, dev.tether.api.CloseStatus status) {
            listenerCalls.incrementAndGet();
        }
    };

    @AfterEach
    void closeClient() {
        client.close();
    }

    private WebSocketConnectException failure(URI uri, ClientOptions options) throws InterruptedException {
        CompletionStage<WebSocket> stage = client.connect(uri, options, listener);
        try {
            WebSocket opened = stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
            opened.terminate();
            throw new AssertionError("connected, though it should have failed: " + uri);
        } catch (ExecutionException e) {
            assertEquals(0, listenerCalls.get(), "the listener heard of a connect that failed");
            return assertInstanceOf(WebSocketConnectException.class, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the connect neither completed nor failed", e);
        }
    }

    @Test
    void aNameThatDoesNotResolveFailsAtDns() throws Exception {
        // The tests resolve names from a hosts file of their own (see the pom): nothing leaves the machine.
        WebSocketConnectException e = failure(URI.create("ws://no-such-host.invalid/"), DIRECT);
        assertEquals(Step.DNS, e.step());
        assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
    }

    @Test
    void aPortNobodyListensOnIsRefused() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        WebSocketConnectException e = failure(URI.create("ws://127.0.0.1:" + port + "/"), DIRECT);
        assertEquals(Step.CONNECT, e.step());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void aServerWhoseBacklogIsFullTimesOutConnecting() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            List<SocketChannel> fillers = new ArrayList<>();
            try {
                // Never accepted: once the accept queue is full, Linux drops further SYNs, so a connect hangs.
                for (int i = 0; i < 4; i++) {
                    SocketChannel filler = SocketChannel.open();
                    filler.configureBlocking(false);
                    filler.connect(server.getLocalAddress());
                    fillers.add(filler);
                }
                ClientOptions quick = ClientOptions.builder().proxy(ProxyOptions.none()).connectTimeout(Duration.ofMillis(300)).build();
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                WebSocketConnectException e = failure(URI.create("ws://127.0.0.1:" + port + "/"), quick);
                assertEquals(Step.TIMEOUT, e.step());
                assertTrue(e.getMessage().contains("within"), e.getMessage());
            } finally {
                for (SocketChannel filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutInTheHandshake() throws Exception {
        try (ScriptedServer silent = ScriptedServer.start((head, socket, out) -> { })) {
            ClientOptions quick = ClientOptions.builder().proxy(ProxyOptions.none()).handshakeTimeout(Duration.ofMillis(300)).build();
            WebSocketConnectException e = failure(silent.uri("/"), quick);
            assertEquals(Step.TIMEOUT, e.step());
            assertTrue(e.getMessage().contains("the upgrade"), e.getMessage());
        }
    }

    @Test
    void aRefusalCarriesItsStatusHeadersAndTheStartOfItsBody() throws Exception {
        String body = "origin not allowed";
        try (ScriptedServer refusing = ScriptedServer.answering("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\nX-Reason: origin\r\n\r\n" + body, false)) {
            WebSocketConnectException e = failure(refusing.uri("/chat"), DIRECT);
            WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e);
            assertEquals(Step.HANDSHAKE, refused.step());
            assertEquals(403, refused.status());
            assertEquals(List.of("origin"), refused.headers().get("X-Reason"));
            assertEquals(body, refused.bodyStart());
            assertTrue(e.getMessage().contains("403 Forbidden: origin not allowed"), e.getMessage());
        }
    }

    @Test
    void aRefusalWithoutLengthKeepsWhatCameBeforeTheServerClosed() throws Exception {
        try (ScriptedServer refusing = ScriptedServer.answering("HTTP/1.1 500 Oops\r\n\r\nstack trace here", true)) {
            WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, failure(refusing.uri("/"), DIRECT));
            assertEquals(500, refused.status());
            assertEquals("stack trace here", refused.bodyStart());
        }
    }

    @Test
    void aWrongAcceptKeyFailsTheHandshake() throws Exception {
        try (ScriptedServer wrong = ScriptedServer.answering("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n", false)) {
            WebSocketHandshakeException e = assertInstanceOf(WebSocketHandshakeException.class, failure(wrong.uri("/"), DIRECT));
            assertEquals(101, e.status());
            assertTrue(e.getMessage().contains("Sec-WebSocket-Accept"), e.getMessage());
        }
    }

    @Test
    void aSubprotocolThatWasNotOfferedFailsTheHandshake() throws Exception {
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> out.write(switching(head,
                "Sec-WebSocket-Protocol: mqtt\r\n")))) {
            ClientOptions chat = ClientOptions.builder().proxy(ProxyOptions.none()).protocols("chat").build();
            WebSocketConnectException e = failure(server.uri("/"), chat);
            assertEquals(Step.HANDSHAKE, e.step());
            assertTrue(e.getMessage().contains("mqtt"), e.getMessage());
        }
    }

    @Test
    void anExtensionThatWasNotOfferedFailsTheHandshake() throws Exception {
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> out.write(switching(head,
                "Sec-WebSocket-Extensions: permessage-deflate\r\n")))) {
            WebSocketConnectException e = failure(server.uri("/"), DIRECT);
            assertEquals(Step.HANDSHAKE, e.step());
            assertTrue(e.getMessage().contains("permessage-deflate"), e.getMessage());
        }
    }

    @Test
    void anExtensionThatThrowsOnTheServersAnswerFailsTheHandshake() throws Exception {
        // A hostile server's parameters reach a bug in an application's extension: still a failed handshake.
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> out.write(switching(head,
                "Sec-WebSocket-Extensions: x-fragile; size\r\n")))) {
            ClientOptions fragile = ClientOptions.builder().proxy(ProxyOptions.none()).extension(new FragileExtension()).build();
            WebSocketHandshakeException e = assertInstanceOf(WebSocketHandshakeException.class, failure(server.uri("/"), fragile));
            assertEquals(101, e.status());
            assertTrue(e.getMessage().contains("Sec-WebSocket-Extensions: an extension failed on the server's answer:"
                    + " java.lang.NullPointerException"), e.getMessage());
        }
    }

    @Test
    void aServerThatClosesBeforeAnsweringFailsTheHandshake() throws Exception {
        try (ScriptedServer closing = ScriptedServer.start((head, socket, out) -> socket.close())) {
            WebSocketConnectException e = failure(closing.uri("/"), DIRECT);
            assertEquals(Step.HANDSHAKE, e.step());
            assertTrue(e.getMessage().contains("closed the connection before answering"), e.getMessage());
        }
    }

    @Test
    void aRedirectIsReportedWithItsLocationWhenNotFollowed() throws Exception {
        try (ScriptedServer moved = ScriptedServer.answering("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n", false)) {
            WebSocketHandshakeException e = assertInstanceOf(WebSocketHandshakeException.class, failure(moved.uri("/"), DIRECT));
            assertEquals(302, e.status());
            assertTrue(e.getMessage().contains("Location: /elsewhere") && e.getMessage().contains("maxRedirects"), e.getMessage());
        }
    }

    @Test
    void aRedirectIsFollowedWhenAskedAndCredentialsStayWithTheirOrigin() throws Exception {
        try (ScriptedServer target = ScriptedServer.start((head, socket, out) -> out.write(switching(head, "")));
             ScriptedServer moved = ScriptedServer.answering("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://localhost:"
                     + target.port() + "/there\r\nContent-Length: 0\r\n\r\n", false)) {
            ClientOptions following = ClientOptions.builder().proxy(ProxyOptions.none()).maxRedirects(1)
                    .header("Authorization", "Bearer secret").header("X-Trace", "1").build();
            WebSocket socket = client.connect(moved.uri("/here"), following, listener).toCompletableFuture().get(10, TimeUnit.SECONDS);
            try {
                assertTrue(moved.nextRequest().contains("Authorization: Bearer secret"));
                String redirected = target.nextRequest();
                assertTrue(redirected.startsWith("GET /there HTTP/1.1"), redirected);
                assertTrue(redirected.contains("X-Trace: 1"), redirected);
                assertFalse(redirected.contains("Authorization"), "credentials went to another origin: " + redirected);
                assertEquals(URI.create("ws://localhost:" + target.port() + "/there"), socket.handshake().uri());
            } finally {
                socket.terminate();
            }
        }
    }

    @Test
    void aUriThatIsNotWebSocketFailsAtSetup() throws Exception {
        WebSocketConnectException e = failure(URI.create("http://127.0.0.1/"), DIRECT);
        assertEquals(Step.SETUP, e.step());
    }

    @Test
    void aClosedClientRefusesToConnect() throws Exception {
        client.close();
        WebSocketConnectException e = failure(URI.create("ws://127.0.0.1:1/"), DIRECT);
        assertEquals(Step.CANCELLED, e.step());
    }

    @Test
    void closingTheClientFailsAConnectUnderWay() throws Exception {
        try (ScriptedServer silent = ScriptedServer.start((head, socket, out) -> { })) {
            CompletionStage<WebSocket> stage = client.connect(silent.uri("/"), DIRECT, listener);
            silent.nextRequest(); // the upgrade request is out, the answer never comes
            client.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertEquals(Step.CANCELLED, assertInstanceOf(WebSocketConnectException.class, e.getCause()).step());
        }
    }

    @Test
    void aChunkedRefusalOnAKeptAliveConnectionIsReportedAsTheRefusal() throws Exception {
        try (ScriptedServer refusing = ScriptedServer.answering("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n4\r\nnot \r\n5\r\nfound\r\n0\r\n\r\n", false)) {
            ClientOptions patient = ClientOptions.builder().proxy(ProxyOptions.none()).handshakeTimeout(Duration.ofSeconds(30)).build();
            WebSocketHandshakeException e = assertInstanceOf(WebSocketHandshakeException.class, failure(refusing.uri("/"), patient));
            assertEquals(404, e.status());
            assertEquals("not found", e.bodyStart());
        }
    }

    @Test
    void aRefusalWhoseBodyNeverEndsIsReportedAsTheRefusalAtTheDeadline() throws Exception {
        try (ScriptedServer refusing = ScriptedServer.answering("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5000\r\n\r\nbusy", false)) {
            ClientOptions quick = ClientOptions.builder().proxy(ProxyOptions.none()).handshakeTimeout(Duration.ofMillis(300)).build();
            WebSocketHandshakeException e = assertInstanceOf(WebSocketHandshakeException.class, failure(refusing.uri("/"), quick));
            assertEquals(503, e.status());
            assertEquals("busy", e.bodyStart());
        }
    }

    @Test
    void interimAnswersBeforeTheRealOneAreSkipped() throws Exception {
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> {
            out.write("HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(switching(head, ""));
        })) {
            WebSocket socket = client.connect(server.uri("/"), DIRECT, new Recorder()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(101, socket.handshake().responseStatus());
            socket.terminate();
        }
    }

    @Test
    void aListenerThatThrowsWhileTheConnectionIsMadeFailsTheConnect() throws Exception {
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> out.write(switching(head, "")))) {
            WebSocketListener throwing = new WebSocketListener() {
                @Override
                public boolean acceptsLentBuffers() {
                    throw new IllegalStateException("boom");
                }
            };
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> client.connect(server.uri("/"), DIRECT, throwing).toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("boom"), e.getCause().getMessage());
        }
    }

    @Test
    void aProxyThatSpeaksBeforeTheTunnelIsUsedIsRefused() throws Exception {
        try (ScriptedServer proxy = ScriptedServer.answering("HTTP/1.1 200 Connection established\r\n\r\nunexpected", false)) {
            ClientOptions viaProxy = ClientOptions.builder().proxy(ProxyOptions.of(URI.create("http://127.0.0.1:" + proxy.port()))).build();
            WebSocketConnectException e = failure(URI.create("ws://server.test/"), viaProxy);
            assertEquals(Step.PROXY, e.step());
            assertTrue(proxy.nextRequest().startsWith("CONNECT server.test:80 HTTP/1.1"));
        }
    }

    @Test
    void theConnectStageCompletesOffTheReadingThread() throws Exception {
        // A dependent that sends and waits for the reply must not hold up the reading that brings it.
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> {
            out.write(switching(head, ""));
            out.flush();
            socket.getInputStream().read(); // the client's first frame
            out.write(new byte[] {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'});
            out.flush();
        })) {
            java.util.concurrent.CompletableFuture<String> reply = new java.util.concurrent.CompletableFuture<>();
            WebSocketListener listener = new WebSocketListener() {
                @Override
                public void onText(WebSocket socket, String text) {
                    reply.complete(text);
                }
            };
            String outcome = client.connect(server.uri("/"), DIRECT, listener).toCompletableFuture().thenApply(socket -> {
                socket.send("hi");
                try {
                    return reply.get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    return "no reply: the stage completed on " + Thread.currentThread().getName();
                }
            }).get(10, TimeUnit.SECONDS);
            assertEquals("hello", outcome);
        }
    }

    /** Offers {@code x-fragile}, and reads its answer's {@code size} without checking it has one. */
    private static final class FragileExtension implements Extension {
        @Override
        public String name() {
            return "x-fragile";
        }

        @Override
        public int rsvBits() {
            return 0;
        }

        @Override
        public ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context) {
            return null;
        }

        @Override
        public ExtensionSession createClientSession(ExtensionContext context) {
            return new ExtensionSession() {
                @Override
                public ExtensionParams generateOffer() {
                    return ExtensionParams.of("x-fragile");
                }

                @Override
                public boolean activate(ExtensionParams response) {
                    return response.value("size").length() < 4; // a flag has no value
                }

                @Override
                public Message processIncoming(Message message) {
                    return message;
                }

                @Override
                public Message processOutgoing(Message message) {
                    return message;
                }
            };
        }
    }

    /** A valid 101 for {@code requestHead}, with {@code extraHeaders} (each ending in CRLF). */
    static byte[] switching(String requestHead, String extraHeaders) {
        return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + AcceptKey.accept(ScriptedServer.key(requestHead)) + "\r\n" + extraHeaders + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
