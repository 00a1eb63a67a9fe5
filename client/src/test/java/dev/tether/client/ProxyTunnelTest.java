package dev.tether.client;

import dev.tether.api.WebSocket;
import dev.tether.client.WebSocketConnectException.Step;
import dev.tether.client.peers.NodePeer;
import dev.tether.client.peers.TestCertificates;
import dev.tether.client.peers.TinyProxy;
import dev.tether.client.peers.TlsFront;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Through a real HTTP proxy (tinyproxy): CONNECT tunnels for ws:// and wss://, Basic auth, the proxy's refusals, TLS to the proxy. */
class ProxyTunnelTest {
    private static final TlsOptions TRUSTING_TEST_CA = TlsOptions.builder().trustPem(TestCertificates.certificate("ca")).build();

    private static WebSocketClient client;

    @BeforeAll
    static void startClient() {
        client = WebSocketClient.create();
    }

    @AfterAll
    static void stopClient() {
        client.close();
    }

    private static void echoesThrough(URI server, ClientOptions options) throws Exception {
        Recorder recorder = new Recorder();
        WebSocket socket = client.connect(server, options, recorder).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals("open", recorder.next());
        socket.send("through the tunnel");
        assertEquals("text:through the tunnel", recorder.nextMessage());
        socket.close(1000, "");
        socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void plainWebSocketThroughAProxy() throws Exception {
        try (NodePeer server = NodePeer.start("ws"); TinyProxy proxy = TinyProxy.start()) {
            echoesThrough(server.uri("/"), ClientOptions.builder().proxy(ProxyOptions.of(proxy.uri())).build());
            assertTrue(proxy.awaitLog("CONNECT", Duration.ofSeconds(10)), proxy.log());
        }
    }

    @Test
    void secureWebSocketThroughAProxyWithBasicAuth() throws Exception {
        try (NodePeer server = NodePeer.start("ws", TestCertificates.peerTls("server").toArray(String[]::new));
             TinyProxy proxy = TinyProxy.startWithBasicAuth("tether", "s3cret")) {
            echoesThrough(server.uri("/"), ClientOptions.builder().proxy(ProxyOptions.of(proxy.uriWithCredentials()))
                    .tls(TRUSTING_TEST_CA).build());
            assertTrue(proxy.awaitLog("CONNECT 127.0.0.1:" + server.port(), Duration.ofSeconds(10)), proxy.log());
        }
    }

    @Test
    void aProxyThatWantsCredentialsIsReportedWithItsStatus() throws Exception {
        try (NodePeer server = NodePeer.start("ws"); TinyProxy proxy = TinyProxy.startWithBasicAuth("tether", "s3cret")) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> client.connect(server.uri("/"),
                    ClientOptions.builder().proxy(ProxyOptions.of(proxy.uri())).build(), new Recorder())
                    .toCompletableFuture().get(20, TimeUnit.SECONDS));
            ProxyRefusedException refused = assertInstanceOf(ProxyRefusedException.class, e.getCause());
            assertEquals(Step.PROXY, refused.step());
            assertEquals(407, refused.status());
            assertTrue(refused.getMessage().contains("407"), refused.getMessage());
        }
    }

    @Test
    void tlsToTheProxyAndTlsToTheServerInsideIt() throws Exception {
        try (NodePeer server = NodePeer.start("ws", TestCertificates.peerTls("server").toArray(String[]::new));
             TinyProxy proxy = TinyProxy.start();
             TlsFront front = TlsFront.start(TestCertificates.serverContext("server"), proxy.port())) {
            ProxyOptions httpsProxy = ProxyOptions.of(front.uri()).tls(TRUSTING_TEST_CA);
            echoesThrough(server.uri("/"), ClientOptions.builder().proxy(httpsProxy).tls(TRUSTING_TEST_CA).build());
            assertEquals(1, front.handshakes());
        }
    }

    @Test
    void theSystemProxySelectorIsAskedWhenNoProxyIsGiven() throws Exception {
        try (NodePeer server = NodePeer.start("ws"); TinyProxy proxy = TinyProxy.start()) {
            java.net.ProxySelector selector = java.net.ProxySelector.of(new java.net.InetSocketAddress("127.0.0.1", proxy.port()));
            echoesThrough(server.uri("/"), ClientOptions.builder().proxy(ProxyOptions.system(selector)).build());
            assertTrue(proxy.awaitLog("CONNECT", Duration.ofSeconds(10)), proxy.log());
        }
    }
}
