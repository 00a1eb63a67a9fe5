package dev.tether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.client.WebSocketConnectException.Step;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which proxy a connection goes through, from a URI, from the system's selector, or none. */
class ProxyOptionsTest {
    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Nested
    class FromAUri {
        @ParameterizedTest(name = "{0}")
        @CsvSource({
                "http://proxy.example, proxy.example, 80, false",
                "http://proxy.example:3128, proxy.example, 3128, false",
                "http://proxy.example:3128/, proxy.example, 3128, false",
                "HTTP://Proxy.Example:8080, Proxy.Example, 8080, false",
                "https://proxy.example, proxy.example, 443, true",
                "https://proxy.example:8443, proxy.example, 8443, true",
                "http://127.0.0.1:8888, 127.0.0.1, 8888, false",
                "http://[::1]:8888, ::1, 8888, false"})
        void givesHostPortAndWhetherTheProxySpeaksTls(String uri, String host, int port, boolean secure) {
            ProxyOptions proxy = ProxyOptions.of(URI.create(uri));
            assertEquals(host, proxy.host());
            assertEquals(port, proxy.port());
            assertEquals(secure, proxy.secure());
            assertFalse(proxy.isDirect());
            assertFalse(proxy.isSystem());
            assertNull(proxy.authorization());
            assertEquals(Map.of(), proxy.headers());
        }

        @Test
        void userInfoBecomesBasicCredentials() {
            ProxyOptions proxy = ProxyOptions.of(URI.create("http://alice:wonderland@proxy.example:3128"));
            assertEquals("Basic YWxpY2U6d29uZGVybGFuZA==", proxy.authorization());
        }

        @Test
        void userInfoIsPercentDecodedAsUtf8WithPlusLeftAlone() {
            ProxyOptions proxy = ProxyOptions.of(URI.create("http://al%40ice:p%3Ass+w%C3%B6rd%25@proxy.example"));
            assertEquals(basic("al@ice:p:ss+wörd%"), proxy.authorization());
        }

        @Test
        void aUserWithoutAPasswordHasAnEmptyOne() {
            assertEquals(basic("alice:"), ProxyOptions.of(URI.create("http://alice@proxy.example")).authorization());
        }

        @Test
        void unencodedUnicodeInTheUserInfoIsUtf8Too() throws Exception {
            URI uri = new URI("http", "jürgen:päss", "proxy.example", 8080, null, null, null);
            assertEquals(basic("jürgen:päss"), ProxyOptions.of(uri).authorization());
        }

        @Test
        void theStringFormNeverShowsThePassword() {
            ProxyOptions proxy = ProxyOptions.of(URI.create("http://alice:wonderland@proxy.example:3128")).header("X-Team", "blue");
            assertEquals("ProxyOptions[http://alice:***@proxy.example:3128, headers [X-Team]]", proxy.toString());
            assertEquals("ProxyOptions[https://[::1]:443]", ProxyOptions.of(URI.create("https://[::1]")).toString());
        }

