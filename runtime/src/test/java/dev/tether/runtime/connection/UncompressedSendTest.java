package dev.tether.runtime.connection;

import dev.tether.api.SendOption;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.protocol.Role;
import dev.tether.runtime.ConnectionOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link SendOption#NO_COMPRESSION} on a connection that compresses every message it can. */
class UncompressedSendTest {

    @Test
    @DisplayName("sends made before the connection opens keep their option, and go as they are once it does")
    void queuedBeforeOpen() {
        ConnectionOptions options = ConnectionOptions.builder().executor(Runnable::run).build();
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request("permessage-deflate"),
                DriverOptions.builder(Role.SERVER).extension(PerMessageDeflate.builder().threshold(0).build()).build(),
                out -> out, options, new WebSocketListener() { });
        socket.send(new byte[] {1, 2}, SendOption.NO_COMPRESSION);
        socket.send("hi", SendOption.NO_COMPRESSION);
        socket.send(ByteBuffer.wrap(new byte[] {9, 1, 2, 3}).position(1), SendOption.NO_COMPRESSION);
        assertThrows(NullPointerException.class, () -> socket.send("hi", (SendOption) null));
        FakeTransport transport = new FakeTransport();
        transport.writesAtOnce = true;
        socket.start(transport);
        assertEquals("82 02 01 02 81 02 68 69 82 03 01 02 03", HexFormat.ofDelimiter(" ").formatHex(transport.take()));
    }
}
