package dev.tether.client;

import dev.tether.client.peers.TestCertificates;
import dev.tether.driver.handshake.AcceptKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * wss:// through an HTTPS proxy (TLS inside TLS): the server sends a burst of 10,000-byte binary
 * messages, one inner TLS record each, relayed in full 16 KiB outer records. A legitimate peer.
 */
class TlsInTlsBurstTest {
    private static final TlsOptions TRUSTING_TEST_CA = TlsOptions.builder().trustPem(TestCertificates.certificate("ca")).build();
    private static final int FRAMES = 300;
    private static final int SIZE = 10_000;

    private final WebSocketClient client = WebSocketClient.create();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {64 << 10, 1 << 20})
    void aBurstOfMidSizedRecordsInsideFullOuterRecordsIsRead(int readBufferSize) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch received = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    BytePipe raw = TlsServerSession.over(socket);
                    TlsServerSession proxyTls = new TlsServerSession(raw);
                    proxyTls.handshake();
                    proxyTls.readHead(); // CONNECT
                    proxyTls.send("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    TlsServerSession serverTls = new TlsServerSession(proxyTls);
                    serverTls.handshake();
                    String upgrade = serverTls.readHead();
                    serverTls.send(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + AcceptKey.accept(ScriptedServer.key(upgrade)) + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    ByteArrayOutputStream inner = new ByteArrayOutputStream();
                    byte[] frame = new byte[4 + SIZE];
                    frame[0] = (byte) 0x82;
                    frame[1] = 126;
                    frame[2] = (byte) (SIZE >> 8);
                    frame[3] = (byte) SIZE;
                    for (int i = 0; i < FRAMES; i++) inner.write(serverTls.wrap(frame)); // one inner record per message
                    raw.send(proxyTls.wrap(inner.toByteArray())); // full 16 KiB outer records, one socket write
                    received.await(30, TimeUnit.SECONDS); // the socket stays open until the client has read it all
                } catch (Exception e) {
                    // the client hung up
                }
            });
            ProxyOptions httpsProxy = ProxyOptions.of(URI.create("https://127.0.0.1:" + server.getLocalPort())).tls(TRUSTING_TEST_CA);
            ClientOptions options = ClientOptions.builder().proxy(httpsProxy).tls(TRUSTING_TEST_CA).readBufferSize(readBufferSize).build();
            Recorder recorder = new Recorder();
            client.connect(URI.create("wss://localhost:" + server.getLocalPort() + "/"), options, recorder)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("open", recorder.next());
            try {
                for (int i = 0; i < FRAMES; i++) {
                    assertEquals("binary:" + SIZE, recorder.next(), "message " + i);
                }
            } finally {
                received.countDown();
            }
            served.get(10, TimeUnit.SECONDS);
        }
    }
}
