package dev.tether.handshake;

import dev.tether.api.ReadyState;
import dev.tether.driver.Driver;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.Hex;
import dev.tether.driver.Transcript;
import dev.tether.driver.handshake.AcceptKey;
import dev.tether.driver.handshake.HandshakeException;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.driver.handshake.HttpResponseHead;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's handshake on its own, as the WebSocket client drives it: the exact request bytes, what
 * the options may and may not add to them, and the driver made once the response is valid.
 */
class ClientHandshakeTest {
    /** The key {@code new Random(7)} gives. */
    private static final String KEY_7 = "mRcPuxg0d6NalMm/OQt3Ag==";

    private static ClientHandshake handshake(String uri, DriverOptions options) {
        return new ClientHandshake(URI.create(uri), options, new Random(7));
    }

    private static String head(ClientHandshake handshake) {
        return new String(handshake.requestHead(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0} → Host: {1}")
    @CsvSource(delimiter = ' ', value = {
            "ws://example.com/ example.com",
            "ws://example.com:80/ example.com",
            "ws://example.com:443/ example.com:443",
            "wss://example.com:443/ example.com",
            "wss://example.com:80/ example.com:80",
            "ws://Example.COM:8080/ Example.COM:8080",
            "ws://[::1]:8080/ [::1]:8080",
            "ws://[::1]/ [::1]",
            "wss://[2001:db8::1]:443/ [2001:db8::1]",
            "ws://[fe80::1%25eth0]:8080/ [fe80::1]:8080",
            "ws://127.0.0.1:9000/ 127.0.0.1:9000",
    })
    @DisplayName("Host is the URI's host, an IPv6 literal in brackets without its zone, and the port unless it is the scheme's default")
    void hostHeader(String uri, String host) {
        ClientHandshake h = handshake(uri, DriverOptions.defaults(Role.CLIENT));
        assertEquals(host, h.requestHeaders().first("Host"));
        assertTrue(head(h).startsWith("GET / HTTP/1.1\r\nHost: " + host + "\r\n"), head(h));
    }

    @Test
    @DisplayName("an IPv6 URI's whole request head, byte for byte")
    void ipv6RequestHead() {
        assertEquals("GET /chat?room=1 HTTP/1.1\r\nHost: [::1]:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + KEY_7 + "\r\nSec-WebSocket-Version: 13\r\n\r\n",
                head(handshake("ws://[::1]:8080/chat?room=1", DriverOptions.defaults(Role.CLIENT))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", "host", "Upgrade", "Connection", "Sec-WebSocket-Key", "SEC-WEBSOCKET-KEY",
            "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"})
    @DisplayName("a header the handshake sets itself is refused in the options' headers, named as given")
    void protocolHeadersRefused(String name) {
        DriverOptions options = DriverOptions.builder(Role.CLIENT).header("Origin", "http://example.com")
                .header(name, "x").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> handshake("ws://example.com/", options));
        assertTrue(e.getMessage().startsWith("the handshake sets the " + name + " header itself; remove it from the"
                + " options' headers ("), e.getMessage());
    }

    @Test
    @DisplayName("the refusal says what to use instead")
    void refusalSaysWhatInstead() {
        assertEquals("the handshake sets the Sec-WebSocket-Protocol header itself; remove it from the options' headers"
                        + " (offer subprotocols with the options' protocols(...))",
                assertThrows(IllegalArgumentException.class, () -> handshake("ws://example.com/",
                        DriverOptions.builder(Role.CLIENT).header("Sec-WebSocket-Protocol", "chat").build())).getMessage());
        assertEquals("the handshake sets the Host header itself; remove it from the options' headers"
                        + " (it is taken from the URI)",
                assertThrows(IllegalArgumentException.class, () -> handshake("ws://example.com/",
                        DriverOptions.builder(Role.CLIENT).header("Host", "other.example").build())).getMessage());
    }

    @Test
    @DisplayName("CR, LF or NUL in a header value, or a name that is not a token, is refused when the handshake is made")
    void headerInjectionRefused() {
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class, () -> handshake("ws://example.com/",
                DriverOptions.builder(Role.CLIENT).header("X-Trace", "1\r\nHost: evil.example").build()));
        assertTrue(value.getMessage().startsWith("value of header X-Trace must not contain CR, LF or NUL"), value.getMessage());
        for (String lf : new String[] {"1\nX: y", "1\rX: y", "1\0"}) {
            assertThrows(IllegalArgumentException.class, () -> handshake("ws://example.com/",
                    DriverOptions.builder(Role.CLIENT).header("X-Trace", lf).build()), lf);
        }
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> handshake("ws://example.com/",
                DriverOptions.builder(Role.CLIENT).header("X-Trace\r\nHost", "evil.example").build()));
        assertTrue(name.getMessage().startsWith("header name is not an RFC 7230 token"), name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> handshake("ws://example.com/",
                DriverOptions.builder(Role.CLIENT).header("X Trace", "1").build()));
    }

