package dev.tether.client.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Drives an {@link SSLEngine} over a blocking socket to 127.0.0.1, the way the client's transport
 * drives it over a channel: handshake, then read what the server sends until it has
 * {@code expectedBytes} bytes. Handshake failures surface as the engine throws them.
 */
public final class EngineClient {
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    /** What the client learnt. */
    public record Result(String received, String protocol, String applicationProtocol) {
    }

    private final SSLEngine engine;
    private final InputStream in;
    private final OutputStream out;
    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private final ByteBuffer appIn;

    private EngineClient(SSLEngine engine, Socket socket) throws IOException {
        this.engine = engine;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /** Connects to 127.0.0.1:{@code port}, handshakes with {@code engine} and reads {@code expectedBytes}. */
    public static Result exchange(SSLEngine engine, int port, int expectedBytes) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            EngineClient client = new EngineClient(engine, socket);
            client.handshake();
            String received = client.read(expectedBytes);
            return new Result(received, engine.getSession().getProtocol(), engine.getApplicationProtocol());
        }
    }

    private void handshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_WRAP -> status = wrap();
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> status = unwrap();
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) task.run();
                    status = engine.getHandshakeStatus();
                }
                default -> throw new IllegalStateException("unexpected handshake status " + status);
            }
        }
    }

    private HandshakeStatus wrap() throws IOException {
        netOut.clear();
        SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), netOut);
        out.write(netOut.array(), 0, netOut.position());
        out.flush();
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) throw new SSLException("the engine closed during the handshake");
        return result.getHandshakeStatus();
    }

    private HandshakeStatus unwrap() throws IOException {
        while (true) {
            SSLEngineResult result = engine.unwrap(netIn, appIn);
            switch (result.getStatus()) {
                case OK:
                    return result.getHandshakeStatus();
                case BUFFER_UNDERFLOW:
                    fill();
                    break;
                case CLOSED:
                    throw new SSLException("the server closed the TLS connection during the handshake");
                default:
                    throw new IllegalStateException("unexpected unwrap status " + result.getStatus());
            }
        }
    }

    private String read(int expectedBytes) throws IOException {
        while (appIn.position() < expectedBytes) {
            SSLEngineResult result = engine.unwrap(netIn, appIn);
            switch (result.getStatus()) {
                case OK:
                    // post-handshake messages (a TLS 1.3 session ticket) produce no data; a wrap may be wanted
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) wrap();
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) task.run();
                    }
                    if (result.bytesProduced() == 0 && !netIn.hasRemaining()) fill();
                    break;
                case BUFFER_UNDERFLOW:
                    fill();
                    break;
                case CLOSED:
                    throw new SSLException("the server closed the TLS connection after " + appIn.position() + " bytes");
                default:
                    throw new IllegalStateException("unexpected unwrap status " + result.getStatus());
            }
        }
        return new String(appIn.array(), 0, appIn.position(), StandardCharsets.US_ASCII);
    }

    /** Reads more network bytes after those not yet unwrapped. */
    private void fill() throws IOException {
        netIn.compact();
        int read = in.read(netIn.array(), netIn.position(), netIn.remaining());
        if (read < 0) throw new SSLException("the server closed the connection");
        netIn.position(netIn.position() + read);
        netIn.flip();
    }
}
