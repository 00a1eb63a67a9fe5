package dev.tether.client;

import dev.tether.api.WebSocket;
import dev.tether.driver.handshake.AcceptKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's {@code sendFrameSize}: a larger message reaches the server as several masked frames. */
class SendFrameSizeTest {
    private final WebSocketClient client = WebSocketClient.create();

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** What a server read of one message: each frame as "opcode[+fin] masked length", and the unmasked payload. */
    private record Message(List<String> frames, byte[] payload) {
    }

    /** A server that accepts the upgrade and reads one message, frame by frame. */
    private static ScriptedServer readingOneMessage(CompletableFuture<Message> read) throws IOException {
        return ScriptedServer.start((head, socket, out) -> {
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + AcceptKey.accept(ScriptedServer.key(head)) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            List<String> frames = new ArrayList<>();
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            boolean fin = false;
            while (!fin) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                int length = b1 & 0x7F;
                length = length == 126 ? in.readUnsignedShort() : length == 127 ? (int) in.readLong() : length;
                byte[] key = new byte[4];
                in.readFully(key);
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                for (int i = 0; i < length; i++) {
                    bytes[i] ^= key[i & 3];
                }
                fin = (b0 & 0x80) != 0;
                frames.add((b0 & 0x0F) + (fin ? "+fin" : "") + ((b1 & 0x80) != 0 ? " masked " : " unmasked ") + length);
                payload.writeBytes(bytes);
            }
            read.complete(new Message(frames, payload.toByteArray()));
        });
    }

    @Test
    void aMessageLargerThanTheFrameSizeGoesInMaskedFramesOfThatSize() throws Exception {
        CompletableFuture<Message> read = new CompletableFuture<>();
        try (ScriptedServer server = readingOneMessage(read)) {
            ClientOptions options = ClientOptions.builder().proxy(ProxyOptions.none()).sendFrameSize(1000).build();
            WebSocket socket = client.connect(server.uri("/"), options, new Recorder()).toCompletableFuture().get(20, TimeUnit.SECONDS);
            byte[] data = new byte[2500];
            new Random(21).nextBytes(data);
            socket.send(data).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Message message = read.get(10, TimeUnit.SECONDS);
            assertEquals(List.of("2 masked 1000", "0 masked 1000", "0+fin masked 500"), message.frames());
            assertArrayEquals(data, message.payload());
            socket.terminate();
        }
    }

    /**
     * A server that reads nothing until {@code readNow}, then reads frames (answering pings) until it
     * has a whole message and a ping: what it read, with "ping" where the ping came.
     */
    private static ScriptedServer readingLate(CompletableFuture<Void> readNow, CompletableFuture<Message> read) throws IOException {
        return ScriptedServer.start((head, socket, out) -> {
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + AcceptKey.accept(ScriptedServer.key(head)) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            readNow.join();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            List<String> frames = new ArrayList<>();
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            boolean messageEnded = false;
            while (!messageEnded || !frames.contains("ping")) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                int length = b1 & 0x7F;
                length = length == 126 ? in.readUnsignedShort() : length == 127 ? (int) in.readLong() : length;
                byte[] key = new byte[4];
                in.readFully(key);
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                for (int i = 0; i < length; i++) {
                    bytes[i] ^= key[i & 3];
                }
                if ((b0 & 0x0F) == 0x9) {
                    frames.add("ping");
                    out.write(new byte[] {(byte) 0x8A, (byte) length});
                    out.write(bytes);
                    out.flush();
                    continue;
                }
                messageEnded = (b0 & 0x80) != 0;
                frames.add((b0 & 0x0F) + (messageEnded ? "+fin" : ""));
                payload.writeBytes(bytes);
            }
            read.complete(new Message(frames, payload.toByteArray()));
        });
    }

    @Test
    void aPingSentAfterALargeMessageOvertakesTheFramesTheSocketHasNotTakenYet() throws Exception {
        CompletableFuture<Void> readNow = new CompletableFuture<>();
        CompletableFuture<Message> read = new CompletableFuture<>();
        try (ScriptedServer server = readingLate(readNow, read)) {
            WebSocket socket = client.connect(server.uri("/"), ClientOptions.builder().proxy(ProxyOptions.none()).build(), new Recorder())
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
            byte[] data = new byte[16 << 20]; // more than the socket buffers on both ends hold
            new Random(22).nextBytes(data);
            CompletableFuture<Void> sent = socket.send(data).toCompletableFuture();
            CompletableFuture<Void> ponged = socket.ping().toCompletableFuture();
            readNow.complete(null);
            Message message = read.get(20, TimeUnit.SECONDS);
            sent.get(10, TimeUnit.SECONDS);
            ponged.get(10, TimeUnit.SECONDS);
            assertArrayEquals(data, message.payload(), "the message arrives whole and in order");
            int pingAt = message.frames().indexOf("ping");
            assertEquals(256 + 1, message.frames().size(), "256 frames of 64 KiB and the ping");
            assertTrue(pingAt > 0 && pingAt < message.frames().size() - 1, "the ping between the message's frames: " + pingAt);
            assertEquals("0+fin", message.frames().get(message.frames().size() - 1));
            socket.terminate();
        }
    }

    @Test
    void framesOf64KiBByDefault() {
        assertEquals(64 * 1024, ClientOptions.defaults().connection().sendFrameSize());
        assertEquals(64 * 1024, ClientOptions.defaults().driverOptions().sendFrameSize());
        ClientOptions set = ClientOptions.builder().sendFrameSize(0).header("Cookie", "a=b").build();
        assertEquals(0, set.driverOptions().sendFrameSize());
        assertEquals(0, set.withoutHeaders(List.of("Cookie")).driverOptions().sendFrameSize(), "kept across a redirect");
    }
}
