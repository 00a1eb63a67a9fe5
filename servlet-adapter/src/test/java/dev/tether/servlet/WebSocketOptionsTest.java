package dev.tether.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The adapter's options: the defaults the README documents, and the bounds they are checked against. */
class WebSocketOptionsTest {

    @Test
    @DisplayName("reads happen 64 KiB at a time, and a connection reads 256 KiB in one turn on a container thread, by default")
    void readDefaults() {
        WebSocketOptions options = WebSocketOptions.defaults();
        assertEquals(64 * 1024, options.connection().readBufferSize());
        assertEquals(256 * 1024, options.readTurnBytes());
    }

    @Test
    @DisplayName("a turn reads at least one byte: less is refused")
    void readTurnBytesBounds() {
        assertEquals(1, WebSocketOptions.builder().readTurnBytes(1).build().readTurnBytes());
        assertThrows(IllegalArgumentException.class, () -> WebSocketOptions.builder().readTurnBytes(0));
    }

    @Test
    @DisplayName("sends go in frames of at most 64 KiB by default; the size set reaches the driver, 0 turns splitting off")
    void sendFrameSize() {
        WebSocketOptions defaults = WebSocketOptions.defaults();
        assertEquals(64 * 1024, defaults.connection().sendFrameSize());
        assertEquals(64 * 1024, defaults.driverOptions().sendFrameSize());
        WebSocketOptions set = WebSocketOptions.builder().sendFrameSize(1000).protocols("chat").build();
        assertEquals(1000, set.connection().sendFrameSize());
        assertEquals(1000, set.driverOptions().withProtocols("chat").sendFrameSize(), "as the upgrade hands it to the driver");
        assertEquals(0, WebSocketOptions.builder().sendFrameSize(0).build().driverOptions().sendFrameSize());
        assertThrows(IllegalArgumentException.class, () -> WebSocketOptions.builder().sendFrameSize(-1));
    }

    @Test
    @DisplayName("the read buffer is 128 bytes to 1 MiB")
    void readBufferBounds() {
        assertEquals(128, WebSocketOptions.builder().readBufferSize(128).build().connection().readBufferSize());
        assertThrows(IllegalArgumentException.class, () -> WebSocketOptions.builder().readBufferSize(127));
        assertThrows(IllegalArgumentException.class, () -> WebSocketOptions.builder().readBufferSize((1 << 20) + 1));
    }
}
