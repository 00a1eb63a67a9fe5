package dev.tether.client.peers;

import dev.tether.api.SendOption;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.WebSocketServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tether's own server as a peer for the client: echoes text and binary, and obeys the same
 * {@code !commands} as the node peers' {@code peer-server.js} (close, ping, terminate, headers,
 * version, extensions, fragments), so one suite runs against every server; and its own:
 * {@code !received} answers the bytes received so far, {@code !zeros N [uncompressed]} sends N zero
 * bytes (with {@link SendOption#NO_COMPRESSION}).
 */
public final class TetherEchoServlet extends WebSocketServlet {
    private static final long serialVersionUID = 1L;

    private final transient WebSocketOptions options;

    public TetherEchoServlet(String... protocols) {
        this(WebSocketOptions.builder().protocols(protocols).build());
    }

    /** With the given options (extensions, limits …). */
    public TetherEchoServlet(WebSocketOptions options) {
        this.options = options;
    }

    @Override
    protected WebSocketOptions options() {
        return options;
    }

    @Override
    protected WebSocketListener newListener(HttpServletRequest request) {
        Map<String, String> headers = new TreeMap<>();
        for (String name : java.util.Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        return new WebSocketListener() {
            @Override
            public void onText(WebSocket socket, String text) {
                if (!text.startsWith("!")) {
                    socket.send(text);
                    return;
                }
                String[] words = text.substring(1).split(" ", 3);
                switch (words[0]) {
                    case "close" -> socket.close(Integer.parseInt(words[1]), words.length > 2 ? words[2] : "");
                    case "ping" -> socket.ping(ByteBuffer.wrap((words.length > 1 ? words[1] : "").getBytes(StandardCharsets.UTF_8)));
                    case "terminate" -> socket.terminate();
                    case "headers" -> socket.send(json(headers));
                    case "version" -> socket.send(String.valueOf(socket.handshake().header("Sec-WebSocket-Version")));
                    case "extensions" -> socket.send(socket.extensions().isEmpty() ? "none" : String.join(", ", socket.extensions()));
                    case "received" -> socket.send(String.valueOf(socket.bytesReceived()));
                    case "zeros" -> sendZeros(socket, Integer.parseInt(words[1]), words.length > 2 && words[2].equals("uncompressed"));
                    case "fragments" -> sendFragments(socket, Integer.parseInt(words[1]), words.length > 2 ? words[2] : "");
                    default -> socket.send("unknown command " + words[0]);
                }
            }

            @Override
            public void onBinary(WebSocket socket, ByteBuffer data) {
                socket.send(ByteBuffer.allocate(data.remaining()).put(data).flip());
            }

            @Override
            public void onPong(WebSocket socket, ByteBuffer payload) {
                socket.send("pong-seen " + StandardCharsets.UTF_8.decode(payload));
            }
        };
    }

    private static void sendZeros(WebSocket socket, int count, boolean uncompressed) {
        if (uncompressed) {
            socket.send(new byte[count], SendOption.NO_COMPRESSION);
        } else {
            socket.send(new byte[count]);
        }
    }

    private static void sendFragments(WebSocket socket, int count, String text) {
        int size = (text.length() + count - 1) / count;
        for (int i = 0; i < count; i++) {
            int from = Math.min(text.length(), i * size);
            socket.sendPart(text.substring(from, Math.min(text.length(), from + size)), i == count - 1);
        }
    }

    private static String json(Map<String, String> headers) {
        StringBuilder out = new StringBuilder("{");
        headers.forEach((name, value) -> out.append(out.length() > 1 ? "," : "").append('"').append(name).append("\":\"")
                .append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        return out.append('}').toString();
    }
}