    @Test
    @DisplayName("the request headers are fixed when the handshake is made, and read-only")
    void requestHeadersFixed() {
        ClientHandshake h = handshake("ws://example.com/", DriverOptions.defaults(Role.CLIENT));
        assertEquals(h.requestHeaders(), h.requestHeaders());
        assertThrows(UnsupportedOperationException.class, () -> h.requestHeaders().set("Host", "evil.example"));
    }

    @Test
    @DisplayName("version 13's request head with Origin, protocols and a custom header, byte for byte")
    void version13RequestHead() {
        DriverOptions options = DriverOptions.builder(Role.CLIENT).protocols("chat", "superchat")
                .header("Origin", "http://example.com").header("X-Trace", "1").build();
        ClientHandshake h = handshake("ws://server.example.com/chat", options);
        assertEquals(13, h.version());
        assertEquals("GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY_7 + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: chat, superchat\r\nOrigin: http://example.com\r\nX-Trace: 1\r\n\r\n", head(h));
        assertEquals(13, new ClientHandshake(URI.create("ws://example.com/"), options, 13, new Random(7)).version());
        assertEquals(head(h), head(new ClientHandshake(URI.create("ws://server.example.com/chat"), options, 13, new Random(7))),
                "the three-argument constructor means version 13");
    }

    @Test
    @DisplayName("version 8's request head says 8 and sends Origin as Sec-WebSocket-Origin, in its place")
    void version8RequestHead() {
        DriverOptions options = DriverOptions.builder(Role.CLIENT).protocols("chat", "superchat")
                .header("origin", "http://example.com").header("X-Trace", "1").build();
        ClientHandshake h = new ClientHandshake(URI.create("ws://server.example.com/chat"), options, 8, new Random(7));
        assertEquals(8, h.version());
        assertEquals("GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY_7 + "\r\nSec-WebSocket-Version: 8\r\n"
                + "Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Origin: http://example.com\r\nX-Trace: 1\r\n\r\n",
                head(h));
        assertNull(h.requestHeaders().first("Origin"));
        ClientHandshake own = new ClientHandshake(URI.create("ws://example.com/"),
                DriverOptions.builder(Role.CLIENT).header("Sec-WebSocket-Origin", "http://example.com").build(), 8, new Random(7));
        assertEquals("http://example.com", own.requestHeaders().first("Sec-WebSocket-Origin"), "given under its version-8 name");
        ClientHandshake none = new ClientHandshake(URI.create("ws://example.com/"), DriverOptions.defaults(Role.CLIENT), 8,
                new Random(7));
        assertEquals("GET / HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY_7 + "\r\nSec-WebSocket-Version: 8\r\n\r\n", head(none), "no origin, none sent");
    }

    @Test
    @DisplayName("version 8 with both Origin and Sec-WebSocket-Origin is refused: they are the same header there")
    void version8TwoOrigins() {
        DriverOptions both = DriverOptions.builder(Role.CLIENT).header("Origin", "http://a.example")
                .header("Sec-WebSocket-Origin", "http://b.example").build();
        assertEquals("version 8 sends the Origin header as Sec-WebSocket-Origin; give one of the two in the options' headers,"
                        + " not both",
                assertThrows(IllegalArgumentException.class,
                        () -> new ClientHandshake(URI.create("ws://example.com/"), both, 8, new Random(7))).getMessage());
        ClientHandshake v13 = handshake("ws://example.com/", both);
        assertEquals("http://a.example", v13.requestHeaders().first("Origin"), "version 13 sends both as given");
        assertEquals("http://b.example", v13.requestHeaders().first("Sec-WebSocket-Origin"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 12, 14, -13})
    @DisplayName("versions other than 13 and 8 are refused, saying which are supported")
    void otherVersionsRefused(int version) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClientHandshake(
                URI.create("ws://example.com/"), DriverOptions.defaults(Role.CLIENT), version, new Random(7)));
        assertEquals("unsupported WebSocket version " + version + ": a client speaks 13 or 8", e.getMessage());
    }

