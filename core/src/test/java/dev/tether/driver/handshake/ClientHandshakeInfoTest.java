package dev.tether.driver.handshake;

import dev.tether.api.HandshakeInfo;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A client socket's view of its handshake: what it sent, and what the server answered. */
class ClientHandshakeInfoTest {
    private static final URI REQUEST_URI = URI.create("ws://example.com:8080/chat?room=1");
    private static final InetSocketAddress SERVER = InetSocketAddress.createUnresolved("example.com", 8080);

    private static HttpHeaders sentHeaders() {
        return new HttpHeaders().set("Host", "example.com:8080").set("Upgrade", "websocket")
                .set("Connection", "Upgrade").set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .set("Sec-WebSocket-Version", "13").set("Cookie", "a=1; b=\"two\"; junk; $Version=1");
    }

    /** The head a client reads, through the same parser. */
    private static HttpResponseHead response(String head) throws HandshakeException {
        return new HttpResponseHeadParser().parse(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static final String ACCEPTED = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            + "Sec-WebSocket-Extensions: x-a\r\nsec-websocket-extensions: x-b\r\nSet-Cookie: s=1\r\n\r\n";

    @Test
    @DisplayName("the request as sent: the URI connected to, its headers and cookies, the server's address")
    void requestSent() throws HandshakeException {
        HandshakeInfo info = ClientHandshakeInfo.of(REQUEST_URI, sentHeaders(), response(ACCEPTED), SERVER);
        assertEquals(REQUEST_URI, info.uri());
        assertEquals("room=1", info.query());
        assertEquals("/chat", info.uri().getPath());
        assertEquals(List.of("13"), info.headers("sec-websocket-version"));
        assertEquals("example.com:8080", info.header("HOST"));
        assertEquals(List.of("Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Cookie"),
                List.copyOf(info.headers().keySet()));
        assertEquals(List.of(new HttpCookie("a", "1"), new HttpCookie("b", "two")), info.cookies(),
                "a pair without '=' and a name HttpCookie refuses are no cookies");
        assertEquals(SERVER, info.remoteAddress());
    }

    @Test
    @DisplayName("the response as answered: status, headers in order with each name once, lookups ignoring case")
    void responseRead() throws HandshakeException {
        HandshakeInfo info = ClientHandshakeInfo.of(REQUEST_URI, sentHeaders(), response(ACCEPTED), SERVER);
        assertEquals(101, info.responseStatus());
        assertEquals(List.of("x-a", "x-b"), info.responseHeaders("Sec-WebSocket-Extensions"));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", info.responseHeader("sec-websocket-accept"));
        assertNull(info.responseHeader("Sec-WebSocket-Protocol"));
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("Upgrade", List.of("websocket"));
        expected.put("Connection", List.of("Upgrade"));
        expected.put("Sec-WebSocket-Accept", List.of("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        expected.put("Sec-WebSocket-Extensions", List.of("x-a", "x-b"));
        expected.put("Set-Cookie", List.of("s=1"));
        assertEquals(expected, info.responseHeaders());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(info.responseHeaders().keySet()), "in order");
    }

    @Test
    @DisplayName("a refused handshake is described too: the status and headers of the refusal")
    void refused() throws HandshakeException {
        HandshakeInfo info = ClientHandshakeInfo.of(REQUEST_URI, sentHeaders(),
                response("HTTP/1.1 403 Forbidden\r\nWWW-Authenticate: Bearer\r\n\r\n"), SERVER);
        assertEquals(403, info.responseStatus());
        assertEquals("Bearer", info.responseHeader("www-authenticate"));
    }

    @Test
    @DisplayName("immutable: later changes to what it was built from do not show, and its maps refuse changes")
    void immutable() throws HandshakeException {
        HttpHeaders sent = sentHeaders();
        HttpHeaders answered = HttpHeaders.copyOf(response(ACCEPTED).headers());
        HandshakeInfo info = ClientHandshakeInfo.of(REQUEST_URI, sent, new HttpResponseHead(101, "", answered), SERVER);
        sent.set("Host", "elsewhere");
        answered.add("X-Later", "1");
        assertEquals("example.com:8080", info.header("Host"));
        assertNull(info.responseHeader("X-Later"));
        assertThrows(UnsupportedOperationException.class, () -> info.headers().put("X", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> info.responseHeaders().put("X", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> info.headers("Host").add("x"));
        assertThrows(UnsupportedOperationException.class, () -> info.cookies().clear());
    }

    @Test
    @DisplayName("HandshakeInfo's defaults: an upgraded connection's 101, no response headers kept")
    void interfaceDefaults() {
        HandshakeInfo bare = new Bare(Map.of());
        assertEquals(101, bare.responseStatus());
        assertEquals(Map.of(), bare.responseHeaders());
        assertEquals(List.of(), bare.responseHeaders("Upgrade"));
        assertNull(bare.responseHeader("Upgrade"));

        Map<String, List<String>> twoSpellings = new LinkedHashMap<>();
        twoSpellings.put("X-A", List.of("1"));
        twoSpellings.put("x-a", List.of("2"));
        assertEquals(List.of("1", "2"), new Bare(twoSpellings).responseHeaders("X-a"), "a name spelled two ways");
    }

    /** An implementation with only what HandshakeInfo requires, and a response header map. */
    private record Bare(Map<String, List<String>> response) implements HandshakeInfo {
        @Override
        public URI uri() {
            return URI.create("/");
        }

        @Override
        public List<String> headers(String name) {
            return List.of();
        }

        @Override
        public Map<String, List<String>> headers() {
            return Map.of();
        }

        @Override
        public List<HttpCookie> cookies() {
            return List.of();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return SERVER;
        }

        @Override
        public Map<String, List<String>> responseHeaders() {
            return response;
        }
    }
}
