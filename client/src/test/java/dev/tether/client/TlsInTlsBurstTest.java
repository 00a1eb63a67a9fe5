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

    /** Something that carries bytes: the raw socket, or a TLS session's plaintext. */
    interface Pipe {
        byte[] readSome() throws IOException;

        void send(byte[] bytes) throws IOException;
    }

    /** A blocking server-side TLS session over a pipe; itself a pipe of its plaintext. */
    static final class EngineEnd implements Pipe {
        final SSLEngine engine;
        final Pipe below;
        ByteBuffer netIn = ByteBuffer.allocate(1 << 20).flip();
        final ByteBuffer appIn = ByteBuffer.allocate(1 << 20);

        EngineEnd(Pipe below) {
            this.below = below;
            engine = TestCertificates.serverContext("server").createSSLEngine();
            engine.setUseClientMode(false);
        }

        void handshake() throws IOException {
            engine.beginHandshake();
            HandshakeStatus hs = engine.getHandshakeStatus();
            while (hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED) {
                switch (hs) {
                    case NEED_WRAP -> below.send(wrap(new byte[0]));
                    case NEED_UNWRAP -> unwrapSome();
                    case NEED_TASK -> {
                        Runnable t;
                        while ((t = engine.getDelegatedTask()) != null) t.run();
                    }
                    default -> throw new IllegalStateException(hs.toString());
                }
                hs = engine.getHandshakeStatus();
            }
        }

        private void unwrapSome() throws IOException {
            while (true) {
                if (netIn.hasRemaining()) {
                    SSLEngineResult r = engine.unwrap(netIn, appIn);
                    if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        Runnable t;
                        while ((t = engine.getDelegatedTask()) != null) t.run();
                    }
                    if (r.getStatus() == SSLEngineResult.Status.OK && (r.bytesConsumed() > 0 || r.bytesProduced() > 0)) return;
                    if (r.getStatus() == SSLEngineResult.Status.OK && r.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) return;
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) throw new IOException("closed");
                }
                byte[] more = below.readSome();
                netIn.compact().put(more).flip();
            }
        }

        byte[] wrap(byte[] plaintext) throws IOException {
            ByteArrayOutputStream records = new ByteArrayOutputStream();
            ByteBuffer src = ByteBuffer.wrap(plaintext);
            do {
                ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                SSLEngineResult r = engine.wrap(src, dst);
                records.write(dst.array(), 0, dst.position());
                if (r.getStatus() != SSLEngineResult.Status.OK) break;
                if (plaintext.length == 0 && engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) break;
            } while (src.hasRemaining() || (plaintext.length == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP));
            return records.toByteArray();
        }

        @Override
        public byte[] readSome() throws IOException {
            while (appIn.position() == 0) unwrapSome();
            byte[] got = Arrays.copyOf(appIn.array(), appIn.position());
            appIn.clear();
            return got;
        }

        @Override
        public void send(byte[] bytes) throws IOException {
            below.send(wrap(bytes));
        }

        String readHead() throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().contains("\r\n\r\n")) head.append(new String(readSome(), StandardCharsets.ISO_8859_1));
            return head.toString();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64 << 10, 1 << 20})
    void aBurstOfMidSizedRecordsInsideFullOuterRecordsIsRead(int readBufferSize) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch received = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    OutputStream out = socket.getOutputStream();
                    Pipe raw = new Pipe() {
                        public byte[] readSome() throws IOException {
                            byte[] b = new byte[1 << 16];
                            int n = in.read(b);
                            if (n < 0) throw new IOException("eof");
                            return Arrays.copyOf(b, n);
                        }

                        public void send(byte[] bytes) throws IOException {
                            out.write(bytes);
                            out.flush();
                        }
                    };
                    EngineEnd proxyTls = new EngineEnd(raw);
                    proxyTls.handshake();
                    proxyTls.readHead(); // CONNECT
                    proxyTls.send("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    EngineEnd serverTls = new EngineEnd(proxyTls);
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
