package dev.tether.client;

import dev.tether.client.peers.TestCertificates;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A blocking server-side TLS session (the test CA's {@code server} certificate) over a pipe of bytes,
 * itself a pipe of its plaintext: over a socket it is a TLS server, over another session it is TLS
 * inside TLS. Records are made on demand ({@link #wrap}, {@link #closeNotify()}), so a test decides
 * exactly what goes into one socket write.
 */
final class TlsServerSession implements BytePipe {

    /** The socket's bytes as a pipe. */
    static BytePipe over(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        return new BytePipe() {
            @Override
            public byte[] readSome() throws IOException {
                byte[] buffer = new byte[1 << 16];
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("eof");
                }
                return Arrays.copyOf(buffer, n);
            }

            @Override
            public void send(byte[] bytes) throws IOException {
                out.write(bytes);
                out.flush();
            }
        };
    }

    private final SSLEngine engine;
    private final BytePipe below;
    private final ByteBuffer netIn = ByteBuffer.allocate(1 << 20).flip();
    private final ByteBuffer appIn = ByteBuffer.allocate(1 << 20);

    /** @param protocols the TLS versions allowed (e.g. {@code TLSv1.2}); none for the JDK's defaults */
    TlsServerSession(BytePipe below, String... protocols) {
        this.below = below;
        engine = TestCertificates.serverContext("server").createSSLEngine();
        engine.setUseClientMode(false);
        if (protocols.length > 0) {
            engine.setEnabledProtocols(protocols);
        }
    }

    void handshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        while (status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED) {
            switch (status) {
                case NEED_WRAP -> below.send(wrap(new byte[0]));
                case NEED_UNWRAP -> unwrapSome();
                case NEED_TASK -> runTasks();
                default -> throw new IllegalStateException(status.toString());
            }
            status = engine.getHandshakeStatus();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private void unwrapSome() throws IOException {
        while (true) {
            if (netIn.hasRemaining()) {
                SSLEngineResult result = engine.unwrap(netIn, appIn);
                if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new IOException("closed");
                }
                if (result.getStatus() == SSLEngineResult.Status.OK
                        && (result.bytesConsumed() > 0 || result.bytesProduced() > 0 || result.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP)) {
                    return;
                }
            }
            netIn.compact().put(below.readSome()).flip();
        }
    }

    /** The records carrying {@code plaintext} (or, for none, the handshake's pending flight), not sent. */
    byte[] wrap(byte[] plaintext) throws IOException {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        ByteBuffer src = ByteBuffer.wrap(plaintext);
        do {
            ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult result = engine.wrap(src, dst);
            records.write(dst.array(), 0, dst.position());
            if (result.getStatus() != SSLEngineResult.Status.OK
                    || (plaintext.length == 0 && engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP)) {
                break;
            }
        } while (src.hasRemaining() || (plaintext.length == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP));
        return records.toByteArray();
    }

    /** Our close_notify as records, not sent. */
    byte[] closeNotify() throws IOException {
        engine.closeOutbound();
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        while (!engine.isOutboundDone()) {
            ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), dst);
            records.write(dst.array(), 0, dst.position());
            if (result.bytesProduced() == 0) {
                break;
            }
        }
        return records.toByteArray();
    }

    @Override
    public byte[] readSome() throws IOException {
        while (appIn.position() == 0) {
            unwrapSome();
        }
        byte[] got = Arrays.copyOf(appIn.array(), appIn.position());
        appIn.clear();
        return got;
    }

    @Override
    public void send(byte[] bytes) throws IOException {
        below.send(wrap(bytes));
    }

    /** An HTTP head's plaintext, up to and including its blank line. */
    String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().contains("\r\n\r\n")) {
            head.append(new String(readSome(), StandardCharsets.ISO_8859_1));
        }
        return head.toString();
    }

    /** Reads and unwraps until the client's close_notify or the end, returning how many plaintext bytes came. */
    int drain() {
        int read = 0;
        try {
            while (true) {
                read += readSome().length;
            }
        } catch (IOException e) {
            return read;
        }
    }
}
