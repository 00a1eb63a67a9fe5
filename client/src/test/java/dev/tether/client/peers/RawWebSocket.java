package dev.tether.client.peers;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Just enough HTTP and WebSocket over a plain socket to check the fixtures without a client: a
 * CONNECT, an upgrade request, one masked text frame out and one unmasked frame in.
 */
final class RawWebSocket {
    /** The upgrade key of RFC 6455's example, and the accept it must get. */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private RawWebSocket() {
    }

    /** Sends {@code CONNECT host:port} (with {@code Proxy-Authorization} unless null) and returns the response head. */
    static String connect(Socket socket, int port, String proxyAuthorization) throws IOException {
        String authority = "127.0.0.1:" + port;
        write(socket, "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n"
                + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n") + "\r\n");
        return readHead(socket.getInputStream());
    }

    /** Sends an upgrade request for {@code path} with {@code Sec-WebSocket-Version: version} and returns the response head. */
    static String upgrade(Socket socket, int port, String path, int version) throws IOException {
        write(socket, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n");
        return readHead(socket.getInputStream());
    }

    /** The status code of a response head. */
    static int status(String head) {
        String[] statusLine = head.split("\r\n", 2)[0].split(" ", 3);
        return Integer.parseInt(statusLine[1]);
    }

    /** Sends {@code text} as one masked text frame (under 126 bytes). */
    static void sendText(Socket socket, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) throw new IllegalArgumentException("short texts only");
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | payload.length);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) frame.write(payload[i] ^ mask[i % 4]);
        OutputStream out = socket.getOutputStream();
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Reads one unmasked text frame (under 126 bytes) and returns its text. */
    static String readText(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        int first = readByte(in);
        int length = readByte(in);
        if (first != 0x81 || length > 125) {
            throw new IOException(String.format("expected a short unmasked text frame, got 0x%02x 0x%02x", first, length));
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads a response head up to its blank line, one byte at a time (never past it). */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = readByte(in);
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b == -1) throw new EOFException("the connection ended");
        return b;
    }
}
