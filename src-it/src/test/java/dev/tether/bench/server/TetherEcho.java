package dev.tether.bench.server;

import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.WebSocketServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tether's side of the benchmark: the same echo as war-example's, with keepalive off like the others,
 * and permessage-deflate when given one. Counts its open connections, so that a benchmark can wait
 * until every connection it dropped is closed on the server too.
 */
public class TetherEcho extends WebSocketServlet {
    private static final long serialVersionUID = 1L;

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition NONE_OPEN = LOCK.newCondition();
    private static int open;

    private static final WebSocketListener ECHO = new WebSocketListener() {
        @Override
        public void onOpen(WebSocket socket) {
            LOCK.lock();
            try {
                open++;
            } finally {
                LOCK.unlock();
            }
        }

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

        @Override
        public void onClose(WebSocket socket, CloseStatus status) {
            LOCK.lock();
            try {
                if (--open == 0) {
                    NONE_OPEN.signalAll();
                }
            } finally {
                LOCK.unlock();
            }
        }
    };

    private final transient WebSocketOptions options;

    public TetherEcho() {
        this(null);
    }

    /** An echo that agrees to permessage-deflate with {@code deflate}'s options (none when null). */
    public TetherEcho(PerMessageDeflate deflate) {
        WebSocketOptions.Builder builder = WebSocketOptions.builder()
                .pingInterval(java.time.Duration.ZERO)
                .outboundLimit(64L << 20);
        Integer sendFrameSize = Integer.getInteger("bench.sendFrameSize"); // BENCH_SERVER_FLAGS=-Dbench.sendFrameSize=0 …
        if (sendFrameSize != null) {
            builder.sendFrameSize(sendFrameSize);
        }
        Integer readTurnBytes = Integer.getInteger("bench.readTurnBytes"); // BENCH_SERVER_FLAGS=-Dbench.readTurnBytes=16384 …
        if (readTurnBytes != null) {
            builder.readTurnBytes(readTurnBytes);
        }
        Integer readBufferSize = Integer.getInteger("bench.readBufferSize"); // BENCH_SERVER_FLAGS=-Dbench.readBufferSize=262144 …
        if (readBufferSize != null) {
            builder.readBufferSize(readBufferSize);
        }
        if (deflate != null) {
            builder.extension(deflate);
        }
        this.options = builder.build();
    }

    /** Waits until no echo connection is open, {@code seconds} at most; returns how many still are. */
    static int awaitNoneOpen(double seconds) throws InterruptedException {
        long left = (long) (seconds * 1e9);
        LOCK.lock();
        try {
            while (open > 0 && left > 0) {
                left = NONE_OPEN.awaitNanos(left);
            }
            return open;
        } finally {
            LOCK.unlock();
        }
    }

    @Override
    protected WebSocketOptions options() {
        return options;
    }

    @Override
    protected WebSocketListener newListener(HttpServletRequest request) {
        return ECHO;
    }
}
