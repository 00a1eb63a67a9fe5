package dev.tether.handshake;

import dev.tether.driver.Driver;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.Hex;
import dev.tether.driver.Transcript;
import dev.tether.driver.handshake.HandshakeRequest;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionSession;
import dev.tether.message.Message;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's answer to opening handshakes: requests as data in, status and headers out. */
class ServerHandshakeTest {
    private static final DriverOptions DEFAULTS = DriverOptions.defaults(Role.SERVER);

    /** The RFC 6455 §1.3 example request, with the headers given replacing or adding to it. */
    private static HttpHeaders rfcRequest(String... overrides) {
        HttpHeaders h = new HttpHeaders()
                .set("Host", "server.example.com")
                .set("Upgrade", "websocket")
                .set("Connection", "Upgrade")
                .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .set("Origin", "http://example.com")
                .set("Sec-WebSocket-Version", "13");
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                HttpHeaders without = new HttpHeaders();
                String drop = overrides[i];
                h.forEach((n, v) -> {
                    if (!n.equalsIgnoreCase(drop)) {
                        without.add(n, v);
                    }
                });
                h = without;
            } else {
                h.set(overrides[i], overrides[i + 1]);
            }
        }
        return h;
    }

    private static ServerHandshake answer(HttpHeaders headers) {
        return answer(headers, DEFAULTS);
    }

    private static ServerHandshake answer(HttpHeaders headers, DriverOptions options) {
        return ServerHandshake.answer(HandshakeRequest.of("GET", "/chat", headers, false), options);
    }

    @Test
    @DisplayName("RFC 6455 §1.3: the example request is answered with 101 and its Sec-WebSocket-Accept")
    void rfcExample() {
        ServerHandshake h = answer(rfcRequest());
        assertTrue(h.accepted());
        assertEquals(101, h.status());
        assertEquals("Upgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n",
                h.headers().toString());
        assertEquals("hybi-13", h.version());
        assertNull(h.failure());
    }

    @ParameterizedTest(name = "Sec-WebSocket-Version {0} is RFC 6455")
    @ValueSource(strings = {"13", "8", "7"})
    void acceptedVersions(String version) {
        ServerHandshake h = answer(rfcRequest("Sec-WebSocket-Version", version));
        assertTrue(h.accepted());
        assertEquals("hybi-" + version, h.version());
        assertSame(answer(rfcRequest("Sec-WebSocket-Version", version)).version(), h.version(),
                "one string for every connection that keeps it");
    }

    @ParameterizedTest(name = "Sec-WebSocket-Version \"{0}\" → 426 with Sec-WebSocket-Version: 13")
    @ValueSource(strings = {"12", "14", "0", "abc", ""})
    void unsupportedVersion(String version) {
        ServerHandshake h = answer(rfcRequest("Sec-WebSocket-Version", version));
        assertFalse(h.accepted());
        assertEquals(426, h.status());
        assertEquals("13", h.headers().first("Sec-WebSocket-Version"));
        assertTrue(h.failure().contains("this server speaks 13"), h.failure());
        assertThrows(IllegalStateException.class, () -> h.newDriver(new Transcript(), new Transcript()));
    }

    @Test
    @DisplayName("a key without a version is RFC 6455 without a version: 426")
    void keyWithoutVersion() {
        assertEquals(426, answer(rfcRequest("Sec-WebSocket-Version", null)).status());
    }

    @Test
    @DisplayName("Upgrade and Connection are comma lists, matched in any case")
    void tokenLists() {
        ServerHandshake h = answer(rfcRequest("Upgrade", "h2c, WebSocket", "Connection", "keep-alive, UPGRADE"));
        assertTrue(h.accepted(), h.failure());
    }

    @Test
    @DisplayName("a method other than GET → 405 with Allow: GET")
    void notGet() {
        ServerHandshake h = ServerHandshake.answer(HandshakeRequest.of("POST", "/", rfcRequest(), false), DEFAULTS);
        assertEquals(405, h.status());
        assertEquals("GET", h.headers().first("Allow"));
    }

    @Test
    @DisplayName("malformed requests → 400 with a reason that names the problem")
    void malformed() {
        assertEquals("the Upgrade header must include \"websocket\"", answer(rfcRequest("Upgrade", "h2c")).failure());
        assertEquals("the Connection header must include \"Upgrade\"", answer(rfcRequest("Connection", "close")).failure());
        for (String key : new String[]{"", "short", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZSE=", "dGhlIHNhbXBsZSBub25jZQ==="}) {
            ServerHandshake h = answer(rfcRequest("Sec-WebSocket-Key", key));
            assertEquals(400, h.status(), key);
            assertEquals("Sec-WebSocket-Key must be 16 random bytes in base64", h.failure());
        }
        HttpHeaders twoKeys = rfcRequest().add("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==");
        assertEquals("more than one Sec-WebSocket-Key header", answer(twoKeys).failure());
        assertEquals(400, answer(rfcRequest("Sec-WebSocket-Protocol", "chat, a b")).status());
        assertEquals(400, answer(rfcRequest("Sec-WebSocket-Extensions", "a; b=\"unterminated")).status());
    }

    @Test
    @DisplayName("the subprotocol is the first one the client offers that the server supports")
    void subprotocol() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).protocols("v2", "v1").build();
        ServerHandshake h = answer(rfcRequest("Sec-WebSocket-Protocol", "v0, v1, v2"), options);
        assertEquals("v1", h.protocol());
        assertEquals("v1", h.headers().first("Sec-WebSocket-Protocol"));
        ServerHandshake none = answer(rfcRequest("Sec-WebSocket-Protocol", "v9"), options);
        assertTrue(none.accepted(), "no common subprotocol still connects, without one");
        assertNull(none.headers().first("Sec-WebSocket-Protocol"));
        HttpHeaders twoLines = rfcRequest().add("Sec-WebSocket-Protocol", "x").add("Sec-WebSocket-Protocol", "v2");
        assertEquals("v2", answer(twoLines, options).protocol());
    }

    @Test
    @DisplayName("extensions are negotiated through the SPI and the driver runs their pipeline")
    void extensions() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).extension(new UpperCase()).build();
        ServerHandshake h = answer(rfcRequest("Sec-WebSocket-Extensions", "x-unknown, x-upper; level=1"), options);
        assertEquals("x-upper", h.headers().first("Sec-WebSocket-Extensions"));
        assertEquals(List.of("x-upper"), h.extensions());
        Transcript t = new Transcript();
        Driver driver = h.newDriver(t, t);
        driver.start();
        driver.text("shout");
        assertEquals(">DATA c1 05 53 48 4f 55 54", t.lines.get(1), "RSV1 set by the extension, payload transformed");
        assertEquals(List.of("x-upper"), driver.extensions());
    }

    @Test
    @DisplayName("an accepted handshake given up before its driver is made closes its extensions' sessions, once")
    void abandon() {
        CountingExtension counting = new CountingExtension();
        DriverOptions options = DriverOptions.builder(Role.SERVER).extension(counting).build();
        ServerHandshake unused = answer(rfcRequest("Sec-WebSocket-Extensions", "x-count"), options);
        assertEquals(List.of("x-count"), unused.extensions());
        unused.abandon();
        unused.abandon();
        assertEquals(1, counting.closes);
        Transcript t = new Transcript();
        assertEquals("newDriver after abandon(): the handshake is over",
                assertThrows(IllegalStateException.class, () -> unused.newDriver(t, t)).getMessage());

        counting.closes = 0;
        ServerHandshake used = answer(rfcRequest("Sec-WebSocket-Extensions", "x-count"), options);
        Driver driver = used.newDriver(t, t);
        used.abandon();
        assertEquals(0, counting.closes, "the driver owns the sessions now: abandon() leaves them alone");
        assertEquals("newDriver called twice: the connection has its driver",
                assertThrows(IllegalStateException.class, () -> used.newDriver(t, t)).getMessage());
        driver.endOfInput();
        assertEquals(1, counting.closes, "closed by the driver");
    }

    @Test
    @DisplayName("a driver that could not be made leaves its sessions for abandon() to close")
    void abandonAfterAFailedNewDriver() {
        CountingExtension counting = new CountingExtension();
        ServerHandshake answer = answer(rfcRequest("Sec-WebSocket-Extensions", "x-count"),
                DriverOptions.builder(Role.SERVER).extension(counting).build());
        Transcript t = new Transcript();
        assertThrows(NullPointerException.class, () -> answer.newDriver(null, t));
        answer.abandon();
        assertEquals(1, counting.closes);
    }

    @Test
    @DisplayName("custom response headers follow the handshake headers, in order")
    void customHeaders() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).header("Set-Cookie", "a=1").header("X-Server", "tether").build();
        ServerHandshake h = answer(rfcRequest(), options);
        assertEquals(List.of("Upgrade", "Connection", "Sec-WebSocket-Accept", "Set-Cookie", "X-Server"), h.headers().names());
    }

    @Test
    @DisplayName("hixie-76: Key1/Key2 select the draft; Origin and Location are echoed; the driver answers the key")
    void hixie76() {
        HttpHeaders req = new HttpHeaders().set("Host", "example.com").set("Connection", "Upgrade")
                .set("Sec-WebSocket-Key2", "12998 5 Y3 1  .P00").set("Sec-WebSocket-Protocol", "sample")
                .set("Upgrade", "WebSocket").set("Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5").set("Origin", "http://example.com");
        DriverOptions options = DriverOptions.builder(Role.SERVER).protocols("sample").build();
        ServerHandshake h = ServerHandshake.answer(HandshakeRequest.of("GET", "/demo", req, false), options);
        assertTrue(h.accepted(), h.failure());
        assertEquals("hixie-76", h.version());
        assertEquals("Upgrade: WebSocket\nConnection: Upgrade\nSec-WebSocket-Origin: http://example.com\n"
                + "Sec-WebSocket-Location: ws://example.com/demo\nSec-WebSocket-Protocol: sample\n", h.headers().toString());
        Transcript t = new Transcript();
        Driver driver = h.newDriver(t, t);
        driver.start();
        driver.parse(ByteBuffer.wrap("^n:ds[4U".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(">DATA " + Hex.hex(ByteBuffer.wrap("8jKS'y:G*Co,Wxa-".getBytes(StandardCharsets.US_ASCII))), t.lines.get(0));
    }

    @Test
    @DisplayName("hixie-76 with a bad key → 400 naming the problem")
    void hixie76BadKey() {
        HttpHeaders req = new HttpHeaders().set("Host", "example.com").set("Connection", "Upgrade").set("Upgrade", "WebSocket")
                .set("Sec-WebSocket-Key1", "123").set("Sec-WebSocket-Key2", "12998 5 Y3 1  .P00");
        ServerHandshake h = ServerHandshake.answer(HandshakeRequest.of("GET", "/", req, false), DEFAULTS);
        assertEquals(400, h.status());
        assertTrue(h.failure().toLowerCase().contains("space"), h.failure());
    }

    @Test
    @DisplayName("hixie-75: neither keys nor version; wss:// location over TLS")
    void hixie75() {
        HttpHeaders req = new HttpHeaders().set("Host", "example.com").set("Connection", "Upgrade").set("Upgrade", "WebSocket")
                .set("Origin", "https://example.com");
        ServerHandshake h = ServerHandshake.answer(HandshakeRequest.of("GET", "/old?x=1", req, true), DEFAULTS);
        assertEquals("hixie-75", h.version());
        assertEquals("Upgrade: WebSocket\nConnection: Upgrade\nWebSocket-Origin: https://example.com\n"
                + "WebSocket-Location: wss://example.com/old?x=1\n", h.headers().toString());
    }

    @Test
    @DisplayName("hixie: a request target that cannot stand in the Location header is answered 400, not thrown at (found by ServerHandshakeFuzz)")
    void hixieTargetThatCannotBeEchoed() {
        HttpHeaders req = new HttpHeaders().set("Host", "example.com").set("Connection", "Upgrade").set("Upgrade", "WebSocket");
        for (String target : List.of("/ch\0at", "/a\r\nX-Injected: 1", "/caf\u0100")) {
            ServerHandshake h = ServerHandshake.answer(HandshakeRequest.of("GET", target, req, false), DEFAULTS);
            assertEquals(400, h.status(), target);
            assertTrue(h.failure().contains("Location"), h.failure());
        }
    }

    @Test
    @DisplayName("hixie: an Origin that cannot stand in the echoed Origin header is answered 400, not thrown at")
    void hixieOriginThatCannotBeEchoed() {
        for (String origin : List.of("https://ex\0ample.com", "https://a.com\r\nX-Injected: 1", "https://caf\u0100.com")) {
            HandshakeRequest request = new HandshakeRequest() { // as a container may hand it over: not checked
                @Override
                public String method() {
                    return "GET";
                }

                @Override
                public String target() {
                    return "/chat";
                }

                @Override
                public List<String> headers(String name) {
                    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                        case "host" -> List.of("example.com");
                        case "connection" -> List.of("Upgrade");
                        case "upgrade" -> List.of("WebSocket");
                        case "origin" -> List.of(origin);
                        default -> List.of();
                    };
                }

                @Override
                public boolean secure() {
                    return false;
                }
            };
            ServerHandshake h = ServerHandshake.answer(request, DEFAULTS);
            assertEquals(400, h.status(), origin);
            assertTrue(h.failure().contains("Origin"), h.failure());
        }
    }

    @Test
    @DisplayName("the driver made for each protocol takes deliverFragments and fragmentSize from the options")
    void fragmentOptionsReachTheDriver() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).deliverFragments(true).fragmentSize(2).build();
        Transcript hybi = new Transcript();
        Driver driver = answer(rfcRequest(), options).newDriver(hybi, hybi);
        driver.start();
        driver.parse(ByteBuffer.wrap(Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58"))); // RFC 6455 §5.7 "Hello", masked
        assertEquals(List.of("open", "text-fragment:He:more", "text-fragment:ll:more", "text-fragment:o:last"), hybi.lines);

        HttpHeaders req = new HttpHeaders().set("Host", "example.com").set("Connection", "Upgrade").set("Upgrade", "WebSocket");
        Transcript hixie = new Transcript();
        Driver legacy = ServerHandshake.answer(HandshakeRequest.of("GET", "/", req, false), options).newDriver(hixie, hixie);
        legacy.start();
        legacy.parse(ByteBuffer.wrap(Hex.bytes("00 48 65 6c 6c 6f ff")));
        assertEquals(List.of("open", "text-fragment:Hello:last"), hixie.lines, "hixie-75: each message is one fragment");
    }

    @Test
    @DisplayName("client options are refused for a server handshake")
    void roleChecked() {
        assertThrows(IllegalArgumentException.class, () -> answer(rfcRequest(), DriverOptions.defaults(Role.CLIENT)));
    }

    /** A test extension: upper-cases ASCII on the way out, marks RSV1, lower-cases on the way in. */
    private static final class UpperCase implements Extension {
        @Override
        public String name() {
            return "x-upper";
        }

        @Override
        public int rsvBits() {
            return Message.RSV1;
        }

        @Override
        public ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context) {
            return new ExtensionSession() {
                @Override
                public ExtensionParams generateResponse() {
                    return new ExtensionParams("x-upper", List.of());
                }

                @Override
                public Message processIncoming(Message message) {
                    return message;
                }

                @Override
                public Message processOutgoing(Message message) {
                    String upper = StandardCharsets.UTF_8.decode(message.payload().duplicate()).toString().toUpperCase(java.util.Locale.ROOT);
                    return message.with(Message.RSV1, ByteBuffer.wrap(upper.getBytes(StandardCharsets.UTF_8)));
                }
            };
        }

        @Override
        public ExtensionSession createClientSession(ExtensionContext context) {
            throw new UnsupportedOperationException();
        }
    }
}
