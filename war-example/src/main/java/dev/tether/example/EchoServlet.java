package dev.tether.example;

import dev.tether.api.MessagePipe;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.WebSocketServlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Echoes every message exactly, text as text and binary as binary: the endpoint conformance suites
 * (Autobahn|Testsuite) are pointed at. Messages are echoed part by part as their frames arrive
 * ({@link MessagePipe}), so a message of any size passes in the memory of a few parts; frames are
 * held to 64 MiB. The hixie handshake of old clients is accepted; so is the first subprotocol a
 * client offers, and permessage-deflate.
 */
public class EchoServlet extends WebSocketServlet {
    private static final long serialVersionUID = 1L;

    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT) // parts are forwarded as they come: any size
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
        return MessagePipe.echo();
    }
}
