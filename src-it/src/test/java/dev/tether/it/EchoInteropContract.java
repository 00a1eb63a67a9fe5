package dev.tether.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.JdkSession;
import dev.tether.it.support.JdkSession.Closed;
import dev.tether.it.support.JdkSession.Message;
import dev.tether.it.support.JdkSession.Pong;
import dev.tether.it.support.NodeClient;
import dev.tether.it.support.NodeClient.Library;
import dev.tether.it.support.RawSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The example WAR's {@code /echo} in a real container, driven by node's ws, faye-websocket and
 * WebSocket-Node, the JDK's java.net.http client, and raw hixie-75/76 and RFC 6455 bytes. Each
 * subclass names one distribution; it is started once for the class and stopped after it.
 */
abstract class EchoInteropContract extends OnDistribution {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int MIB = 1 << 20;



    private String echoUrl() {
        return server().ws("/echo").toString();
    }

    // ---------------------------------------------------------------- node clients

    static Stream<Arguments> echoCases() {
        return Stream.of(Library.values()).flatMap(library -> Stream.of("text", "binary", "large", "fragmented", "burst")
                .map(name -> Arguments.of(library, name)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("echoCases")
    @DisplayName("node: every message sent comes back exactly, then a clean close")
    void nodeEcho(Library library, String caseName) throws Exception {
        NodeClient.Run run = NodeClient.run(library, caseName, echoUrl());
        assertEquals(0, run.exit(), () -> "exit status\n" + run);
        assertEquals("", run.only("open").get("protocol") == null ? "" : run.only("open").get("protocol"), run::toString);
        if (library == Library.FAYE && caseName.equals("fragmented")) {
            // faye-websocket has no API for sending a message in fragments.
            assertEquals(List.of("open", "unsupported", "close"), run.names(), run::toString);
            return;
        }
        assertTrue(run.events("error").isEmpty(), run::toString);
        List<Map<String, Object>> sent = run.events("sent");
        assertFalse(sent.isEmpty(), run::toString);
        assertEquals(digests(sent), digests(run.events("message")), () -> "echoed messages\n" + run);
        if (library == Library.WS && caseName.equals("fragmented")) {
            // ws pings between the first two fragments of the first message: answered in between.
            assertEquals("between fragments", run.only("pong").get("data"), run::toString);
        }
        assertEquals(1000L, run.only("close").get("code"), run::toString);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Library.class)
    @DisplayName("node: a ping is answered with a pong carrying its payload")
    void nodePing(Library library) throws Exception {
        NodeClient.Run run = NodeClient.run(library, "ping", echoUrl());
        assertEquals(0, run.exit(), run::toString);
        assertEquals("tether-ping", run.only("pong").get("data"), run::toString);
        assertEquals(1000L, run.only("close").get("code"), run::toString);
    }

    static Stream<Arguments> closeCases() {
        // faye-websocket, like a browser, lets a client close with 1000 or 3000-4999 only.
        return Stream.of(Library.values()).flatMap(library -> Stream.of(1000, 1001, 3000, 4999)
                .filter(code -> !(library == Library.FAYE && code == 1001))
                .map(code -> Arguments.of(library, code)));
    }

    @ParameterizedTest(name = "{0} closes with {1}")
    @MethodSource("closeCases")
    @DisplayName("node: the client's close code is echoed")
    void nodeCloseCode(Library library, int code) throws Exception {
        NodeClient.Run run = NodeClient.run(library, "close", echoUrl(), String.valueOf(code), "bye ✓");
        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.events("error").isEmpty(), run::toString);
        assertEquals((long) code, run.only("close").get("code"), run::toString);
    }

    /** /echo accepts the first subprotocol a client offers: every library connects with it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Library.class)
    @DisplayName("node: offering subprotocols to /echo, which accepts the first")
    void nodeSubprotocol(Library library) throws Exception {
        NodeClient.Run run = NodeClient.run(library, "subprotocol", echoUrl());
        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.events("error").isEmpty(), run::toString);
        assertEquals("chat.v2", run.only("open").get("protocol"), run::toString);
        assertEquals(1000L, run.only("close").get("code"), run::toString);
    }

    private static List<String> digests(List<Map<String, Object>> messages) {
        return messages.stream().map(m -> m.get("type") + " " + m.get("length") + " " + m.get("sha256"))
                .collect(Collectors.toList());
    }

    // ---------------------------------------------------------------- java.net.http

    @Test
    @DisplayName("JDK: text, empty text and binary come back exactly")
    void jdkTextAndBinary() throws Exception {
        try (JdkSession session = JdkSession.open(http, server().ws("/echo"))) {
            for (String text : List.of("hello", "héllo wörld ✓ 😀", "")) {
                JdkSession.await(session.socket().sendText(text, true));
                assertEquals(text, session.next(Message.class).string());
            }
            byte[] bytes = new byte[256];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i;
            for (byte[] binary : List.of(bytes, new byte[0])) {
                JdkSession.await(session.socket().sendBinary(ByteBuffer.wrap(binary), true));
                Message echoed = session.next(Message.class);
                assertFalse(echoed.text());
                assertArrayEquals(binary, echoed.bytes());
            }
            closeNormally(session);
        }
    }

    @Test
    @DisplayName("JDK: fragmented text and binary, a ping between the fragments")
    void jdkFragmented() throws Exception {
        try (JdkSession session = JdkSession.open(http, server().ws("/echo"))) {
            JdkSession.await(session.socket().sendText("frag", false));
            JdkSession.await(session.socket().sendPing(ByteBuffer.wrap("between".getBytes(UTF_8))));
            JdkSession.await(session.socket().sendText("ment", false));
            JdkSession.await(session.socket().sendText("ed ✓", true));
            assertEquals("between", new String(session.next(Pong.class).bytes(), UTF_8));
            assertEquals("fragmented ✓", session.next(Message.class).string());

            byte[] binary = randomBytes(70_000, 1);
            JdkSession.await(session.socket().sendBinary(ByteBuffer.wrap(binary, 0, 1), false));
            JdkSession.await(session.socket().sendBinary(ByteBuffer.wrap(binary, 1, 40_000), false));
            JdkSession.await(session.socket().sendBinary(ByteBuffer.wrap(binary, 40_001, binary.length - 40_001), true));
            assertArrayEquals(binary, session.next(Message.class).bytes());
            closeNormally(session);
        }
    }

    @Test
    @DisplayName("JDK: 1 MiB text and 1 MiB binary come back exactly")
    void jdkLarge() throws Exception {
        try (JdkSession session = JdkSession.open(http, server().ws("/echo"))) {
            String text = utf8Text(MIB);
            JdkSession.await(session.socket().sendText(text, true));
            Message echoedText = session.next(Message.class);
            assertTrue(echoedText.text());
            assertEquals(MIB, echoedText.bytes().length);
            assertEquals(text, echoedText.string());

            byte[] binary = randomBytes(MIB, 2);
            JdkSession.await(session.socket().sendBinary(ByteBuffer.wrap(binary), true));
            assertArrayEquals(binary, session.next(Message.class).bytes());
            closeNormally(session);
        }
    }

    @Test
    @DisplayName("JDK: 16 connections at once, each echoing 50 messages in order")
    void jdkConcurrentConnections() throws Exception {
        int connections = 16;
        int messages = 50;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Void>> runs = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int connection = c;
                runs.add(pool.submit(() -> {
                    try (JdkSession session = JdkSession.open(http, server().ws("/echo"))) {
                        List<String> sent = new ArrayList<>();
                        for (int i = 0; i < messages; i++) {
                            String text = connection + ":" + i + ":" + "x".repeat(i % 2 == 0 ? 20 : 3000);
                            sent.add(text);
                            JdkSession.await(session.socket().sendText(text, true));
                        }
                        for (String text : sent) assertEquals(text, session.next(Message.class).string());
                        closeNormally(session);
                    }
                    return null;
                }));
            }
            for (Future<Void> run : runs) run.get(2 * JdkSession.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("JDK: a ping is answered with its payload")
    void jdkPing() throws Exception {
        try (JdkSession session = JdkSession.open(http, server().ws("/echo"))) {
            JdkSession.await(session.socket().sendPing(ByteBuffer.wrap("jdk-ping".getBytes(UTF_8))));
            assertEquals("jdk-ping", new String(session.next(Pong.class).bytes(), UTF_8));
            closeNormally(session);
        }
    }

    @Test
    @DisplayName("JDK: the close code is echoed")
    void jdkCloseCode() throws Exception {
        try (JdkSession session = JdkSession.open(http, server().ws("/echo"))) {
            JdkSession.await(session.socket().sendClose(4000, "bye ✓"));
            assertEquals(4000, session.next(Closed.class).code());
        }
    }

    @Test
    @DisplayName("JDK: offering subprotocols to /echo connects with the first")
    void jdkSubprotocol() throws Exception {
        try (JdkSession session = JdkSession.open(http, server().ws("/echo"), "chat.v2", "chat.v1")) {
            assertEquals("chat.v2", session.socket().getSubprotocol());
            JdkSession.await(session.socket().sendText("still echoing", true));
            assertEquals("still echoing", session.next(Message.class).string());
            closeNormally(session);
        }
    }

    private static void closeNormally(JdkSession session) throws Exception {
        JdkSession.await(session.socket().sendClose(1000, ""));
        assertEquals(1000, session.next(Closed.class).code());
    }

    // ---------------------------------------------------------------- raw RFC 6455

    @Test
    @DisplayName("raw RFC 6455: invalid UTF-8 in a text frame closes with 1007")
    void rawInvalidUtf8() throws Exception {
        try (RawSocket raw = new RawSocket(server().port())) {
            raw.write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + server().port() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            RawSocket.Head head = raw.readHead(TIMEOUT);
            assertEquals(101, head.status(), head::toString);
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head.header("Sec-WebSocket-Accept"));
            raw.writeFrame(0x1, new byte[] {'o', 'k', (byte) 0xC3, 0x28});
            RawSocket.Frame close = raw.readFrame(TIMEOUT);
            assertEquals(0x8, close.opcode());
            assertEquals(1007, ((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF));
            raw.writeFrame(0x8, new byte[] {0x03, (byte) 0xEF}); // our answer: 1007
            raw.readToEof(TIMEOUT);
        }
    }

    // ---------------------------------------------------------------- hixie-76 and hixie-75

    @Test
    @DisplayName("hixie-76: the spec's handshake example, echo, closing handshake")
    void hixie76() throws Exception {
        int port = server().port();
        try (RawSocket raw = new RawSocket(port)) {
            // draft-hixie-thewebsocketprotocol-76, section 1.3: these keys and key3 give "8jKS'y:G*Co,Wxa-".
            // The 8 key bytes are sent with the head, in one write.
            raw.write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: WebSocket\r\n"
                    + "Connection: Upgrade\r\nOrigin: http://127.0.0.1:" + port + "\r\n"
                    + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n"
                    + "^n:ds[4U");
            RawSocket.Head head = raw.readHead(TIMEOUT);
            assertEquals(101, head.status(), head::toString);
            assertEquals("websocket", head.header("Upgrade").toLowerCase(java.util.Locale.ROOT), head::toString);
            assertEquals("ws://127.0.0.1:" + port + "/echo", head.header("Sec-WebSocket-Location"), head::toString);
            assertEquals("http://127.0.0.1:" + port, head.header("Sec-WebSocket-Origin"), head::toString);
            assertEquals("8jKS'y:G*Co,Wxa-", new String(raw.readExactly(16, TIMEOUT), ISO_8859_1));

            hixieEcho(raw, "hello");
            hixieEcho(raw, "héllo wörld ✓ 😀");
            hixieEcho(raw, utf8Text(64 * 1024));

            raw.write(new byte[] {(byte) 0xFF, 0x00}); // closing handshake
            byte[] rest = raw.readToEof(TIMEOUT);
            assertArrayEquals(new byte[] {(byte) 0xFF, 0x00}, rest);
        }
    }

    @Test
    @DisplayName("hixie-75: handshake and echo")
    void hixie75() throws Exception {
        int port = server().port();
        try (RawSocket raw = new RawSocket(port)) {
            raw.write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: WebSocket\r\n"
                    + "Connection: Upgrade\r\nOrigin: http://127.0.0.1:" + port + "\r\n\r\n");
            RawSocket.Head head = raw.readHead(TIMEOUT);
            assertEquals(101, head.status(), head::toString);
            assertEquals("ws://127.0.0.1:" + port + "/echo", head.header("WebSocket-Location"), head::toString);
            assertEquals("http://127.0.0.1:" + port, head.header("WebSocket-Origin"), head::toString);

            hixieEcho(raw, "hello");
            hixieEcho(raw, "héllo wörld ✓ 😀");
            hixieEcho(raw, utf8Text(64 * 1024));
        }
    }

    /** Sends {@code text} as a hixie text frame (0x00, UTF-8, 0xFF) and expects the same frame back. */
    private static void hixieEcho(RawSocket raw, String text) throws Exception {
        byte[] utf8 = text.getBytes(UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(utf8.length + 2);
        frame.write(0x00);
        frame.writeBytes(utf8);
        frame.write(0xFF);
        raw.write(frame.toByteArray());
        assertArrayEquals(frame.toByteArray(), raw.readExactly(utf8.length + 2, TIMEOUT));
    }

    // ---------------------------------------------------------------- payloads

    /** Exactly {@code bytes} bytes of UTF-8 mixing 1- to 4-byte characters (as the node scripts make). */
    static String utf8Text(int bytes) {
        String unit = "tether é € 😀 ";
        int unitBytes = unit.getBytes(UTF_8).length;
        StringBuilder text = new StringBuilder(bytes);
        text.append(unit.repeat(bytes / unitBytes));
        text.append("x".repeat(bytes % unitBytes));
        return text.toString();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
