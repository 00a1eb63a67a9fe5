package dev.tether.servlet.endpoint;

import dev.tether.api.CloseStatus;
import dev.tether.api.HandshakeInfo;
import dev.tether.api.WebSocket;
import dev.tether.driver.DriverOptions;
import dev.tether.message.MemoryBudget;
import dev.tether.servlet.WebSocketOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.tether.servlet.endpoint.Recorder.record;

/** The endpoints the container tests serve; they report what they see to {@link Recorder}. */
final class TestEndpoints {
    private TestEndpoints() {
    }

    /** The example, as written there. */
    @WebSocketEndpoint(value = "/chat/{room}", subprotocols = {"chat.v1"})
    public static class ChatEndpoint {
        @OnOpen
        public void open(WebSocket ws, @PathParam("room") String room) {
            record("open:" + room + ":" + ws.protocol() + ":" + ws.getClass().getName());
            ws.send("welcome to " + room);
        }

        @OnMessage
        public String onText(String text) {
            return "echo: " + text;
        }

        @OnMessage
        public void onBinary(ByteBuffer data, WebSocket ws) {
            ws.send(data);
        }

        @OnClose
        public void closed(CloseStatus status) {
            record("close:" + status.code());
        }

        @OnError
        public void failed(Throwable error) {
            record("error:" + error);
        }
    }

    public record Point(int x, int y) {
    }