        @ParameterizedTest
        @ValueSource(strings = {"socks://proxy.example:1080", "socks5://proxy.example:1080"})
        void socksIsRefused(String uri) {
            String message = assertThrows(IllegalArgumentException.class, () -> ProxyOptions.of(URI.create(uri))).getMessage();
            assertTrue(message.startsWith("unsupported proxy " + uri + ": only HTTP proxies are supported"), message);
            assertTrue(message.endsWith("; SOCKS proxies are not supported"), message);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "ftp://proxy.example | unsupported proxy ftp://proxy.example: only HTTP proxies are supported (they tunnel with"
                        + " CONNECT), written http://[user:password@]host[:port] or https://…",
                "proxy.example:3128 | unsupported proxy proxy.example:3128: only HTTP proxies are supported (they tunnel with"
                        + " CONNECT), written http://[user:password@]host[:port] or https://…",
                "http:///path | proxy http:///path has no host (or one java.net.URI cannot read as a host name): expected"
                        + " http://[user:password@]host[:port]",
                "http://under_score:3128 | proxy http://under_score:3128 has no host (or one java.net.URI cannot read as a host"
                        + " name): expected http://[user:password@]host[:port]",
                "http://proxy.example/pac.js | proxy http://proxy.example/pac.js has a path, query or fragment: a proxy is only"
                        + " http://[user:password@]host[:port]",
                "http://proxy.example?x=1 | proxy http://proxy.example?x=1 has a path, query or fragment: a proxy is only"
                        + " http://[user:password@]host[:port]",
                "http://proxy.example:0 | proxy http://proxy.example:0 has port 0",
                "http://alice:%FF@proxy.example | proxy http://alice:***@proxy.example: the password is not UTF-8 once"
                        + " percent-decoded",
                "http://a%3Ab:c@proxy.example | proxy http://a%3Ab:***@proxy.example: a user name cannot contain ':' in Basic"
                        + " credentials"})
        void anythingElseIsRefusedSayingWhy(String uri, String message) {
            assertEquals(message, assertThrows(IllegalArgumentException.class, () -> ProxyOptions.of(URI.create(uri))).getMessage());
        }
    }

    @Nested
    class Headers {
        private final ProxyOptions proxy = ProxyOptions.of(URI.create("http://proxy.example:3128"));

        @Test
        void areKeptInOrderAndEachCallMakesACopy() {
            ProxyOptions withHeaders = proxy.header("X-Team", "blue").header("User-Agent", "tether");
            assertEquals(List.of("X-Team", "User-Agent"), new ArrayList<>(withHeaders.headers().keySet()));
            assertEquals(Map.of(), proxy.headers());
            assertThrows(UnsupportedOperationException.class, () -> withHeaders.headers().put("X", "y"));
        }

        @Test
        void aSecondHeaderOfTheSameNameReplacesTheFirst() {
            ProxyOptions withHeaders = proxy.header("X-Team", "blue").header("x-team", "red");
            assertEquals(Map.of("x-team", "red"), withHeaders.headers());
        }

        @Test
        void proxyAuthorizationReplacesTheCredentials() {
            ProxyOptions withToken = ProxyOptions.of(URI.create("http://alice:secret@proxy.example"))
                    .header("Proxy-Authorization", "Bearer abc");
            assertEquals("Bearer abc", withToken.authorization());
            assertEquals(Map.of(), withToken.headers());
            assertEquals("ProxyOptions[http://proxy.example:80, Proxy-Authorization: ***]", withToken.toString());
        }

        @Test
        void crLfAndBadNamesAreRefused() {
            assertThrows(IllegalArgumentException.class, () -> proxy.header("X-Evil", "a\r\nHost: elsewhere"));
            assertThrows(IllegalArgumentException.class, () -> proxy.header("X-Evil", "a\nb"));
            assertThrows(IllegalArgumentException.class, () -> proxy.header("Bad Name", "v"));
        }

        @Test
        void hostIsTheClientsToWrite() {
            assertEquals("the Host header of CONNECT is written by the client (the server's host:port)",
                    assertThrows(IllegalArgumentException.class, () -> proxy.header("Host", "x")).getMessage());
        }

        @Test
        void noneHasNoProxyToSendThemTo() {
            assertThrows(IllegalStateException.class, () -> ProxyOptions.none().header("X-Team", "blue"));
            assertThrows(IllegalStateException.class, () -> ProxyOptions.none().tls(TlsOptions.defaults()));
        }
    }

    @Nested
    class Tls {
        @Test
        void isTheDefaultsUnlessGiven() {
            ProxyOptions proxy = ProxyOptions.of(URI.create("https://proxy.example"));
            assertEquals("TlsOptions[default SSLContext]", proxy.tls().toString());
            TlsOptions tls = TlsOptions.builder().build();
            assertSame(tls, proxy.tls(tls).tls());
        }
    }

    @Nested
    class SystemSelector {
        private final List<URI> asked = new ArrayList<>();

        private ProxySelector answering(Proxy... proxies) {
            return new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    asked.add(uri);
                    return List.of(proxies);
                }

                @Override
                public void connectFailed(URI uri, SocketAddress address, IOException failure) {
                }
            };
        }

        @Test
        void isTheDefaultAndAsksTheJdksSelector() throws WebSocketConnectException {
            assertTrue(ProxyOptions.system().isSystem());
            assertEquals("ProxyOptions[system]", ProxyOptions.system().toString());
            // whatever the machine is configured with, the answer is a resolved choice
            assertFalse(ProxyOptions.system().resolveFor(URI.create("ws://localhost:1/")).isSystem());
        }

        @Test
        void asksAboutHttpForWsAndHttpsForWssWithDefaultPorts() throws WebSocketConnectException {
            ProxyOptions system = ProxyOptions.system(answering(Proxy.NO_PROXY));
            system.resolveFor(URI.create("ws://example.com/chat"));
            system.resolveFor(URI.create("wss://example.com/chat"));
            system.resolveFor(URI.create("WSS://example.com:8443/chat?room=1"));
            system.resolveFor(URI.create("ws://[::1]:8080/"));
            assertEquals(List.of(URI.create("http://example.com:80"), URI.create("https://example.com:443"),
                    URI.create("https://example.com:8443"), URI.create("http://[::1]:8080")), asked);
        }

        @Test
        void directMeansNone() throws WebSocketConnectException {
            ProxyOptions resolved = ProxyOptions.system(answering(Proxy.NO_PROXY)).resolveFor(URI.create("wss://example.com"));
            assertSame(ProxyOptions.none(), resolved);
            assertTrue(resolved.isDirect());
        }

        @Test
        void anHttpProxyIsUsedByTheNameItWasConfiguredWith() throws WebSocketConnectException {
            Proxy http = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("proxy.internal", 3128));
            ProxyOptions system = ProxyOptions.system(answering(http, Proxy.NO_PROXY)).header("X-Team", "blue");
            ProxyOptions resolved = system.resolveFor(URI.create("wss://example.com"));
            assertEquals(ProxyOptions.of(URI.create("http://proxy.internal:3128")).header("X-Team", "blue"), resolved);
            assertFalse(resolved.secure());
        }

        @Test
        void aResolvedHttpProxyKeepsAnIpv6LiteralBare() throws WebSocketConnectException {
            Proxy http = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("::1", 3128));
            ProxyOptions resolved = ProxyOptions.system(answering(http)).resolveFor(URI.create("ws://example.com"));
            assertEquals("0:0:0:0:0:0:0:1", resolved.host());
            assertEquals("ProxyOptions[http://[0:0:0:0:0:0:0:1]:3128]", resolved.toString());
        }

        @Test
        void socksIsRefusedAtSetUpSayingHowToGoAroundIt() {
            Proxy socks = new Proxy(Proxy.Type.SOCKS, InetSocketAddress.createUnresolved("socks.internal", 1080));
            WebSocketConnectException refused = assertThrows(WebSocketConnectException.class,
                    () -> ProxyOptions.system(answering(socks)).resolveFor(URI.create("wss://example.com/chat")));
            assertEquals(Step.SETUP, refused.step());
            assertEquals("the system proxy settings choose the SOCKS proxy socks.internal:1080 for https://example.com:443, and"
                    + " SOCKS proxies are not supported (HTTP proxies are): connect directly with ProxyOptions.none(), name an"
                    + " HTTP proxy with ProxyOptions.of(URI.create(\"http://host:port\")), or keep this host away from the SOCKS"
                    + " proxy (unset socksProxyHost, or list the host in socksNonProxyHosts)", refused.getMessage());
        }

        @Test
        void aFailingSelectorIsASetUpFailure() {
            ProxySelector failing = new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    throw new IllegalArgumentException("no PAC today");
                }

                @Override
                public void connectFailed(URI uri, SocketAddress address, IOException failure) {
                }
            };
            WebSocketConnectException refused = assertThrows(WebSocketConnectException.class,
                    () -> ProxyOptions.system(failing).resolveFor(URI.create("ws://example.com")));
            assertEquals(Step.SETUP, refused.step());
            assertTrue(refused.getMessage().contains("no PAC today"));
        }

        @Test
        void onlyWebSocketUrisAreResolved() {
            WebSocketConnectException refused = assertThrows(WebSocketConnectException.class,
                    () -> ProxyOptions.system(answering(Proxy.NO_PROXY)).resolveFor(URI.create("http://example.com")));
            assertEquals(Step.SETUP, refused.step());
            assertEquals("not a ws:// or wss:// URI: http://example.com", refused.getMessage());
        }

        @Test
        void explicitOptionsAndNoneResolveToThemselves() throws WebSocketConnectException {
            ProxyOptions explicit = ProxyOptions.of(URI.create("http://proxy.example"));
            assertSame(explicit, explicit.resolveFor(URI.create("wss://example.com")));
            assertSame(ProxyOptions.none(), ProxyOptions.none().resolveFor(URI.create("wss://example.com")));
            assertTrue(asked.isEmpty());
        }
    }

    @Test
    void noneHasNoProxy() {
        ProxyOptions none = ProxyOptions.none();
        assertTrue(none.isDirect());
        assertFalse(none.isSystem());
        assertNull(none.host());
        assertEquals(-1, none.port());
        assertNull(none.authorization());
        assertEquals("ProxyOptions[none]", none.toString());
    }
}
