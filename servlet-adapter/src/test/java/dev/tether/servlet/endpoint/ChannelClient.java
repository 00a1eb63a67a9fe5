package dev.tether.servlet.endpoint;

import dev.tether.driver.handshake.AcceptKey;
import dev.tether.servlet.testing.RawWebSocketClient;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * A raw RFC 6455 client over a non-blocking {@link SocketChannel}, for tests that must see the
 * server stop taking bytes: {@link #writeSome} writes what the socket takes now and says how much,
 * so a write of 0 shows the socket's buffers full, without timing anything. Waits are on a
 * {@link Selector}, each with a deadline that fails the test.
 */
final class ChannelClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(64 << 10).flip();

    private ChannelClient(SocketChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    /**
     * Connects to the URI's port on 127.0.0.1 with a send buffer of {@code sendBuffer} bytes (a
     * fixed one: the kernel does not grow it), and completes an upgrade handshake.
     */
    static ChannelClient connect(URI uri, int sendBuffer, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open();
        Selector selector = null;
        try {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), uri.getPort()));
            channel.configureBlocking(false);
            selector = Selector.open();
            ChannelClient client = new ChannelClient(channel, selector);
            client.handshake(uri, timeout);
            return client;
        } catch (IOException | RuntimeException | Error e) {
            if (selector != null) {
                selector.close();
            }
            channel.close();
            throw e;
        }
    }

    private void handshake(URI uri, Duration timeout) throws IOException {
        String key = AcceptKey.newKey(RANDOM);
        String head = "GET " + RawWebSocketClient.requestTarget(uri) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        writeAll(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)), timeout);
        StringBuilder response = new StringBuilder();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (response.indexOf("\r\n\r\n") < 0) {
            response.append((char) (readByte(deadline) & 0xFF));
        }
        if (!response.toString().startsWith("HTTP/1.1 101") || !response.toString().contains(AcceptKey.accept(key))) {
            throw new AssertionFailedError("not accepted: " + response);
        }
    }

    /** A masked client frame: {@code b0} as is (FIN, opcode), the shortest length, a random key. */
    static ByteBuffer frame(int b0, byte[] payload, int offset, int length) {
        ByteBuffer frame = ByteBuffer.allocate(length + 14);
        frame.put((byte) b0);
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        byte[] key = new byte[4];
        RANDOM.nextBytes(key);
        frame.put(key);
        for (int i = 0; i < length; i++) {
            frame.put((byte) (payload[offset + i] ^ key[i & 3]));
        }
        return frame.flip();
    }

    /** Writes what the socket takes now, without waiting: how many bytes, 0 when its buffers are full. */
    int writeSome(ByteBuffer bytes) throws IOException {
        return channel.write(bytes);
    }

    /** Waits at most {@code timeout} for the socket to take bytes again (the peer has read some): whether it does. */
    boolean awaitWritable(Duration timeout) throws IOException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
        try {
            selector.select(Math.max(1, timeout.toMillis()));
            return selector.selectedKeys().remove(key);
        } finally {
            key.interestOps(0);
        }
    }

    /** Writes all of {@code bytes}, waiting whenever the socket's buffers are full. */
    void writeAll(ByteBuffer bytes, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "the server to take more bytes");
            }
        }
    }

    /** Reads one frame the server sent, unmasked, of at most 64 KiB: its first byte and payload. */
    RawWebSocketClient.Frame readFrame(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int b0 = readByte(deadline);
        int b1 = readByte(deadline);
        int length = b1 & 0x7F;
        if (length == 126) {
            length = (readByte(deadline) << 8) | readByte(deadline);
        } else if (length == 127) {
            throw new AssertionFailedError("a frame too long for this client");
        }
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) readByte(deadline);
        }
        return new RawWebSocketClient.Frame((b0 & 0x80) != 0, (b0 >>> 4) & 7, b0 & 0x0F, payload);
    }

    private int readByte(long deadline) throws IOException {
        while (!in.hasRemaining()) {
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                throw new AssertionFailedError("the server closed the connection");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadline, "the server to send");
            }
        }
        return in.get() & 0xFF;
    }

    private void await(int operation, long deadline, String what) throws IOException {
        SelectionKey key = channel.register(selector, operation);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionFailedError("timed out waiting for " + what);
                }
                selector.select(Math.max(1, Duration.ofNanos(left).toMillis()));
                if (selector.selectedKeys().remove(key)) {
                    return;
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
