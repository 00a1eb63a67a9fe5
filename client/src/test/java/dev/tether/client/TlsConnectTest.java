package dev.tether.client;

import dev.tether.api.WebSocket;
import dev.tether.client.WebSocketConnectException.Step;
import dev.tether.client.peers.NodePeer;
import dev.tether.client.peers.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code wss://} against node's ws over TLS with the test CA's certificates: trust, host names, client certificates. */
class TlsConnectTest {
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

    private static NodePeer peer(String certificate, List<String> more) throws Exception {
        List<String> args = new ArrayList<>(TestCertificates.peerTls(certificate));
        args.addAll(more);
        return NodePeer.start("ws", args.toArray(String[]::new));
    }

    private static ClientOptions options(TlsOptions tls) {
        return ClientOptions.builder().proxy(ProxyOptions.none()).tls(tls).build();
    }

    private static WebSocket open(URI uri, TlsOptions tls, Recorder recorder) throws Exception {
        WebSocket socket = client.connect(uri, options(tls), recorder).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals("open", recorder.next());
        return socket;
    }

    private static WebSocketConnectException failure(URI uri, TlsOptions tls) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect(uri, options(tls), new Recorder()).toCompletableFuture().get(20, TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketConnectException.class, e.getCause());
    }

    @Test
    void aServerSignedByATrustedCaConnectsAndCarriesMessages() throws Exception {
        try (NodePeer peer = peer("server", List.of())) {
            Recorder recorder = new Recorder();
            WebSocket socket = open(peer.uri("/secure"), TRUSTING_TEST_CA, recorder);
            assertTrue(peer.uri("/").getScheme().equals("wss"));
            socket.send("over TLS");
            assertEquals("text:over TLS", recorder.nextMessage());
            byte[] big = new byte[3 << 20]; // many TLS records each way
            big[big.length - 1] = 42;
            socket.send(big);
            assertEquals("binary:" + big.length, recorder.nextMessage());
            assertEquals(42, recorder.nextBinary().get(big.length - 1));
            socket.send("!client-cert");
            assertEquals("text:none", recorder.nextMessage());
            socket.close(1000, "done");
            assertEquals(1000, socket.closed().toCompletableFuture().get(10, TimeUnit.SECONDS).code());
        }
    }

    @Test
    void aServerNotSignedByATrustedCaFailsWithTheCertificateProblem() throws Exception {
        try (NodePeer peer = peer("server", List.of())) {
            WebSocketConnectException e = failure(peer.uri("/"), TlsOptions.defaults()); // the JDK's CAs only
            assertEquals(Step.TLS, e.step());
            assertTrue(e.getMessage().contains("certification path") || e.getMessage().contains("PKIX"), e.getMessage());
        }
    }

    @Test
    void aCertificateForAnotherHostFailsHostnameVerification() throws Exception {
        try (NodePeer peer = peer("wrong-host", List.of())) {
            WebSocketConnectException e = failure(peer.uri("/"), TRUSTING_TEST_CA);
            assertEquals(Step.TLS, e.step());
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        }
    }

    @Test
    void theInsecureSwitchAcceptsAnyCertificateAndHost() throws Exception {
        try (NodePeer peer = peer("wrong-host", List.of())) {
            Recorder recorder = new Recorder();
            TlsOptions insecure = TlsOptions.builder().insecureTrustAnyCertificateForTesting().build();
            WebSocket socket = open(peer.uri("/"), insecure, recorder);
            socket.send("anyway");
            assertEquals("text:anyway", recorder.nextMessage());
            socket.terminate();
        }
    }

    @Test
    void aClientCertificateIsPresentedWhenTheServerAsks() throws Exception {
        try (NodePeer peer = peer("server", TestCertificates.peerClientAuth(true))) {
            TlsOptions withCertificate = TlsOptions.builder().trustPem(TestCertificates.certificate("ca"))
                    .clientCertificatePem(TestCertificates.certificate("client"), TestCertificates.key("client")).build();
            Recorder recorder = new Recorder();
            WebSocket socket = open(peer.uri("/"), withCertificate, recorder);
            socket.send("!client-cert");
            assertEquals("text:" + TestCertificates.CLIENT_CN, recorder.nextMessage());
            socket.terminate();

            // Without one: refused. Under TLS 1.3 the server's alert comes after our side finished the handshake.
            WebSocketConnectException e = failure(peer.uri("/"), TRUSTING_TEST_CA);
            assertEquals(Step.TLS, e.step(), e.getMessage());
            assertTrue(e.getMessage().contains("certificate"), e.getMessage());
        }
    }
}
