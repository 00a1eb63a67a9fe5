package dev.tether.bench.server;

import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The containers' own stacks in the benchmark: a plain JSR-356 echo, the way their users write one
 * (the return value is sent back). Message limits raised to carry the 1 MiB scenario.
 */
@ServerEndpoint("/echo")
public class JsrEcho {
    public JsrEcho() {
    }

    /** Idle-connection runs keep the containers' default buffers: Tomcat allocates them per session. */
    static final boolean LARGE_MESSAGES = !Boolean.getBoolean("bench.idle");
    /**
     * With {@code bench.idle}, a text buffer just large enough for the messages of a run that sends
     * some ({@code -Dbench.textBuffer=<bytes>}; 0, the default, keeps the container's): Tomcat refuses a
     * text message larger than its buffer (8 KiB by default) with 1009.
     */
    static final int TEXT_BUFFER = Integer.getInteger("bench.textBuffer", 0);

    @OnOpen
    public void open(Session session) {
        if (LARGE_MESSAGES) {
            session.setMaxTextMessageBufferSize(2 << 20);
            session.setMaxBinaryMessageBufferSize(2 << 20);
        } else if (TEXT_BUFFER > 0) {
            session.setMaxTextMessageBufferSize(TEXT_BUFFER);
        }
        session.setMaxIdleTimeout(0);
    }

    /**
     * A client that goes away is no news: without this both containers log a stack trace for every
     * connection closed with a reset (10,000 per S3 round), and the benchmark would time their logging.
     * Anything else still reaches the server's log.
     */
    @OnError
    public void error(Throwable error) {
        if (!(error instanceof IOException)) {
            error.printStackTrace();
        }
    }

    @OnMessage
    public String text(String message) {
        return message;
    }

    @OnMessage
    public ByteBuffer binary(ByteBuffer message) {
        return message;
    }
}
