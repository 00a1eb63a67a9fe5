package dev.tether.example;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.WebSocketServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.ByteBuffer;

/**
 * Echoes every message exactly, text as text and binary as binary: the endpoint conformance suites
 * (Autobahn|Testsuite) are pointed at. Messages up to 64 MiB are accepted, and so is the hixie
 * handshake of old clients; the first subprotocol a client offers is accepted, and so is
 * permessage-deflate.
 */
public class EchoServlet extends WebSocketServlet {
    private static final long serialVersionUID = 1L;

    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .outboundLimit(128L << 20) // an echo holds at most what the peer sent while it was not reading
            // Offered to clients that ask (browsers do; conformance suites test it): with the defaults,
            // context takeover both ways, the suites' parameters are all answered.
            .extension(PerMessageDeflate.defaults())
            // Echo speaks whatever the client asks for: some clients (node's ws, WebSocket-Node) refuse
            // a server that answers their offer with no subprotocol.
            .handshakeHook(handshake -> {
                if (!handshake.offeredProtocols().isEmpty()) {
                    handshake.selectProtocol(handshake.offeredProtocols().get(0));
                }
            })
            .build();

    public EchoServlet() {
    }

    @Override
    protected WebSocketOptions options() {
        return OPTIONS;
    }

    @Override
    protected WebSocketListener newListener(HttpServletRequest request) {
        return new WebSocketListener() {
            @Override
            public void onText(WebSocket socket, String text) {
                socket.send(text);
            }

            @Override
            public void onBinary(WebSocket socket, ByteBuffer data) {
                socket.send(data);
            }
        };
    }
}
