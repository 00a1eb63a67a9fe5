package dev.tether.servlet.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.runtime.Transport;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jetty's endpoint transport over Jetty's TLS endpoint (SslConnection's), which encrypts what a flush takes whole. */
@SuppressWarnings("deprecation") // SslConnection's short constructor
class JettyEndPointTransportTlsTest {
    @TempDir
    Path dir;

    private SSLEngine client;
    private RoomEndPoint net;

    /** A socket that takes {@link #room} bytes until the peer reads them ({@link #takeOutput}). */
    private static final class RoomEndPoint extends ByteArrayEndPoint {
        volatile int room = Integer.MAX_VALUE;
        private int taken;

        RoomEndPoint() {
            super((byte[]) null, 1 << 20, false);
        }

        @Override
        public boolean flush(ByteBuffer... buffers) throws java.io.IOException {
            boolean all = true;
            for (ByteBuffer b : buffers) {
                int n = (int) Math.min((long) room - taken, b.remaining());
                if (n > 0) {
                    ByteBuffer part = b.slice(b.position(), n);
                    super.flush(part);
                    b.position(b.position() + n);
                    taken += n;
                }
                all &= !b.hasRemaining();
            }
            return all;
        }

        @Override
        public ByteBuffer takeOutput() {
            taken = 0;
            return super.takeOutput();
        }
    }
    private final ByteBuffer fromServer = ByteBuffer.allocate(1 << 18);
    private final ByteBuffer clientApp = ByteBuffer.allocate(1 << 18);

    private EndPoint tlsEndPoint() throws Exception {
        Path ks = dir.resolve("ks.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "s", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        client = clientContext.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);

        net = new RoomEndPoint();
        SslConnection ssl = new SslConnection(new ArrayByteBufferPool(), Runnable::run, net, server);
        net.setConnection(ssl);
        EndPoint tls = ssl.getSslEndPoint();
        client.beginHandshake();
        ByteBuffer clientNet = ByteBuffer.allocate(1 << 17);
        for (int i = 0; i < 50; i++) {
            runTasks(client);
            while (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                clientNet.clear();
                client.wrap(BufferUtil.EMPTY_BUFFER, clientNet);
                clientNet.flip();
                net.addInput(ByteBuffer.wrap(BufferUtil.toArray(clientNet)));
                runTasks(client);
            }
            ByteBuffer sink = BufferUtil.allocate(1 << 16);
            tls.fill(sink);
            readFromServer();
            if (client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING && i > 3) {
                break;
            }
        }
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, client.getHandshakeStatus());
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, server.getHandshakeStatus());
        clientApp.clear();
        return tls;
    }

    private static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Decrypts what the server wrote so far (the client's view); returns the application bytes read so far. */
    private int readFromServer() throws Exception {
        ByteBuffer out = net.takeOutput();
        fromServer.put(out);
        fromServer.flip();
        while (fromServer.hasRemaining()) {
            SSLEngineResult r = client.unwrap(fromServer, clientApp);
            runTasks(client);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                break;
            }
            if (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                break; // the handshake loop wraps
            }
        }
        fromServer.compact();
        return clientApp.position();
    }

    private static ByteBuffer filled(int size, int value) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) value);
        return ByteBuffer.wrap(bytes);
    }

    /**
     * Over TLS, a flush encrypts all of the write into SslConnection's buffer and returns false when
     * the socket takes only part of the record: none of the write's bytes is left, yet some have not
     * gone; the write goes on until they have.
     */
    @Test
    void aTlsFlushThatEncryptedEverythingButCouldNotSendItAllDoesNotFailTheWrite() throws Exception {
        EndPoint tls = tlsEndPoint();
        net.room = 100; // the socket takes 100 bytes now, less than one 100-byte record with its overhead
        JettyEndPointTransport transport = new JettyEndPointTransport(tls, Runnable::run, new ArrayByteBufferPool(),
                4096, 64 * 1024, t -> { }, e -> { });
        WriteEnd end = new WriteEnd();
        transport.writeFrames(new ByteBuffer[] {filled(50, 1), filled(50, 2)}, new int[] {1, 2}, end);
        for (int i = 0; i < 20 && !end.ended.isDone(); i++) {
            readFromServer(); // the peer reads: room again
        }
        assertTrue(end.ended.isDone());
        end.ended.get(1, TimeUnit.SECONDS);
        int got = 0;
        for (int i = 0; i < 20 && got < 100; i++) {
            got = readFromServer();
        }
        assertEquals(100, got, "every byte of the write reached the peer");
    }
}
