package dev.tether.servlet.endpoint;

import dev.tether.api.CloseStatus;
import dev.tether.api.HandshakeInfo;
import dev.tether.api.WebSocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

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
}
