package dev.tether.handshake;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.FeedEveryWay;
import dev.tether.driver.Hex;
import dev.tether.driver.Transcript;
import dev.tether.api.HandshakeInfo;
import dev.tether.api.ReadyState;
import dev.tether.driver.handshake.AcceptKey;
import dev.tether.driver.handshake.HandshakeException;
import dev.tether.driver.handshake.HandshakeRequest;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.driver.handshake.HttpResponseHead;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client role: request head out, response head checked, then frames both ways. */
class ClientDriverTest {
    private static final DriverOptions CLIENT = DriverOptions.builder(Role.CLIENT)
            .protocols("chat.v2", "chat.v1").header("Origin", "http://example.com").build();

    private static ClientHandshake handshake(String uri) {
        return new ClientHandshake(URI.create(uri), CLIENT, new Random(7));
    }

    /** The server's 101 head for a client's key, the way {@link ServerHandshake} answers it. */
    private static byte[] serverResponse(ClientHandshake client, DriverOptions serverOptions) {
        HttpHeaders request = new HttpHeaders().set("Upgrade", "websocket").set("Connection", "Upgrade")
                .set("Sec-WebSocket-Key", client.key()).set("Sec-WebSocket-Version", "13")
                .set("Sec-WebSocket-Protocol", "chat.v2, chat.v1");
        ServerHandshake answer = ServerHandshake.answer(HandshakeRequest.of("GET", "/", request, false), serverOptions);
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        answer.headers().forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    @DisplayName("the request head carries Host, key, version, offered protocols and custom headers")
    void requestHead() {
        ClientHandshake h = handshake("ws://example.com:8080/chat?room=1");
        String head = new String(h.requestHead(), StandardCharsets.ISO_8859_1);
        assertEquals("GET /chat?room=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + h.key() + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: chat.v2, chat.v1\r\nOrigin: http://example.com\r\n\r\n", head);
        assertEquals(24, h.key().length());
        assertTrue(new String(handshake("wss://example.com:443").requestHead(), StandardCharsets.ISO_8859_1)
                .startsWith("GET / HTTP/1.1\r\nHost: example.com\r\n"), "default port and empty path");
    }

    /** The server's answer to the very request {@code client} makes, from {@link ServerHandshake} with {@code serverOptions}. */
    private static ServerHandshake answerTo(ClientHandshake client, DriverOptions serverOptions) {
        ServerHandshake answer = ServerHandshake.answer(
                HandshakeRequest.of("GET", "/", HttpHeaders.copyOf(client.requestHeaders()), false), serverOptions);
        assertTrue(answer.accepted(), answer::failure);
        return answer;
    }

    private static byte[] responseHead(ServerHandshake answer) {
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        answer.headers().forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    @DisplayName("version 8 end to end: the server takes the request as hybi-8, and frames cross both ways as in 13")
    void version8Exchange() {
        ClientHandshake h = new ClientHandshake(URI.create("ws://example.com/chat"), CLIENT, 8, new Random(7));
        Transcript client = new Transcript();
        ClientDriver driver = new ClientDriver(h, () -> 0x01020304, client, client);
        assertEquals("hybi-8", driver.version());
        driver.start();
        ServerHandshake answer = answerTo(h, DriverOptions.builder(Role.SERVER).protocols("chat.v1").build());
        assertEquals("hybi-8", answer.version());
        Transcript server = new Transcript();
        dev.tether.driver.Driver serverDriver = answer.newDriver(server, server);
        serverDriver.start();
        assertTrue(serverDriver.text("hi"));
        client.lines.clear();
        driver.parse(ByteBuffer.wrap(Hex.concat(responseHead(answer), server.writtenBytes())));
        assertEquals(List.of("open", "text:hi"), client.lines);
        assertEquals(ReadyState.OPEN, driver.readyState());
        assertEquals("chat.v1", driver.protocol());
        assertEquals("hybi-8", driver.version());
        client.lines.clear();
        client.written.clear(); // the request head
        assertTrue(driver.text("hello"));
        assertEquals(List.of(">DATA 81 85 01 02 03 04 69 67 6f 68 6e"), client.lines, "masked, as in version 13");
        server.lines.clear();
        serverDriver.parse(ByteBuffer.wrap(client.writtenBytes()));
        assertEquals(List.of("text:hello"), server.lines);
    }

    @Test
    @DisplayName("URIs other than ws:// and wss:// are refused")
    void badUris() {
        assertThrows(IllegalArgumentException.class, () -> handshake("http://example.com/"));
        assertThrows(IllegalArgumentException.class, () -> handshake("ws:/nohost"));
    }

    @Test
    @DisplayName("a handshake and frames in the same read: open, then the message; sends before open are the owner's to keep")
    void openAndFirstMessageTogether() {
        ClientHandshake h = handshake("ws://example.com/");
        Transcript t = new Transcript();
        ClientDriver driver = new ClientDriver(h, () -> 0x01020304, t, t);
        assertFalse(driver.text("queued before open"), "before start()");
        driver.start();
        assertFalse(driver.text("queued before open"), "before the response");
        assertEquals(ReadyState.CONNECTING, driver.readyState());
        t.atOpen = () -> assertTrue(driver.text("queued before open")); // the owner's queue, replayed
        byte[] input = Hex.concat(serverResponse(h, DriverOptions.builder(Role.SERVER).protocols("chat.v1").build()),
                Hex.bytes("81 02 68 69"));
        // A handshake is used once; Random(7) gives each fresh one the same key.
        List<String> lines = FeedEveryWay.feed(tr -> {
            ClientDriver d = new ClientDriver(handshake("ws://example.com/"), () -> 0, tr, tr);
            d.start();
            tr.lines.clear();
            return d;
        }, input);
        assertEquals(List.of("open", "text:hi"), lines);
        driver.parse(ByteBuffer.wrap(input));
        assertEquals(ReadyState.OPEN, driver.readyState());
        assertEquals("chat.v1", driver.protocol());
        assertEquals(101, driver.handshakeResponse().status());
        assertTrue(t.lines.get(0).startsWith(">DATA 47 45 54"), "the request head is written first");
        assertEquals("open", t.lines.get(1));
        assertTrue(t.lines.get(2).startsWith(">DATA 81 92 01 02 03 04"),
                "then what the owner sent from onOpen, masked, before the message read with the response: " + t.lines);
        assertEquals(List.of("text:hi"), t.lines.subList(3, t.lines.size()));
    }

    @Test
    @DisplayName("the client's options decide whether messages arrive as fragments")
    void fragmentsForAClient() {
        DriverOptions options = DriverOptions.builder(Role.CLIENT).deliverFragments(true).build();
        ClientHandshake h = new ClientHandshake(URI.create("ws://example.com/"), options, new Random(7));
        byte[] input = Hex.concat(serverResponse(h, DriverOptions.defaults(Role.SERVER)), Hex.bytes("01 01 68 80 01 69"));
        List<String> lines = FeedEveryWay.feed(tr -> {
            ClientDriver d = new ClientDriver(new ClientHandshake(URI.create("ws://example.com/"), options, new Random(7)),
                    () -> 0, tr, tr);
            d.start();
            tr.lines.clear();
            return d;
        }, input);
        assertEquals(List.of("open", "text-fragment:h:more", "text-fragment:i:last"), lines);
    }

    @Test
    @DisplayName("the client's handshake as HandshakeInfo: the request it sent, the response it read")
    void handshakeInfo() {
        ClientHandshake h = handshake("ws://example.com/chat?room=1");
        Transcript t = new Transcript();
        ClientDriver driver = new ClientDriver(h, () -> 0, t, t);
        driver.start();
        driver.parse(ByteBuffer.wrap(serverResponse(h, DriverOptions.builder(Role.SERVER).protocols("chat.v1").build())));
        HandshakeInfo info = h.info(driver.handshakeResponse(), InetSocketAddress.createUnresolved("example.com", 80));
        assertEquals(URI.create("ws://example.com/chat?room=1"), info.uri());
        assertEquals(h.key(), info.header("Sec-WebSocket-Key"));
        assertEquals("http://example.com", info.header("Origin"), "custom headers as sent");
        assertEquals(h.requestHeaders().names(), List.copyOf(info.headers().keySet()));
        assertEquals(101, info.responseStatus());
        assertEquals("chat.v1", info.responseHeader("Sec-WebSocket-Protocol"));
        assertEquals(AcceptKey.accept(h.key()), info.responseHeader("Sec-WebSocket-Accept"));
    }

    @Test
    @DisplayName("each failed check of the response is named")
    void responseChecks() throws HandshakeException {
        ClientHandshake ok = handshake("ws://example.com/");
        ok.validate(head(101, "Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", dev.tether.driver.handshake.AcceptKey.accept(ok.key())));
        assertFailure("unexpected response status 200 (expected 101 Switching Protocols)", head(200));
        assertFailure("the response's Upgrade header is not \"websocket\"", head(101, "Connection", "Upgrade"));
        assertFailure("the response's Connection header does not include \"Upgrade\"", head(101, "Upgrade", "websocket"));
        assertFailure("Sec-WebSocket-Accept does not match the key sent",
                head(101, "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", "wrong"));
    }

    @Test
    @DisplayName("a subprotocol or extension that was not offered fails the handshake")
    void notOffered() {
        ClientHandshake h = handshake("ws://example.com/");
        String accept = dev.tether.driver.handshake.AcceptKey.accept(h.key());
        HandshakeException p = assertThrows(HandshakeException.class, () -> h.validate(head(101, "Upgrade", "websocket",
                "Connection", "Upgrade", "Sec-WebSocket-Accept", accept, "Sec-WebSocket-Protocol", "chat.v9")));
        assertEquals("the server chose subprotocol \"chat.v9\", which was not offered", p.getMessage());
        ClientHandshake h2 = handshake("ws://example.com/");
        HandshakeException e = assertThrows(HandshakeException.class, () -> h2.validate(head(101, "Upgrade", "websocket",
                "Connection", "Upgrade", "Sec-WebSocket-Accept", dev.tether.driver.handshake.AcceptKey.accept(h2.key()),
                "Sec-WebSocket-Extensions", "permessage-deflate")));
        assertTrue(e.getMessage().contains("permessage-deflate"), e.getMessage());
    }

    @Test
    @DisplayName("a failed handshake reports an error and a 1006 close, and refuses sends")
    void failedHandshake() {
        Transcript t = new Transcript();
        ClientDriver driver = new ClientDriver(handshake("ws://example.com/"), () -> 0, t, t);
        driver.start();
        t.lines.clear();
        driver.parse(ByteBuffer.wrap("HTTP/1.1 403 Forbidden\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(List.of("error:1002", "close:1006:unexpected response status 403 (expected 101 Switching Protocols):unclean"), t.lines);
        assertEquals(ReadyState.CLOSED, driver.readyState());
        assertFalse(driver.text("x"));
        assertEquals(403, driver.handshakeResponse().status());
    }

    @Test
    @DisplayName("the stream ending during the handshake reports a 1006 close once")
    void endBeforeResponse() {
        Transcript t = new Transcript();
        ClientDriver driver = new ClientDriver(handshake("ws://example.com/"), () -> 0, t, t);
        driver.start();
        t.lines.clear();
        driver.endOfInput();
        driver.endOfInput();
        assertEquals(List.of("error:1002", "close:1006:the connection ended before the handshake completed:unclean"), t.lines);
    }

    @Test
    @DisplayName("a failed or cut-off handshake closes the offered extensions; an open connection leaves them to its driver")
    void failureReleasesExtensions() {
        CountingExtension counting = new CountingExtension();
        DriverOptions options = DriverOptions.builder(Role.CLIENT).extension(counting).build();
        Transcript t = new Transcript();
        ClientDriver refused = new ClientDriver(new ClientHandshake(URI.create("ws://example.com/"), options, new Random(7)),
                () -> 0, t, t);
        refused.start();
        refused.parse(ByteBuffer.wrap("HTTP/1.1 403 Forbidden\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(1, counting.closes, "closed when the response failed");
        ClientDriver cut = new ClientDriver(new ClientHandshake(URI.create("ws://example.com/"), options, new Random(7)),
                () -> 0, t, t);
        cut.start();
        cut.endOfInput();
        assertEquals(2, counting.closes, "closed when the stream ended before the response");

        ClientHandshake h = new ClientHandshake(URI.create("ws://example.com/"), options, new Random(7));
        ClientDriver open = new ClientDriver(h, () -> 0, t, t);
        open.start();
        open.parse(ByteBuffer.wrap(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + AcceptKey.accept(h.key()) + "\r\nSec-WebSocket-Extensions: x-count\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(List.of("x-count"), open.extensions());
        assertEquals(2, counting.closes, "in use");
        open.endOfInput();
        assertEquals(3, counting.closes, "closed by the connection's driver when it ends");
        assertEquals(3, counting.sessions);
    }

    private static HttpResponseHead head(int status, String... headers) {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return new HttpResponseHead(status, "", h);
    }

    private static void assertFailure(String message, HttpResponseHead response) {
        HandshakeException e = assertThrows(HandshakeException.class, () -> handshake("ws://example.com/").validate(response));
        assertEquals(message, e.getMessage());
    }
}