    private static HttpResponseHead response(ClientHandshake h, String... more) {
        HttpHeaders headers = new HttpHeaders().add("Upgrade", "websocket").add("Connection", "Upgrade")
                .add("Sec-WebSocket-Accept", AcceptKey.accept(h.key()));
        for (int i = 0; i < more.length; i += 2) {
            headers.add(more[i], more[i + 1]);
        }
        return new HttpResponseHead(101, "Switching Protocols", headers);
    }

    @Test
    @DisplayName("newDriver after validate: the version's driver, not started, with what was agreed; then frames")
    void newDriverAfterValidate() throws HandshakeException {
        CountingExtension counting = new CountingExtension();
        DriverOptions options = DriverOptions.builder(Role.CLIENT).protocols("chat").extension(counting).build();
        for (int version : new int[] {13, 8}) {
            ClientHandshake h = new ClientHandshake(URI.create("ws://example.com/"), options, version, new Random(7));
            assertEquals("x-count", h.requestHeaders().first("Sec-WebSocket-Extensions"));
            h.validate(response(h, "Sec-WebSocket-Protocol", "chat", "Sec-WebSocket-Extensions", "x-count"));
            Transcript t = new Transcript();
            Driver driver = h.newDriver(() -> 0x01020304, t, t);
            assertEquals(ReadyState.CONNECTING, driver.readyState(), "not started");
            assertEquals(List.of(), t.lines, "nothing reported or written yet");
            assertEquals("hybi-" + version, driver.version());
            assertEquals("chat", driver.protocol());
            assertEquals(List.of("x-count"), driver.extensions());
            driver.start();
            assertTrue(driver.text("hi"));
            driver.parse(ByteBuffer.wrap(Hex.bytes("81 02 68 69")));
            assertEquals(List.of("open", ">DATA 81 82 01 02 03 04 69 6b", "text:hi"), t.lines);
            h.abandon();
            assertEquals(0, counting.closes, "the driver owns the extensions now: abandon() leaves them alone");
            driver.endOfInput();
            assertEquals(1, counting.closes, "closed by the driver");
            counting.closes = 0;
        }
    }

    @Test
    @DisplayName("newDriver before validate, after a failed one, twice, or after abandon() is refused, saying why")
    void newDriverRefused() throws HandshakeException {
        Transcript t = new Transcript();
        ClientHandshake fresh = handshake("ws://example.com/", DriverOptions.defaults(Role.CLIENT));
        assertEquals("newDriver before validate: the server's response has not been checked",
                assertThrows(IllegalStateException.class, () -> fresh.newDriver(() -> 0, t, t)).getMessage());

        ClientHandshake refused = handshake("ws://example.com/", DriverOptions.defaults(Role.CLIENT));
        assertThrows(HandshakeException.class, () -> refused.validate(new HttpResponseHead(403, "Forbidden", new HttpHeaders())));
        assertEquals("newDriver after a failed validate: the handshake failed; call abandon()",
                assertThrows(IllegalStateException.class, () -> refused.newDriver(() -> 0, t, t)).getMessage());
        assertEquals("validate called twice: a handshake checks one response",
                assertThrows(IllegalStateException.class, () -> refused.validate(response(refused))).getMessage());

        ClientHandshake twice = handshake("ws://example.com/", DriverOptions.defaults(Role.CLIENT));
        twice.validate(response(twice));
        twice.newDriver(() -> 0, t, t);
        assertEquals("newDriver called twice: a handshake makes one driver",
                assertThrows(IllegalStateException.class, () -> twice.newDriver(() -> 0, t, t)).getMessage());
        assertThrows(IllegalStateException.class, () -> twice.validate(response(twice)));

        ClientHandshake abandoned = handshake("ws://example.com/", DriverOptions.defaults(Role.CLIENT));
        abandoned.validate(response(abandoned));
        abandoned.abandon();
        assertEquals("newDriver after abandon(): the handshake is over",
                assertThrows(IllegalStateException.class, () -> abandoned.newDriver(() -> 0, t, t)).getMessage());
        ClientHandshake early = handshake("ws://example.com/", DriverOptions.defaults(Role.CLIENT));
        early.abandon();
        assertEquals("validate after abandon(): the handshake is over",
                assertThrows(IllegalStateException.class, () -> early.validate(response(early))).getMessage());
        assertEquals(List.of(), t.lines, "no driver was made for the refused calls");
    }

