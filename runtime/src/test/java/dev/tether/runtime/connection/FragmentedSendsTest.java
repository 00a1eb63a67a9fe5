package dev.tether.runtime.connection;

import dev.tether.api.CloseStatus;
import dev.tether.api.ConnectionClosedException;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.WireOutput;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.message.BufferPool;
import dev.tether.protocol.Role;
import dev.tether.runtime.ConnectionOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A send's completion when the frames on the wire are not the sends made: an extension that works on
 * fragments may hold a part back or split it into several frames, and the driver may write a control
 * frame while it sends. A send completes when the last frame carrying its bytes has been written.
 */
class FragmentedSendsTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final WebSocketListener recorder = new WebSocketListener() {
        @Override
        public void onText(WebSocket socket, String text) {
            events.add("text:" + text);
        }

        @Override
        public void onBinary(WebSocket socket, ByteBuffer data) {
            events.add("binary:" + StandardCharsets.ISO_8859_1.decode(data));
        }

        @Override
        public void onClose(WebSocket socket, CloseStatus status) {
            events.add("close:" + status.code());
        }
    };
    /** Completions run here, at once: the tests see every one as it happens. */
    private final ConnectionOptions options = ConnectionOptions.builder().executor(Runnable::run).build();
    private final FakeTransport transport = new FakeTransport();

    /** A started server connection whose driver comes from {@code driverOptions}, its output through {@code wire}. */
    private WebSocketConnection connection(DriverOptions driverOptions, boolean offerExtension,
                                           UnaryOperator<WireOutput> wire) {
        HttpHeaders request = offerExtension ? ServerConnections.request(FragmentingExtension.NAME) : ServerConnections.request();
        WebSocketConnection socket = ServerConnections.answering(request, driverOptions, wire, options, recorder);
        socket.start(transport);
        return socket;
    }

    private WebSocketConnection withExtension(FragmentingExtension.Mode mode) {
        WebSocketConnection socket = connection(DriverOptions.builder(Role.SERVER)
                .extension(new FragmentingExtension(mode)).build(), true, out -> out);
        assertEquals(List.of(FragmentingExtension.NAME), socket.extensions());
        return socket;
    }

    private static boolean done(CompletionStage<Void> stage) {
        return stage.toCompletableFuture().isDone();
    }

    /** The failure of a stage that must have failed by now (never waits). */
    private static Throwable failure(CompletionStage<Void> stage) {
        assertTrue(stage.toCompletableFuture().isCompletedExceptionally(), "the send has failed");
        ExecutionException e = assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get());
        return e.getCause();
    }

    @Test
    @DisplayName("a part the extension holds back completes with the frame that finally carries it")
    void heldPartCompletesWithTheFrameThatCarriesIt() {
        WebSocketConnection socket = withExtension(FragmentingExtension.Mode.HOLD_TO_THE_END);
        CompletionStage<Void> a = socket.sendPart("a", false);
        assertFalse(transport.writing(), "the extension holds the part: nothing to write");
        assertFalse(done(a));

        CompletionStage<Void> b = socket.sendPart("b", true);
        assertTrue(transport.writing());
        assertFalse(done(a), "written, not yet taken by the socket");
        assertFalse(done(b));
        transport.completeWrite();
        assertTrue(done(a) && done(b), "the frame carrying both parts is written: both are done");
        assertFalse(a.toCompletableFuture().isCompletedExceptionally() || b.toCompletableFuture().isCompletedExceptionally());
        assertArrayEquals(new byte[]{(byte) 0xC1, 2, 'a', 'b'}, transport.take());
    }

    @Test
    @DisplayName("the same, with writes taken at once")
    void heldPartCompletesWhenWrittenAtOnce() {
        transport.writesAtOnce = true;
        WebSocketConnection socket = withExtension(FragmentingExtension.Mode.HOLD_TO_THE_END);
        CompletionStage<Void> a = socket.sendPart("a", false);
        CompletionStage<Void> b = socket.sendPart("b", true);
        assertTrue(done(a) && done(b));
        assertFalse(a.toCompletableFuture().isCompletedExceptionally() || b.toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    @DisplayName("a part split into several frames completes when the last of them is written")
    void splitPartCompletesWithItsLastFrame() {
        WebSocketConnection socket = withExtension(FragmentingExtension.Mode.SPLIT);
        CompletionStage<Void> sent = socket.sendPart(ByteBuffer.allocate(2 * FragmentingExtension.SPLIT), true);
        assertTrue(transport.writing());
        transport.completeWrite();
        assertTrue(transport.writing(), "the second frame is its own write");
        assertFalse(done(sent), "one frame of two written: the send is not done");
        transport.completeWrite();
        assertTrue(done(sent));
        assertFalse(sent.toCompletableFuture().isCompletedExceptionally());
        assertEquals(0, socket.bufferedAmount());
    }

    @Test
    @DisplayName("a lent buffer sent in several frames goes back to its pool only after the last is written")
    void lentBufferHeldUntilTheLastFrame() {
        BufferPool pool = new BufferPool(false, BufferPool.SMALLEST, 4L * BufferPool.SMALLEST);
        ByteBuffer lent = pool.take(BufferPool.SMALLEST);
        WebSocketConnection socket = withExtension(FragmentingExtension.Mode.SPLIT);
        LentBuffer.lend(lent, pool, () -> socket.sendPart(lent.slice(0, 2 * FragmentingExtension.SPLIT), true));
        assertEquals(1, pool.lentCount(), "held while sent");
        transport.completeWrite();
        assertEquals(1, pool.lentCount(), "the second frame still points into the lent buffer");
        transport.completeWrite();
        assertEquals(0, pool.lentCount(), "back once the last frame is written");
    }

    @Test
    @DisplayName("a lent buffer the extension holds back is not freed before the frame carrying it is written")
    void lentBufferHeldBackByTheExtension() {
        BufferPool pool = new BufferPool(false, BufferPool.SMALLEST, 4L * BufferPool.SMALLEST);
        ByteBuffer lent = pool.take(BufferPool.SMALLEST);
        WebSocketConnection socket = withExtension(FragmentingExtension.Mode.HOLD_TO_THE_END);
        LentBuffer.lend(lent, pool, () -> socket.sendPart(lent.slice(0, 10), false));
        assertEquals(1, pool.lentCount());
        socket.sendPart(ByteBuffer.wrap(new byte[]{1, 2, 3}), true);
        assertEquals(1, pool.lentCount());
        transport.completeWrite();
        assertEquals(0, pool.lentCount(), "it came back: not leaked");
    }

    @Test
    @DisplayName("a send the extension fails halfway fails, but only once the frame made of it is written")
    void failedSendFailsAfterItsFrames() {
        BufferPool pool = new BufferPool(false, BufferPool.SMALLEST, 4L * BufferPool.SMALLEST);
        ByteBuffer lent = pool.take(BufferPool.SMALLEST);
        WebSocketConnection socket = withExtension(FragmentingExtension.Mode.SPLIT_THEN_FAIL);
        List<CompletionStage<Void>> sent = new CopyOnWriteArrayList<>();
        LentBuffer.lend(lent, pool, () -> sent.add(socket.sendPart(lent.slice(0, 2 * FragmentingExtension.SPLIT), true)));
        assertTrue(transport.writing(), "the piece passed on before the failure is written");
        assertFalse(done(sent.get(0)), "the frame still points into the lent buffer");
        assertEquals(1, pool.lentCount());
        transport.completeWrite();
        assertEquals("the extension broke down", failure(sent.get(0)).getMessage());
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("held parts are failed when the connection fails before they are written")
    void owedCompletionsFailWithTheConnection() {
        WebSocketConnection socket = withExtension(FragmentingExtension.Mode.HOLD_TO_THE_END);
        CompletionStage<Void> a = socket.sendPart("a", false);
        CompletionStage<Void> b = socket.sendPart("b", false);
        transport.inbound.onFailure(new IOException("connection reset"));
        assertInstanceOf(ConnectionClosedException.class, failure(a));
        assertInstanceOf(ConnectionClosedException.class, failure(b));
        assertEquals(List.of("abort"), transport.calls.subList(1, transport.calls.size()));
    }

    @Test
    @DisplayName("held parts are failed when the connection closes before they are written")
    void owedCompletionsFailWhenTheConnectionCloses() {
        transport.writesAtOnce = true;
        WebSocketConnection socket = withExtension(FragmentingExtension.Mode.HOLD_TO_THE_END);
        CompletionStage<Void> a = socket.sendPart("a", false);
        socket.close(1000, "");
        assertFalse(done(a), "closing: the peer has not answered");
        transport.inbound.onInput(ByteBuffer.wrap(new byte[]{(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8}));
        assertInstanceOf(ConnectionClosedException.class, failure(a));
        assertEquals(List.of("close:1000"), events);
    }

    @Test
    @DisplayName("a control frame the driver writes during a send does not take the send's completion")
    void controlFrameDuringASendTakesNoCompletion() {
        byte[] ping = {(byte) 0x89, 0};
        WebSocketConnection socket = connection(DriverOptions.defaults(Role.SERVER), false, out -> (kind, buffers) -> {
            if (kind == WireOutput.Kind.DATA) {
                out.write(WireOutput.Kind.CONTROL, ByteBuffer.wrap(ping));
            }
            out.write(kind, buffers);
        });
        CompletionStage<Void> sent = socket.send(ByteBuffer.allocate(FragmentingExtension.SPLIT));
        assertTrue(transport.writing());
        assertArrayEquals(ping, transport.take(), "the control frame goes first, in its own write");
        transport.completeWrite();
        assertFalse(done(sent), "the ping is written, the message is not");
        transport.completeWrite();
        assertTrue(done(sent));
    }

    @Test
    @DisplayName("a whole message waiting behind a held fragmented message completes with its own frame")
    void wholeMessageBehindHeldParts() {
        WebSocketConnection socket = withExtension(FragmentingExtension.Mode.HOLD_TO_THE_END);
        CompletionStage<Void> a = socket.sendPart("a", false);
        CompletionStage<Void> whole = socket.send("w");
        CompletionStage<Void> b = socket.sendPart("b", true);
        transport.completeWrite(); // both frames are small: one write
        assertTrue(done(a) && done(b) && done(whole));
        assertArrayEquals(new byte[]{(byte) 0xC1, 2, 'a', 'b', (byte) 0xC1, 1, 'w'}, transport.take());
    }

    @Test
    @DisplayName("a driver built to deliver fragments still gives the listener whole messages")
    void fragmentsDeliveredAsWholeMessages() {
        connection(DriverOptions.builder(Role.SERVER).deliverFragments(true).build(), false, out -> out);
        transport.inbound.onInput(ByteBuffer.wrap(new byte[]{
                0x01, (byte) 0x82, 0, 0, 0, 0, 'h', 'e',
                (byte) 0x80, (byte) 0x83, 0, 0, 0, 0, 'l', 'l', 'o',
                (byte) 0x82, (byte) 0x82, 0, 0, 0, 0, 'x', 'y',
                (byte) 0x81, (byte) 0x80, 0, 0, 0, 0}));
        assertEquals(List.of("text:hello", "binary:xy", "text:"), events);
    }
}
