package dev.tether.client;

import static dev.tether.client.EventLog.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.client.EventSourceException.Reason;
import dev.tether.client.peers.TestCertificates;
import dev.tether.client.peers.TetherEventServer;
import dev.tether.client.peers.TinyProxy;
import dev.tether.client.peers.TlsFront;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.servlet.testing.Container;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code https://} streams (a TLS front before a Tether server) with the client's {@link TlsOptions},
 * certificate failures, and HTTP proxies (a real tinyproxy): what java.net.http can do with
 * {@link ProxyOptions}, and what it cannot.
 */
class EventSourceTlsProxyTest {
    private static final TlsOptions TRUSTING_TEST_CA = TlsOptions.builder().trustPem(TestCertificates.certificate("ca")).build();

    private final EventBroadcaster news = new EventBroadcaster(10, 1 << 20);
    private TetherEventServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TetherEventServer.start(Container.JETTY, news, null, Duration.ZERO);
    }

    @AfterEach
    void stopServer() {
        news.closeAll();
        server.close();
    }

    /** Opens {@code uri} with {@code client}, then checks an event comes through. */
    private void streams(EventSourceClient client, URI uri) throws Exception {
        EventLog log = new EventLog();
        EventSourceConnection events = client.connect(uri, log);
        assertEquals("open 200 /events", log.next());
        server.nextSubscription();
        news.broadcast("through " + uri.getScheme());
        assertEquals(event("", "message", "through " + uri.getScheme()), log.next());
        events.close();
        assertEquals("close -", log.next());
    }

    /** The cause that closed a connection to {@code uri} for good. */
    private static EventSourceException closedBy(EventSourceClient client, URI uri) throws Exception {
        EventLog log = new EventLog();
        client.connect(uri, log);
        EventSourceException cause = log.awaitClose();
        assertTrue(cause.isFinal(), cause.toString());
        assertTrue(log.next().startsWith("close "), "no reconnection first");
        return cause;
    }

    @Test
    void httpsWithTheTestCaByNameAndByAddress() throws Exception {
        try (TlsFront front = TlsFront.start(TestCertificates.serverContext("server"), server.port());
             EventSourceClient client = EventSourceClient.builder().tls(TRUSTING_TEST_CA).proxy(ProxyOptions.none()).build()) {
            streams(client, URI.create("https://localhost:" + front.port() + "/events"));
            streams(client, URI.create("https://127.0.0.1:" + front.port() + "/events"));
            assertEquals(2, front.handshakes());
        }
    }

    @Test
    void aCertificateTheClientDoesNotTrustClosesForGood() throws Exception {
        try (TlsFront front = TlsFront.start(TestCertificates.serverContext("server"), server.port());
             EventSourceClient client = EventSourceClient.builder().proxy(ProxyOptions.none()).build()) {
            EventSourceException cause = closedBy(client, URI.create("https://127.0.0.1:" + front.port() + "/events"));
            assertEquals(Reason.TLS, cause.reason());
            assertTrue(cause.getMessage().startsWith("TLS handshake with 127.0.0.1:" + front.port()
                    + " failed (the server's certificate was refused): "), cause.getMessage());
            assertTrue(cause.getMessage().contains("unable to find valid certification path"), cause.getMessage());
        }
    }

    @Test
    void aCertificateForAnotherHostClosesForGoodUnlessTheInsecureSwitchIsOn() throws Exception {
        try (TlsFront front = TlsFront.start(TestCertificates.serverContext("wrong-host"), server.port());
             EventSourceClient client = EventSourceClient.builder().tls(TRUSTING_TEST_CA).proxy(ProxyOptions.none()).build();
             EventSourceClient insecure = EventSourceClient.builder().proxy(ProxyOptions.none())
                     .tls(TlsOptions.builder().insecureTrustAnyCertificateForTesting().build()).build()) {
            URI uri = URI.create("https://127.0.0.1:" + front.port() + "/events");
            EventSourceException cause = closedBy(client, uri);
            assertEquals(Reason.TLS, cause.reason());
            assertTrue(cause.getMessage().contains("No subject alternative names matching IP address 127.0.0.1"),
                    cause.getMessage());
            streams(insecure, uri);
        }
    }

    @Test
    void httpThroughAProxyWithBasicAuth() throws Exception {
        try (TinyProxy proxy = TinyProxy.startWithBasicAuth("tether", "s3cret");
             EventSourceClient client = EventSourceClient.builder().proxy(ProxyOptions.of(proxy.uriWithCredentials())).build()) {
            streams(client, server.uri("/events"));
            assertTrue(proxy.awaitLog("GET http://127.0.0.1:" + server.port() + "/events", Duration.ofSeconds(10)), proxy.log());
            Map<String, String> request = server.nextRequest();
            assertEquals("text/event-stream", request.get("accept"));
        }
    }

    @Test
    void httpThroughAProxyWithoutCredentialsIsRefusedWith407() throws Exception {
        try (TinyProxy proxy = TinyProxy.startWithBasicAuth("tether", "s3cret");
             EventSourceClient client = EventSourceClient.builder().proxy(ProxyOptions.of(proxy.uri())).build()) {
            EventSourceRefusedException refused = assertInstanceOf(EventSourceRefusedException.class,
                    closedBy(client, server.uri("/events")));
            assertEquals(407, refused.status());
            assertTrue(refused.getMessage().contains("407 Proxy Authentication Required from the proxy"), refused.getMessage());
        }
    }

    @Test
    void httpsThroughAProxyTunnel() throws Exception {
        try (TlsFront front = TlsFront.start(TestCertificates.serverContext("server"), server.port());
             TinyProxy proxy = TinyProxy.start();
             EventSourceClient client = EventSourceClient.builder().tls(TRUSTING_TEST_CA)
                     .proxy(ProxyOptions.of(proxy.uri())).build()) {
            streams(client, URI.create("https://127.0.0.1:" + front.port() + "/events"));
            assertTrue(proxy.awaitLog("CONNECT 127.0.0.1:" + front.port(), Duration.ofSeconds(10)), proxy.log());
        }
    }

    @Test
    void httpsThroughABasicAuthProxyNeedsTheJdkToAllowBasicOnTunnels() throws Exception {
        try (TlsFront front = TlsFront.start(TestCertificates.serverContext("server"), server.port());
             TinyProxy proxy = TinyProxy.startWithBasicAuth("tether", "s3cret");
             EventSourceClient client = EventSourceClient.builder().tls(TRUSTING_TEST_CA)
                     .proxy(ProxyOptions.of(proxy.uriWithCredentials())).build()) {
            // The JDK's default jdk.http.auth.tunneling.disabledSchemes=Basic drops the credentials from CONNECT.
            EventSourceRefusedException refused = assertInstanceOf(EventSourceRefusedException.class,
                    closedBy(client, URI.create("https://127.0.0.1:" + front.port() + "/events")));
            assertEquals(407, refused.status());
            assertTrue(refused.getMessage().contains("-Djdk.http.auth.tunneling.disabledSchemes="), refused.getMessage());
            assertFalse(proxy.log().contains("CONNECT 127.0.0.1:" + front.port() + " HTTP/1.1\" 200"), proxy.log());
        }
    }

    @Test
    void theSystemProxySelectorIsAskedAndSocksIsRefused() throws Exception {
        try (TinyProxy proxy = TinyProxy.start();
             EventSourceClient viaSelector = EventSourceClient.builder().proxy(ProxyOptions.system(selecting(
                     new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", proxy.port()))))).build();
             EventSourceClient viaSocks = EventSourceClient.builder().proxy(ProxyOptions.system(selecting(
                     new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", 1080))))).build()) {
            streams(viaSelector, server.uri("/events"));
            assertTrue(proxy.awaitLog("GET http://127.0.0.1:" + server.port() + "/events", Duration.ofSeconds(10)), proxy.log());
            EventSourceException socks = closedBy(viaSocks, server.uri("/events"));
            assertEquals(Reason.PROXY, socks.reason());
            assertTrue(socks.getMessage().contains("SOCKS proxies are not supported"), socks.getMessage());
        }
    }

    private static ProxySelector selecting(Proxy proxy) {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(proxy);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException failure) {
            }
        };
    }

    @Test
    void proxyOptionsJavaNetHttpCannotHonourAreRefusedWhenTheClientIsBuilt() {
        IllegalArgumentException tls = assertThrows(IllegalArgumentException.class, () -> EventSourceClient.builder()
                .proxy(ProxyOptions.of(URI.create("https://proxy.example:8443"))).build());
        assertTrue(tls.getMessage().contains("cannot speak TLS to a proxy"), tls.getMessage());
        IllegalArgumentException header = assertThrows(IllegalArgumentException.class, () -> EventSourceClient.builder()
                .proxy(ProxyOptions.of(URI.create("http://proxy.example:3128")).header("X-Tenant", "blue")).build());
        assertTrue(header.getMessage().contains("cannot send header X-Tenant to the proxy"), header.getMessage());
        EventSourceClient.builder().proxy(ProxyOptions.of(URI.create("http://proxy.example:3128"))
                .header("Proxy-Tenant", "blue")).build().close();
    }

    @Test
    void tlsParametersJavaNetHttpWouldIgnoreAreRefusedWhenTheClientIsBuilt() {
        SSLParameters sni = new SSLParameters();
        sni.setServerNames(List.of(new SNIHostName("front.example")));
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class, () -> EventSourceClient.builder()
                .tls(TlsOptions.builder().sslParameters(sni).build()).build());
        assertTrue(names.getMessage().contains("server names (SNI)") && names.getMessage().contains("front.example"),
                names.getMessage());
        SSLParameters alpn = new SSLParameters();
        alpn.setApplicationProtocols(new String[]{"h2"});
        IllegalArgumentException protocols = assertThrows(IllegalArgumentException.class, () -> EventSourceClient.builder()
                .tls(TlsOptions.builder().sslParameters(alpn).build()).build());
        assertTrue(protocols.getMessage().contains("ALPN") && protocols.getMessage().contains("h2"), protocols.getMessage());
        SSLParameters protocolsOnly = new SSLParameters();
        protocolsOnly.setProtocols(new String[]{"TLSv1.3"});
        EventSourceClient.builder().tls(TlsOptions.builder().sslParameters(protocolsOnly).build()).build().close();
    }
}
