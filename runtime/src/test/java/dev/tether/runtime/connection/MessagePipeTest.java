package dev.tether.runtime.connection;

import dev.tether.api.MessagePipe;
import dev.tether.api.ReadyState;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.protocol.Role;
import dev.tether.runtime.ConnectionOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MessagePipe} (in the core's API) over the runtime's connections driven by hand: messages
 * forwarded part by part, the source held back while the target is backed up, and ends passed on.
 */
class MessagePipeTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static WebSocketConnection started(WebSocketListener listener, ConnectionOptions options, FakeTransport transport) {
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER),
                out -> out, options, listener);
        socket.start(transport);
        return socket;
    }

    /** A masked client frame (zero mask) of fewer than 126 bytes. */
    private static ByteBuffer frame(int firstByte, String hex) {
        byte[] payload = HEX.parseHex(hex);
        return ByteBuffer.allocate(6 + payload.length).put((byte) firstByte).put((byte) (0x80 | payload.length)).putInt(0)
                .put(payload).flip();
    }

    @Test
    @DisplayName("echo: a message in three frames goes back in three parts, a message in one frame as one frame, text and binary")
    void echoesPartByPart() {
        FakeTransport transport = new FakeTransport();
        transport.writesAtOnce = true;
        started(MessagePipe.echo(), ConnectionOptions.builder().executor(Runnable::run).build(), transport);
        transport.inbound.onInput(frame(0x02, "01 02")); // binary, more to come
        transport.inbound.onInput(frame(0x00, "03"));
        transport.inbound.onInput(frame(0x80, "04"));
        transport.inbound.onInput(frame(0x81, "68 69")); // "hi" in one frame
        assertEquals("02 02 01 02 00 01 03 80 01 04 81 02 68 69", HEX.formatHex(transport.take()));
    }

    @Test
    @DisplayName("backpressure: past the target's high-water mark the source stops reading until the part that passed it is written")
    void holdsTheSourceBackWhileTheTargetIsBackedUp() {
        FakeTransport targetTransport = new FakeTransport(); // writes complete when the test says so
        WebSocketConnection target = started(new WebSocketListener() { },
                ConnectionOptions.builder().executor(Runnable::run).highWaterMark(4).outboundLimit(1 << 20).build(), targetTransport);
        FakeTransport sourceTransport = new FakeTransport();
        sourceTransport.writesAtOnce = true;
        started(MessagePipe.to(target), ConnectionOptions.builder().executor(Runnable::run).build(), sourceTransport);

        sourceTransport.inbound.onInput(frame(0x02, "01 02"));
        assertTrue(sourceTransport.inbound.wantsInput(), "4 bytes queued at the target: at its mark, not past it");
        sourceTransport.inbound.onInput(frame(0x80, "03 04 05 06"));
        assertFalse(target.isWritable());
        assertFalse(sourceTransport.inbound.wantsInput(), "the source is paused");
        while (targetTransport.writing()) {
            targetTransport.completeWrite();
        }
        assertEquals(1, sourceTransport.demands, "the source is asked for input again");
        assertTrue(sourceTransport.inbound.wantsInput());
        assertEquals("02 02 01 02 80 04 03 04 05 06", HEX.formatHex(targetTransport.take()));
    }

    @Test
    @DisplayName("to another connection: messages go there, and when the source closes the target is closed with its code")
    void forwardsToAnotherConnectionAndPassesTheCloseOn() {
        FakeTransport targetTransport = new FakeTransport();
        targetTransport.writesAtOnce = true;
        ConnectionOptions options = ConnectionOptions.builder().executor(Runnable::run).build();
        WebSocketConnection target = started(new WebSocketListener() { }, options, targetTransport);
        FakeTransport sourceTransport = new FakeTransport();
        sourceTransport.writesAtOnce = true;
        started(MessagePipe.to(target), options, sourceTransport);

        sourceTransport.inbound.onInput(frame(0x81, "6f 6b"));
        assertEquals("81 02 6f 6b", HEX.formatHex(targetTransport.take()));
        sourceTransport.inbound.onInput(frame(0x88, "0f a0")); // the source's peer closes with 4000
        assertEquals("88 02 0f a0", HEX.formatHex(targetTransport.take()));
        assertEquals(ReadyState.CLOSING, target.readyState());
        assertEquals("88 02 0f a0", HEX.formatHex(sourceTransport.take()), "the source's close is answered as ever");
    }
}
