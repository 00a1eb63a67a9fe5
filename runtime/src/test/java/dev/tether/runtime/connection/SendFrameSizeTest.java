package dev.tether.runtime.connection;

import dev.tether.api.ConnectionClosedException;
import dev.tether.api.OutboundOverflowException;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.message.BufferPool;
import dev.tether.protocol.Role;
import dev.tether.runtime.ConnectionOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message larger than {@code sendFrameSize} on a connection: the driver writes it as several
 * frames, each its own write, so pings and pongs go out between them; the send is one send all the
 * same: it completes with its last frame, fails if any write fails, holds a lent buffer until then,
 * and counts once against the outbound limit.
 */
class SendFrameSizeTest {
    /** Frames of 4 KiB: larger than the queue's small frames, so each is a write of its own. */
    private static final int FRAME = 4096;
    /** A message of two full frames and 1808 bytes: three frames. */
    private static final int MESSAGE = 2 * FRAME + 1808;

    private final FakeTransport transport = new FakeTransport();

    /** A started server connection sending frames of at most {@link #FRAME} bytes; completions run at once. */
    private WebSocketConnection connection(ConnectionOptions.Builder options) {
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request(),
                DriverOptions.builder(Role.SERVER).sendFrameSize(FRAME).build(), out -> out,
                options.executor(Runnable::run).build(), new WebSocketListener() { });
        socket.start(transport);
        return socket;
    }

    private WebSocketConnection connection() {
        return connection(ConnectionOptions.builder());
    }

    private static boolean done(CompletionStage<Void> stage) {
        return stage.toCompletableFuture().isDone();
    }

    private static Throwable failure(CompletionStage<Void> stage) {
        assertTrue(stage.toCompletableFuture().isCompletedExceptionally(), "the send has failed");
        return assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get()).getCause();
    }

    /** The first {@code n} bytes of what was written since the last call, in hex; the rest is forgotten. */
    private String takeHead(int n) {
        return HexFormat.ofDelimiter(" ").formatHex(Arrays.copyOf(transport.take(), n));
    }

    @Test
    @DisplayName("the frames go one write each, and the send completes when the last of them is written")
    void completesWithItsLastFrame() {
        WebSocketConnection socket = connection();
        CompletionStage<Void> sent = socket.send(new byte[MESSAGE]);
        assertEquals(MESSAGE + 3 * 4, socket.bufferedAmount(), "the message and three 4-byte headers");

        assertEquals("02 7e 10 00", takeHead(4), "BINARY without FIN, 4096 bytes");
        transport.completeWrite();
        assertFalse(done(sent), "one frame of three written");
        assertEquals("00 7e 10 00", takeHead(4), "CONTINUATION, 4096 bytes");
        transport.completeWrite();
        assertFalse(done(sent), "two frames of three written");
        assertEquals("80 7e 07 10", takeHead(4), "CONTINUATION with FIN, the 1808 bytes left");
        transport.completeWrite();
        assertTrue(done(sent));
        assertFalse(sent.toCompletableFuture().isCompletedExceptionally());
        assertEquals(0, socket.bufferedAmount());
        assertFalse(transport.writing());
    }

    @Test
    @DisplayName("a ping sent and a pong owed during the message go out after the frame being written, before the rest")
    void controlFramesGoBetweenTheFrames() {
        WebSocketConnection socket = connection();
        CompletionStage<Void> sent = socket.send(new byte[MESSAGE]);
        socket.ping(ByteBuffer.wrap(new byte[] {1}));
        assertEquals("02 7e 10 00", takeHead(4));
        transport.completeWrite();
        assertEquals("89 01 01", takeHead(3), "our ping, ahead of the message's second frame");
        transport.inbound.onInput(ByteBuffer.wrap(new byte[] {(byte) 0x89, (byte) 0x81, 0, 0, 0, 0, 7})); // the peer's ping
        transport.completeWrite();
        assertEquals("8a 01 07", takeHead(3), "the pong answering the peer's ping, ahead of it too");
        transport.completeWrite();
        assertEquals("00 7e 10 00", takeHead(4));
        transport.completeWrite();
        assertEquals("80 7e 07 10", takeHead(4));
        assertFalse(done(sent));
        transport.completeWrite();
        assertTrue(done(sent));
    }

    @Test
    @DisplayName("a write that fails after the first frame fails the send")
    void failsWhenAFrameFails() {
        WebSocketConnection socket = connection();
        CompletionStage<Void> sent = socket.send(new byte[MESSAGE]);
        transport.completeWrite();
        transport.failWrite(new IOException("connection reset"));
        assertInstanceOf(ConnectionClosedException.class, failure(sent));
    }

    @Test
    @DisplayName("a lent buffer sent in several frames goes back to its pool only once the last is written, or a write fails")
    void lentBufferHeldUntilTheLastFrame() {
        BufferPool pool = new BufferPool(false, BufferPool.SMALLEST, 4L * BufferPool.SMALLEST);
        ByteBuffer lent = pool.take(BufferPool.SMALLEST);
        WebSocketConnection socket = connection();
        LentBuffer.lend(lent, pool, () -> socket.send(lent.slice(0, MESSAGE)));
        transport.completeWrite();
        transport.completeWrite();
        assertEquals(1, pool.lentCount(), "the last frame still points into the lent buffer");
        transport.completeWrite();
        assertEquals(0, pool.lentCount(), "back once the last frame is written");

        ByteBuffer lentAgain = pool.take(BufferPool.SMALLEST);
        LentBuffer.lend(lentAgain, pool, () -> socket.send(lentAgain.slice(0, MESSAGE)));
        transport.completeWrite();
        assertEquals(1, pool.lentCount());
        transport.failWrite(new IOException("connection reset"));
        assertEquals(0, pool.lentCount(), "back when the connection fails: not leaked");
    }

    @Test
    @DisplayName("the message counts once against the outbound limit, as a message in one frame does")
    void countsOnceAgainstTheOutboundLimit() {
        WebSocketConnection socket = connection(ConnectionOptions.builder().outboundLimit(FRAME).highWaterMark(FRAME));
        CompletionStage<Void> large = socket.send(new byte[MESSAGE]);
        assertFalse(done(large), "larger than the limit, but a message always fits an empty queue");
        CompletionStage<Void> next = socket.send(new byte[1]);
        assertInstanceOf(OutboundOverflowException.class, failure(next), "the queue holds more than the limit");
        transport.completeWrite();
        transport.completeWrite();
        transport.completeWrite();
        assertTrue(done(large));
        assertFalse(large.toCompletableFuture().isCompletedExceptionally());
        assertFalse(done(socket.send(new byte[1])), "an empty queue takes sends again");
    }
}
