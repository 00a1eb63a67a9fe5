package dev.tether.client;

import dev.tether.driver.handshake.AcceptKey;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A one-connection TLS WebSocket server whose records a test makes itself ({@link TlsServerSession}),
 * so that chosen records (a Close frame and a close_notify, junk after a close_notify) go out in one
 * socket write: what the client reads together is then deterministic.
 */
final class ScriptedTlsServer implements AutoCloseable {
    private final ServerSocket server;
    private Socket socket;
    private BytePipe raw;
    private TlsServerSession session;

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
        raw = TlsServerSession.over(socket);
        session = new TlsServerSession(raw, protocol);
        session.handshake();
        String head = session.readHead();
        session.send(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + AcceptKey.accept(ScriptedServer.key(head)) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The records carrying {@code plaintext}, not sent. */
    byte[] wrap(byte[] plaintext) throws IOException {
        return session.wrap(plaintext);
    }

    /** Our close_notify as records, not sent. */
    byte[] closeNotify() throws IOException {
        return session.closeNotify();
    }

    /** One socket write of everything given. */
    void sendRaw(byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.write(part);
        }
        raw.send(all.toByteArray());
    }

    /** Reads until the client's close_notify or the end; returns how many plaintext bytes came. */
    int drain() {
        return session.drain();
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (socket != null) {
            socket.close();
        }
    }
}
