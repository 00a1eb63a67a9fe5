package dev.tether.bench.server;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.WebSocketServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.ByteBuffer;

/** Tether's side of the benchmark: the same echo as war-example's, with keepalive off like the others. */
public class TetherEcho extends WebSocketServlet {
    private static final long serialVersionUID = 1L;

    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .pingInterval(java.time.Duration.ZERO)
            .outboundLimit(64L << 20)
            .build();

    private static final WebSocketListener ECHO = new WebSocketListener() {
        @Override
        public void onText(WebSocket socket, String text) {
            socket.send(text);
        }

        @Override
        public void onBinary(WebSocket socket, ByteBuffer data) {
            socket.send(data);
        }

        @Override
        public boolean acceptsLentBuffers() {
            return true; // the echo sends the buffer back during the call: no copy of large messages
        }
    };

    public TetherEcho() {
    }

    @Override
    protected WebSocketOptions options() {
        return OPTIONS;
    }

    @Override
    protected WebSocketListener newListener(HttpServletRequest request) {
        return ECHO;
    }
}
