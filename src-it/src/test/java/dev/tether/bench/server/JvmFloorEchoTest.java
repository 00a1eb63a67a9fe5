package dev.tether.bench.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's {@code jvm-floor} echoes what the load generator sends, byte for byte, over a raw socket. */
class JvmFloorEchoTest {
    private JvmFloorEcho echo;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;

    @BeforeEach
    void connect() throws IOException {
        echo = JvmFloorEcho.start();
        socket = new Socket("127.0.0.1", echo.port());
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        // RFC 6455's own example key and answer (section 1.3)
        out.write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        String head = readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        assertTrue(head.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
    }

    @AfterEach
    void close() throws IOException {
        socket.close();
        echo.close();
    }

    @Test
    void manySmallFramesInOneWriteComeBackInOrder() throws Exception {
        Random random = new Random(1);
        List<Frame> sent = new ArrayList<>();
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 2000; i++) {
            Frame f = new Frame(true, i % 2 == 0 ? 1 : 2, payload(random, random.nextInt(130)));
            sent.add(f);
            burst.write(f.masked(random));
        }
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> write(burst.toByteArray()));
        for (Frame f : sent) {
            f.assertEchoed(readFrame());
        }
        writing.join();
    }

    @Test
    void largeFramesOfEveryLengthEncodingInPiecesComeBackWhole() throws Exception {
        Random random = new Random(2);
        int[] sizes = {1 << 20, 10, 200_000, 65_535, 65_536, 3 << 20, 0, 125, 126, 1 << 20};
        List<Frame> sent = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int size : sizes) {
            Frame f = new Frame(true, 2, payload(random, size));
            sent.add(f);
            all.write(f.masked(random));
        }
        byte[] bytes = all.toByteArray();
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            for (int at = 0; at < bytes.length; ) { // pieces that split headers and masks too
                int n = Math.min(bytes.length - at, 1 + random.nextInt(100_000));
                write(java.util.Arrays.copyOfRange(bytes, at, at + n));
                at += n;
            }
        });
        for (Frame f : sent) { // read while the writer writes: whether a server write meets a full socket is up to the timing
            f.assertEchoed(readFrame());
        }
        writing.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aFragmentedMessageComesBackFragmentedAndAPingIsAnsweredBetween() throws Exception {
        Random random = new Random(3);
        List<Frame> sent = List.of(new Frame(false, 1, "Hello, ".getBytes(StandardCharsets.UTF_8)),
                new Frame(true, 9, "ping".getBytes(StandardCharsets.UTF_8)),
                new Frame(false, 0, "fragmented ".getBytes(StandardCharsets.UTF_8)),
                new Frame(true, 10, "unasked pong".getBytes(StandardCharsets.UTF_8)),
                new Frame(true, 0, "world".getBytes(StandardCharsets.UTF_8)));
        for (Frame f : sent) {
            out.write(f.masked(random));
        }
        sent.get(0).assertEchoed(readFrame());
        new Frame(true, 10, sent.get(1).payload()).assertEchoed(readFrame());
        sent.get(2).assertEchoed(readFrame());
        sent.get(4).assertEchoed(readFrame()); // the pong was dropped
    }

    @Test
    void aCloseIsEchoedThenTheConnectionCloses() throws Exception {
        Frame close = new Frame(true, 8, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'});
        out.write(close.masked(new Random(4)));
        close.assertEchoed(readFrame());
        assertEquals(-1, in.read());
    }

    private static byte[] payload(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    private void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** A server frame: never masked. */
    private Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertEquals(0, b1 & 0x80, "the server masked a frame");
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        assertEquals(0, b0 & 0x70, "RSV bits");
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    private record Frame(boolean fin, int opcode, byte[] payload) {
        /** As a client sends it: masked with a random key, the length in its shortest encoding. */
        byte[] masked(Random random) {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write((fin ? 0x80 : 0) | opcode);
            int n = payload.length;
            if (n < 126) {
                f.write(0x80 | n);
            } else if (n <= 0xFFFF) {
                f.write(0x80 | 126);
                f.write(n >>> 8);
                f.write(n);
            } else {
                f.write(0x80 | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    f.write((int) ((long) n >>> shift));
                }
            }
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            f.write(mask, 0, 4);
            for (int i = 0; i < n; i++) {
                f.write(payload[i] ^ mask[i & 3]);
            }
            return f.toByteArray();
        }

        void assertEchoed(Frame echoed) {
            assertEquals(fin, echoed.fin(), "FIN");
            assertEquals(opcode, echoed.opcode(), "opcode");
            assertArrayEquals(payload, echoed.payload(), "payload of " + payload.length + " bytes");
        }
    }
}
