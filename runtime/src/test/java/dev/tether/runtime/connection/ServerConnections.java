package dev.tether.runtime.connection;

import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.WireOutput;
import dev.tether.driver.handshake.ClientHandshakeInfo;
import dev.tether.driver.handshake.HandshakeRequest;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.driver.handshake.HttpResponseHead;
import dev.tether.handshake.ServerHandshake;
import dev.tether.runtime.ConnectionOptions;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server connections whose handshake is answered in memory, not yet started: the runtime's specifications drive them by hand. */
final class ServerConnections {
    private ServerConnections() {
    }

    /** A masked client frame (zero mask) with a 7- or 16-bit length. */
    static ByteBuffer clientFrame(int opcode, boolean fin, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(8 + payload.length);
        frame.put((byte) ((fin ? 0x80 : 0) | opcode));
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        }
        return frame.putInt(0).put(payload).flip();
    }

    /** An RFC 6455 opening request, offering {@code extensions} if any. */
    static HttpHeaders request(String... extensions) {
        HttpHeaders headers = new HttpHeaders()
                .set("Host", "server.example.com")
                .set("Upgrade", "websocket")
                .set("Connection", "Upgrade")
                .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .set("Sec-WebSocket-Version", "13");
        return extensions.length == 0 ? headers : headers.set("Sec-WebSocket-Extensions", String.join(", ", extensions));
    }

    /** The connection answering {@code request} with {@code driverOptions}, its driver's output through {@code wire}. */
    static WebSocketConnection answering(HttpHeaders request, DriverOptions driverOptions, UnaryOperator<WireOutput> wire,
                                         ConnectionOptions options, WebSocketListener listener) {
        return answering(request, driverOptions, wire, options, listener, new ConcurrentHashMap<>());
    }

    /** @param attributes the connection's attribute map; null for one made when first asked for */
    static WebSocketConnection answering(HttpHeaders request, DriverOptions driverOptions, UnaryOperator<WireOutput> wire,
                                         ConnectionOptions options, WebSocketListener listener, Map<String, Object> attributes) {
        ServerHandshake answer = ServerHandshake.answer(HandshakeRequest.of("GET", "/chat", request, false), driverOptions);
        assertTrue(answer.accepted(), answer.failure());
        // Any side's handshake view will do: the connection only carries it.
        return new WebSocketConnection((events, out) -> answer.newDriver(events, wire.apply(out)), options, listener,
                ClientHandshakeInfo.of(URI.create("ws://server.example.com/chat"), request,
                        new HttpResponseHead(101, "Switching Protocols", answer.headers()), new InetSocketAddress("127.0.0.1", 1)),
                attributes, null);
    }
}