    /** "x,y" both ways. */
    public static class PointCodec implements TextDecoder<Point>, TextEncoder<Point> {
        @Override
        public Point decode(String text) {
            String[] parts = text.split(",");
            return new Point(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        @Override
        public String encode(Point value) {
            return value.x() + "," + value.y();
        }
    }

    public record Blob(byte[] bytes) {
    }

    /** Binary messages as a Blob, and a Blob back with its bytes reversed. */
    public static class BlobCodec implements BinaryDecoder<Blob>, BinaryEncoder<Blob> {
        @Override
        public Blob decode(ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            return new Blob(bytes);
        }

        @Override
        public ByteBuffer encode(Blob value) {
            byte[] reversed = new byte[value.bytes().length];
            for (int i = 0; i < reversed.length; i++) {
                reversed[i] = value.bytes()[reversed.length - 1 - i];
            }
            return ByteBuffer.wrap(reversed);
        }
    }

    public enum Unit { CM, MM }

    /** Decoders, encoders and converted path parameters. */
    @WebSocketEndpoint(value = "/points/{scale}/{unit}", decoders = {PointCodec.class, BlobCodec.class},
            encoders = {PointCodec.class, BlobCodec.class})
    public static class Points {
        @OnMessage
        public Point onText(@PathParam("unit") Unit unit, Point point, @PathParam("scale") int scale) {
            record("unit:" + unit);
            return new Point(point.x() * scale, point.y() * scale);
        }

        @OnMessage
        public Blob onBinary(Blob blob) {
            return blob;
        }

        @OnError
        public void failed(Throwable error, WebSocket socket) {
            if (error instanceof DecodeException refused) {
                record("error:" + error.getClass().getSimpleName() + ":" + refused.text());
            }
        }
    }

    /** The other message forms: Reader, InputStream, partial (last flag), pong. */
    @WebSocketEndpoint("/forms")
    public static class Forms {
        @OnOpen
        public void open(WebSocket socket) {
            socket.ping();
        }

        @OnMessage
        public int onText(HandshakeInfo handshake, Reader reader) throws IOException {
            StringBuilder text = new StringBuilder();
            char[] chunk = new char[64];
            for (int n; (n = reader.read(chunk)) >= 0; ) {
                text.append(chunk, 0, n);
            }
            record("query:" + handshake.query());
            return text.length();
        }

        @OnMessage
        public String onBinary(InputStream in) throws IOException {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        @OnMessage
        public void onPong(PongMessage pong) {
            record("pong:" + pong.payload().remaining());
        }
    }

    /** Parts with a last flag. */
    @WebSocketEndpoint("/parts")
    public static class Parts {
        @OnMessage
        public String onText(String part, boolean last) {
            return part + ":" + last;
        }

        @OnMessage
        public byte[] onBinary(boolean last, byte[] part) {
            return new byte[]{(byte) part.length, (byte) (last ? 1 : 0)};
        }
    }

    /** State per instance: each connection counts from one. */
    @WebSocketEndpoint("/counter")
    public static class Counter {
        static final AtomicInteger INSTANCES = new AtomicInteger();
        private int count;

        public Counter() {
            INSTANCES.incrementAndGet();
        }

        @OnMessage
        public long onText(String text) {
            return ++count;
        }
    }

    /** Failures: to @OnError, which answers and keeps the connection. */
    @WebSocketEndpoint("/fail")
    public static class Failing {
        @OnMessage
        public String onText(String text) throws IOException {
            throw new IOException("boom " + text);
        }

        @OnError
        public void failed(WebSocket socket, Throwable error) {
            socket.send("handled " + error.getMessage());
        }
    }

    /** A failure with no @OnError: 1011. No binary method: 1003. */
    @WebSocketEndpoint("/unhandled")
    public static class Unhandled {
        @OnMessage
        public void onText(String text) {
            throw new IllegalStateException("unhandled " + text);
        }
    }

    /** Binary parts as {@code byte[]}: each answered with its flag (1 for last) and its bytes. */
    @WebSocketEndpoint("/parts/bytes")
    public static class ByteParts {
        @OnMessage
        public byte[] onBinary(byte[] part, boolean last) {
            byte[] tagged = new byte[part.length + 1];
            tagged[0] = (byte) (last ? 1 : 0);
            System.arraycopy(part, 0, tagged, 1, part.length);
            return tagged;
        }
    }

    /** Binary parts as {@code ByteBuffer}: each answered as {@link ByteParts} does. */
    @WebSocketEndpoint("/parts/buffer")
    public static class BufferParts {
        @OnMessage
        public ByteBuffer onBinary(boolean last, ByteBuffer part, WebSocket socket) {
            ByteBuffer tagged = ByteBuffer.allocate(part.remaining() + 1);
            return tagged.put((byte) (last ? 1 : 0)).put(part).flip();
        }
    }

    /**
     * Options for messages of any size: no message limit, a small stream buffer and read buffer
     * (so the bound on what a stream holds is small), and a small memory budget for whole messages.
     */
    public static class LargeMessages implements EndpointConfigurator {
        static final int STREAM_BUFFER = 64 << 10;
        static final int READ_BUFFER = 16 << 10;
        static final long MESSAGE_MEMORY = 1 << 20;

        @Override
        public void configure(Class<?> endpointClass, WebSocketOptions.Builder options) {
            options.maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT)
                    .streamBufferSize(STREAM_BUFFER)
                    .readBufferSize(READ_BUFFER)
                    .messageMemory(MemoryBudget.of(MESSAGE_MEMORY));
        }
    }

    /** Messages of any size, read as streams: each answered with its SHA-256 and its length. */
    @WebSocketEndpoint(value = "/streams", configurator = LargeMessages.class)
    public static class Streams {
        @OnMessage
        public String onBinary(InputStream message) throws IOException {
            MessageDigest sha = sha256();
            byte[] chunk = new byte[8192];
            long length = 0;
            for (int n; (n = message.read(chunk)) >= 0; ) {
                sha.update(chunk, 0, n);
                length += n;
            }
            return HexFormat.of().formatHex(sha.digest()) + " " + length;
        }

        @OnMessage
        public String onText(Reader message) throws IOException {
            String text = readAll(message);
            return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8))) + " " + text.length();
        }
    }

    /** The same options as {@link Streams}, for binary messages taken whole. */
    @WebSocketEndpoint(value = "/whole", configurator = LargeMessages.class)
    public static class Whole {
        @OnMessage
        public int onBinary(ByteBuffer message) {
            return message.remaining();
        }
    }

    /**
     * Reads its message only once the test {@linkplain #release lets it}, and notes before each read
     * how many bytes its stream held: answered with the SHA-256, the length and that most.
     */
    @WebSocketEndpoint(value = "/slow", configurator = LargeMessages.class)
    public static class SlowReader {
        static final AtomicReference<InputStream> INPUT = new AtomicReference<>();
        static volatile CountDownLatch started = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);

        static void reset() {
            INPUT.set(null);
            started = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }

        @OnMessage
        public String onBinary(InputStream message) throws IOException, InterruptedException {
            INPUT.set(message);
            started.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the reader read");
            }
            MessageDigest sha = sha256();
            byte[] chunk = new byte[4096];
            long length = 0;
            int most = 0;
            while (true) {
                most = Math.max(most, message.available());
                int n = message.read(chunk);
                if (n < 0) {
                    break;
                }
                sha.update(chunk, 0, n);
                length += n;
            }
            return HexFormat.of().formatHex(sha.digest()) + " " + length + " " + most;
        }
    }

    /** Streams the connection ends in the middle of, and a stream method's own IOException. */
    @WebSocketEndpoint("/ends")
    public static class StreamEnds {
        @OnMessage
        public void onBinary(InputStream message) throws IOException {
            record("stream:started");
            try {
                message.readAllBytes();
                record("stream:complete");
            } catch (IOException e) {
                record("stream:failed:" + e.getMessage());
                throw e;
            }
        }

        @OnMessage
        public String onText(Reader message) throws IOException {
            String text = readAll(message);
            if (text.equals("bad")) {
                throw new IOException("bad upload");
            }
            if (text.equals("read after close")) {
                message.close();
                message.read(); // the stream's own failure, not the connection's end
            }
            return "ok " + text;
        }

        @OnError
        public void failed(Throwable error) {
            record("error:" + error.getMessage());
        }

        @OnClose
        public void closed(CloseStatus status) {
            record("close:" + status.code());
        }
    }

    static String readAll(Reader reader) throws IOException {
        StringBuilder text = new StringBuilder();
        char[] chunk = new char[1000];
        for (int n; (n = reader.read(chunk)) >= 0; ) {
            text.append(chunk, 0, n);
        }
        return text.toString();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
