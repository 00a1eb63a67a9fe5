package dev.tether.bench.server;

import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The containers' own stacks in the streaming benchmark: JSR-356's partial messages, the way their
 * users echo a message of any size without holding it ({@code MessageHandler.Partial} through
 * {@code @OnMessage} with {@code boolean last}): each part is sent back as it comes with the basic
 * remote's {@code sendBinary(part, last)} ({@code sendText(part, last)} for text), which blocks
 * until it is written, so the container reads the next part only then (its backpressure). The
 * message buffers are 64 KiB, the size of the parts Tomcat hands over (8 KiB by default; Jetty hands
 * over each frame as it comes).
 */
@ServerEndpoint("/echo")
public class JsrPartialEcho {
    /** The containers' message buffer for this endpoint: the part size on Tomcat. */
    static final int BUFFER = 64 * 1024;

    public JsrPartialEcho() {
    }

    @OnOpen
    public void open(Session session) {
        session.setMaxBinaryMessageBufferSize(BUFFER);
        session.setMaxTextMessageBufferSize(BUFFER);
        session.setMaxIdleTimeout(0);
    }

    /** A client that goes away is no news (see {@link JsrEcho#error}). */
    @OnError
    public void error(Throwable error) {
        if (!(error instanceof IOException)) {
            error.printStackTrace();
        }
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last, Session session) throws IOException {
        session.getBasicRemote().sendBinary(part, last);
    }

    @OnMessage
    public void text(String part, boolean last, Session session) throws IOException {
        session.getBasicRemote().sendText(part, last);
    }
}