    @Test
    @DisplayName("abandon() closes the offered extensions once: never validated, failed, or validated but not used")
    void abandonClosesExtensions() throws HandshakeException {
        CountingExtension counting = new CountingExtension();
        DriverOptions options = DriverOptions.builder(Role.CLIENT).extension(counting).build();

        ClientHandshake never = handshake("ws://example.com/", options);
        never.abandon();
        never.abandon();
        assertEquals(1, counting.closes, "never validated (connection lost or timed out), closed once");

        ClientHandshake failed = handshake("ws://example.com/", options);
        assertThrows(HandshakeException.class, () -> failed.validate(new HttpResponseHead(401, "Unauthorized", new HttpHeaders())));
        assertEquals(1, counting.closes, "a failed status check leaves them to abandon()");
        failed.abandon();
        assertEquals(2, counting.closes);

        ClientHandshake unused = handshake("ws://example.com/", options);
        unused.validate(response(unused, "Sec-WebSocket-Extensions", "x-count"));
        unused.abandon();
        assertEquals(3, counting.closes, "validated but no driver made");
        assertEquals(3, counting.sessions);
    }

    @Test
    @DisplayName("a failed validate agrees nothing: no subprotocol is reported")
    void failedValidateAgreesNothing() {
        CountingExtension counting = new CountingExtension();
        ClientHandshake h = handshake("ws://example.com/",
                DriverOptions.builder(Role.CLIENT).protocols("chat").extension(counting).build());
        assertThrows(HandshakeException.class, () -> h.validate(response(h, "Sec-WebSocket-Protocol", "chat",
                "Sec-WebSocket-Extensions", "x-other")));
        assertNull(h.protocol());
        h.abandon();
        assertEquals(1, counting.closes, "closed once, though the failed activation closed them already");
    }

    @Test
    @DisplayName("an extension that throws on the server's answer fails the handshake with HandshakeException, its error as the cause")
    void extensionThrowingOnTheAnswerFailsTheHandshake() {
        FragileExtension fragile = new FragileExtension();
        ClientHandshake h = handshake("ws://example.com/", DriverOptions.builder(Role.CLIENT).extension(fragile).build());
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> h.validate(response(h, "Sec-WebSocket-Extensions", "x-fragile; size")));
        assertTrue(e.getMessage().startsWith("Sec-WebSocket-Extensions: an extension failed on the server's answer:"
                + " java.lang.NullPointerException"), e.getMessage());
        assertInstanceOf(NullPointerException.class, e.getCause());
        assertEquals(1, fragile.closes, "the offered session is closed");
        Transcript t = new Transcript();
        assertThrows(IllegalStateException.class, () -> h.newDriver(() -> 0, t, t), "the handshake failed");
        h.abandon();
        assertEquals(1, fragile.closes, "closed once");
    }

    @Test
    @DisplayName("a 426 answer to version 8 says which versions the server speaks")
    void upgradeRequired() {
        ClientHandshake h = new ClientHandshake(URI.create("ws://example.com/"), DriverOptions.defaults(Role.CLIENT), 8,
                new Random(7));
        HandshakeException e = assertThrows(HandshakeException.class, () -> h.validate(new HttpResponseHead(426,
                "Upgrade Required", new HttpHeaders().add("Sec-WebSocket-Version", "13").add("Sec-WebSocket-Version", "7, x\u0007"))));
        assertEquals("unexpected response status 426 (expected 101 Switching Protocols); the server speaks"
                + " Sec-WebSocket-Version 13, 7", e.getMessage(), "numbers only");
        ClientHandshake bare = handshake("ws://example.com/", DriverOptions.defaults(Role.CLIENT));
        assertEquals("unexpected response status 426 (expected 101 Switching Protocols)", assertThrows(HandshakeException.class,
                () -> bare.validate(new HttpResponseHead(426, "", new HttpHeaders()))).getMessage());
    }
}
