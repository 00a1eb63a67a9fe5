package dev.tether.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The generators' side of the opening handshake: the upgrade request, and reading and checking the 101. */
final class Handshake {
    private Handshake() {
    }

    /** An upgrade request for /echo, with {@code extraHeaders} (each line ending in CRLF, or empty). */
    static byte[] request(int port, String extraHeaders) {
        return request(port, "/echo", extraHeaders);
    }

    /** An upgrade request for {@code path}, with {@code extraHeaders} (each line ending in CRLF, or empty). */
    static byte[] request(int port, String path, String extraHeaders) {
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A connection whose handshake succeeded, and the response head the server sent. */
    record Upgraded(SocketChannel channel, String head) {
    }

    /**
     * Connects (blocking), sends {@code request} and reads the response head, failing unless it switches
     * protocols. The server sends nothing after its 101 until we send, so reading in chunks takes the head only.
     */
    static Upgraded connect(int port, byte[] request) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.write(ByteBuffer.wrap(request));
            ByteBuffer response = ByteBuffer.allocate(4096);
            while (!endsHead(response)) {
                if (!response.hasRemaining() || channel.read(response) < 0) {
                    throw new IOException("connection closed or head too long during the handshake");
                }
            }
            checkSwitched(response);
            return new Upgraded(channel, text(response));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The response head read into {@code head} (a heap buffer), as text. */
    static String text(ByteBuffer head) {
        return new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
    }

    /** Fails unless the response head read into {@code head} (a heap buffer) switches protocols. */
    static void checkSwitched(ByteBuffer head) throws IOException {
        String text = text(head);
        if (!text.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + text);
        }
    }

    /** Whether the bytes read so far hold a whole response head (a refusal may carry a body after it). */
    static boolean endsHead(ByteBuffer b) {
        for (int i = 3; i < b.position(); i++) {
            if (b.get(i - 3) == '\r' && b.get(i - 2) == '\n' && b.get(i - 1) == '\r' && b.get(i) == '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts a non-blocking connection to {@code address}, its key carrying {@code attachment}: the
     * request goes out once it is connected ({@link #sendRequest}, at once if it connected at once).
     */
    static void startOpening(Selector selector, InetSocketAddress address, byte[] request, Object attachment)
            throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = channel.connect(address);
            SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT, attachment);
            if (connected) { // no OP_CONNECT comes for a connection made at once
                sendRequest(key, request);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes the upgrade request and waits for the answer. */
    static void sendRequest(SelectionKey key, byte[] request) throws IOException {
        // A few hundred bytes into the empty send buffer of a new connection: written whole.
        if (((SocketChannel) key.channel()).write(ByteBuffer.wrap(request)) != request.length) {
            throw new IOException("the upgrade request was not written whole");
        }
        key.interestOps(SelectionKey.OP_READ);
    }
}
