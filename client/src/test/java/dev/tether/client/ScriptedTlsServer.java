package dev.tether.client;

import dev.tether.client.peers.TestCertificates;
import dev.tether.driver.handshake.AcceptKey;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A blocking one-connection TLS WebSocket server driven through a server-mode {@link SSLEngine}, so
 * a test can put chosen TLS records (a Close frame and a close_notify, junk after a close_notify)
 * into one socket write: what the client reads together is then deterministic.
 */
final class ScriptedTlsServer implements AutoCloseable {
    private final ServerSocket server;
    private Socket socket;
    private SSLEngine engine;
    private InputStream in;
    private OutputStream out;
    private ByteBuffer netIn;
    private ByteBuffer appIn;

    ScriptedTlsServer() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    int port() {
        return server.getLocalPort();
    }

    /** Accepts, handshakes TLS with {@code protocol} (e.g. TLSv1.2), reads the upgrade and answers 101. */
    void acceptAndUpgrade(String protocol) throws IOException {
        socket = server.accept();
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        engine = TestCertificates.serverContext("server").createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {protocol});
        netIn = ByteBuffer.allocate(1 << 17).flip();
        appIn = ByteBuffer.allocate(1 << 17);
        engine.beginHandshake();
        HandshakeStatus hs = engine.getHandshakeStatus();
        while (hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED) {
            switch (hs) {
                case NEED_WRAP -> {
                    out.write(wrap(new byte[0]));
                    out.flush();
                }
                case NEED_UNWRAP -> unwrapSome();
                case NEED_TASK -> {
                    Runnable t;
                    while ((t = engine.getDelegatedTask()) != null) t.run();
                }
                default -> throw new IllegalStateException(hs.toString());
            }
            hs = engine.getHandshakeStatus();
        }
        // the upgrade request
        while (!new String(appIn.array(), 0, appIn.position(), StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            unwrapSome();
        }
        String head = new String(appIn.array(), 0, appIn.position(), StandardCharsets.ISO_8859_1);
        appIn.clear();
        String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + AcceptKey.accept(ScriptedServer.key(head)) + "\r\n\r\n";
        out.write(wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
        out.flush();
    }

    private void unwrapSome() throws IOException {
        while (true) {
            if (netIn.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(netIn, appIn);
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    Runnable t;
                    while ((t = engine.getDelegatedTask()) != null) t.run();
                }
                if (r.getStatus() == SSLEngineResult.Status.OK && (r.bytesConsumed() > 0 || r.bytesProduced() > 0)) {
                    return;
                }
                if (r.getStatus() == SSLEngineResult.Status.OK && r.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) {
                    return;
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new IOException("closed");
                }
            }
            netIn.compact();
            int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
            if (n < 0) throw new IOException("eof");
            netIn.position(netIn.position() + n).flip();
        }
    }

    /** The TLS records carrying {@code plaintext} (or the pending handshake flight for an empty one). */
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

    /** Our close_notify as bytes (not sent). */
    byte[] closeNotify() throws IOException {
        engine.closeOutbound();
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        while (!engine.isOutboundDone()) {
            ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), dst);
            records.write(dst.array(), 0, dst.position());
            if (r.bytesProduced() == 0) break;
        }
        return records.toByteArray();
    }

    /** One raw socket write of everything given. */
    void sendRaw(byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) all.write(p);
        out.write(all.toByteArray());
        out.flush();
    }

    /** Reads and unwraps until the client's close_notify or EOF, returning the plaintext read. */
    String drain() {
        try {
            while (true) unwrapSome();
        } catch (IOException e) {
            return new String(appIn.array(), 0, appIn.position(), StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (socket != null) socket.close();
    }
}
