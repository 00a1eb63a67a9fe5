package dev.tether.bench.server;

import dev.tether.api.MessagePipe;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.WebSocketServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Duration;

/**
 * Tether's side of the streaming benchmark: the example application's {@code /echo}
 * ({@code war-example}'s {@code EchoServlet}) as it forwards messages, {@link MessagePipe#echo()}
 * with no message limit and the same outbound limit, less what a streamed binary echo does not use
 * (permessage-deflate, the subprotocol hook), and with keepalive off like the other servers.
 */
public class TetherPipeEcho extends WebSocketServlet {
    private static final long serialVersionUID = 1L;

    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT)
            .outboundLimit(128L << 20)
            .pingInterval(Duration.ZERO)
            .build();

    public TetherPipeEcho() {
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
