package dev.tether.client;

import dev.tether.client.peers.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edges of a TLS session, with a server that writes exact records: its close_notify right after
 * its Close, bytes after a close_notify, and the alert a refused certificate sends. (Key updates are
 * exercised by every TLS test: the tests' JVM renews keys every 64 KiB, see the pom.)
 */
class TlsSessionEdgesTest {
    private static final TlsOptions TRUSTING_TEST_CA = TlsOptions.builder().trustPem(TestCertificates.certificate("ca")).build();
    private static final ClientOptions OPTIONS = ClientOptions.builder().proxy(ProxyOptions.none()).tls(TRUSTING_TEST_CA).build();

    private final WebSocketClient client = WebSocketClient.create();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Recorder open(ScriptedTlsServer server) throws Exception {
        Recorder recorder = new Recorder();
        client.connect(URI.create("wss://localhost:" + server.port() + "/"), OPTIONS, recorder).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("open", recorder.next());
        return recorder;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aCloseFollowedAtOnceByCloseNotifyIsAnOrdinaryClose(String protocol) throws Exception {
        try (ScriptedTlsServer server = new ScriptedTlsServer()) {
            CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> {
                try {
                    server.acceptAndUpgrade(protocol);
                    byte[] close = {(byte) 0x88, 5, 0x03, (byte) 0xE8, 'b', 'y', 'e'};
                    server.sendRaw(server.wrap(close), server.closeNotify()); // one write: one read on the client
                    return server.drain();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Recorder recorder = open(server);
            assertEquals("close:1000:bye:clean", recorder.next());
            served.get(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void bytesAfterCloseNotifyAreDroppedAndTheEndIsReported(String protocol) throws Exception {
        try (ScriptedTlsServer server = new ScriptedTlsServer()) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try {
                    server.acceptAndUpgrade(protocol);
                    server.sendRaw(server.closeNotify(), new byte[] {'x'});
                    byte[] junk = new byte[1 << 16];
                    for (int i = 0; i < 256; i++) { // up to 16 MiB after the close_notify, until the client hangs up
                        server.sendRaw(junk);
                    }
                } catch (Exception e) {
                    // the client closed the socket: what the test wants
                }
            });
            Recorder recorder = open(server);
            assertEquals("close:1006::unclean", recorder.next()); // the end of input, with no Close frame before it
            served.get(20, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aRefusedCertificateIsToldToTheServerWithAnAlert(String protocol) throws Exception {
        try (ScriptedTlsServer server = new ScriptedTlsServer()) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    server.acceptAndUpgrade(protocol);
                    return "upgraded";
                } catch (Exception e) {
                    return e.toString();
                }
            });
            ClientOptions jdkTrustOnly = ClientOptions.builder().proxy(ProxyOptions.none()).tls(TlsOptions.defaults()).build();
            assertThrows(ExecutionException.class, () -> client.connect(URI.create("wss://localhost:" + server.port() + "/"),
                    jdkTrustOnly, new Recorder()).toCompletableFuture().get(10, TimeUnit.SECONDS));
            String what = seen.get(10, TimeUnit.SECONDS);
            assertTrue(what.contains("alert"), protocol + ": the server saw " + what);
        }
    }
}
