package dev.tether.driver.hybi;

import dev.tether.driver.Hex;
import dev.tether.driver.Transcript;

import dev.tether.api.ReadyState;
import dev.tether.driver.DriverOptions;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.Extensions;
import dev.tether.message.MessageType;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a driver writes for each send: API calls in, bytes out. */
class HybiDriverSendTest {

    @Test
    @DisplayName("RFC 6455 §5.7: a server's text message is one unmasked frame")
    void serverText() {
        Transcript t = new Transcript();
        Drivers.server(t).text("Hello");
        assertEquals(List.of(">DATA 81 05 48 65 6c 6c 6f"), t.lines);
    }

    @Test
    @DisplayName("text given as UTF-8 bytes goes out as the same frame as the string")
    void textUtf8() {
        Transcript t = new Transcript();
        Drivers.server(t).textUtf8(ByteBuffer.wrap("Hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(">DATA 81 05 48 65 6c 6c 6f"), t.lines);
    }

    @Test
    @DisplayName("RFC 6455 §5.7: a client's text message is masked (key 37 fa 21 3d)")
    void clientText() {
        Transcript t = new Transcript();
        Drivers.client(t).text("Hello");
        assertEquals(List.of(">DATA 81 85 37 fa 21 3d 7f 9f 4d 51 58"), t.lines);
    }

    @Test
    @DisplayName("RFC 6455 §5.7: 256 and 65536-byte binary messages use the 16- and 64-bit length forms")
    void lengthForms() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t);
        driver.binary(ByteBuffer.allocate(256));
        driver.binary(ByteBuffer.allocate(65536));
        assertEquals("82 7e 01 00", Hex.hex(t.written.get(0)[0]));
        assertEquals("82 7f 00 00 00 00 00 01 00 00", Hex.hex(t.written.get(1)[0]));
    }

    @Test
    @DisplayName("a server payload is written after its header without being copied")
    void serverPayloadNotCopied() {
        Transcript t = new Transcript();
        byte[] data = new byte[4096];
        Drivers.server(t).binary(ByteBuffer.wrap(data));
        ByteBuffer[] frame = t.written.get(0);
        assertEquals(2, frame.length, "header and payload are gathered");
        assertSame(data, frame[1].array(), "the payload is the caller's own array");
    }

    @Test
    @DisplayName("a client masks into a new buffer and leaves the caller's payload as it was")
    void clientLeavesPayloadAlone() {
        Transcript t = new Transcript();
        byte[] data = "unchanged".getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(data);
        Drivers.client(t).binary(buffer);
        assertArrayEquals("unchanged".getBytes(StandardCharsets.UTF_8), data);
        assertEquals(0, buffer.position());
    }

    @Test
    @DisplayName("a message sent in fragments: first opcode, continuations, FIN on the last; pings may go between")
    void fragments() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t);
        driver.fragment(MessageType.TEXT, ByteBuffer.wrap("Hel".getBytes(StandardCharsets.UTF_8)), false);
        driver.ping(ByteBuffer.wrap(new byte[]{1}));
        assertThrows(IllegalStateException.class, () -> driver.text("interleaved"));
        assertThrows(IllegalStateException.class, () -> driver.fragment(MessageType.BINARY, ByteBuffer.allocate(1), true));
        driver.fragment(MessageType.TEXT, ByteBuffer.wrap("lo".getBytes(StandardCharsets.UTF_8)), true);
        driver.text("next");
        assertEquals(List.of(">DATA 01 03 48 65 6c", ">CONTROL 89 01 01", ">DATA 80 02 6c 6f", ">DATA 81 04 6e 65 78 74"), t.lines);
    }

    @Test
    @DisplayName("pings and pongs carry at most 125 bytes")
    void controlPayloadLimit() {
        HybiDriver driver = Drivers.server(new Transcript());
        assertThrows(IllegalArgumentException.class, () -> driver.ping(ByteBuffer.allocate(126)));
        assertThrows(IllegalArgumentException.class, () -> driver.pong(ByteBuffer.allocate(126)));
        assertTrue(driver.ping(ByteBuffer.allocate(125)));
    }

    @Test
    @DisplayName("sends made before start() are refused and not kept; the owner sends them from onOpen, in order")
    void sendsBeforeOpenAreTheOwners() {
        Transcript t = new Transcript();
        HybiDriver driver = new HybiDriver(Role.SERVER, 13, 1000,
                new Extensions(List.of(), new ExtensionContext(Role.SERVER, 1000)), null, () -> 0, t, t);
        assertEquals(ReadyState.CONNECTING, driver.readyState());
        assertFalse(driver.text("a"));
        assertFalse(driver.ping(ByteBuffer.allocate(0)));
        assertFalse(driver.binary(ByteBuffer.wrap(new byte[]{2})));
        assertFalse(driver.close(1000, ""));
        assertEquals(List.of(), t.lines);
        assertEquals(ReadyState.CONNECTING, driver.readyState(), "the refused close changed nothing");
        t.atOpen = () -> { // the owner's queue, replayed
            assertTrue(driver.text("a"));
            assertTrue(driver.ping(ByteBuffer.allocate(0)));
            assertTrue(driver.binary(ByteBuffer.wrap(new byte[]{2})));
            assertTrue(driver.close(1000, ""));
        };
        driver.start();
        assertEquals(List.of("open", ">DATA 81 01 61", ">CONTROL 89 00", ">DATA 82 01 02", ">CLOSE 88 02 03 e8"), t.lines);
        assertEquals(ReadyState.CLOSING, driver.readyState());
    }

    @Test
    @DisplayName("round trip: what a client writes, a server reads back exactly, and the other way round")
    void roundTrip() {
        Random random = new Random(6455);
        List<String> expected = new ArrayList<>();
        Transcript clientOut = new Transcript();
        Transcript serverOut = new Transcript();
        HybiDriver client = Drivers.client(clientOut);
        HybiDriver server = Drivers.server(serverOut);
        for (int i = 0; i < 40; i++) {
            int length = random.nextInt(4) == 0 ? random.nextInt(70_000) : random.nextInt(300);
            byte[] data = new byte[length];
            random.nextBytes(data);
            client.binary(ByteBuffer.wrap(data));
            server.binary(ByteBuffer.wrap(data));
            expected.add("binary:" + Hex.hex(ByteBuffer.wrap(data)));
            String text = "é€😀x".repeat(random.nextInt(50));
            client.text(text);
            server.text(text);
            expected.add("text:" + text);
        }
        Transcript serverIn = new Transcript();
        Drivers.server(serverIn).parse(ByteBuffer.wrap(clientOut.writtenBytes()));
        assertEquals(expected, serverIn.lines);
        Transcript clientIn = new Transcript();
        Drivers.client(clientIn).parse(ByteBuffer.wrap(serverOut.writtenBytes()));
        assertEquals(expected, clientIn.lines);
    }

    @Test
    @DisplayName("a client rejects a masked frame from a server with 1002")
    void clientRejectsMaskedFrames() {
        List<String> lines = Drivers.feedEveryWay(Drivers::client, RawFrame.text("x").bytes());
        assertEquals("error:1002", lines.get(1));
        assertEquals("close:1002:masked frame from a server:unclean", lines.get(2));
    }

    @Test
    @DisplayName("RFC 6455 §5.7: a client reads the unmasked single-frame and fragmented examples")
    void clientReadsRfcExamples() {
        assertEquals(List.of("text:Hello"), Drivers.feedEveryWay(Drivers::client, Hex.bytes("81 05 48 65 6c 6c 6f")));
        assertEquals(List.of("text:Hello"), Drivers.feedEveryWay(Drivers::client, Hex.bytes("01 03 48 65 6c 80 02 6c 6f")));
        assertEquals(List.of(">CONTROL 8a 85 37 fa 21 3d 7f 9f 4d 51 58", "ping:48 65 6c 6c 6f"),
                Drivers.feedEveryWay(Drivers::client, Hex.bytes("89 05 48 65 6c 6c 6f")));
    }

    @Test
    @DisplayName("versions 13, 8 and 7 are reported as hybi-N")
    void versionName() {
        HybiDriver driver = new HybiDriver(Role.SERVER, 8, DriverOptions.DEFAULT_MAX_LENGTH,
                new Extensions(List.of(), new ExtensionContext(Role.SERVER, 1)), "chat", () -> 0, new Transcript(), new Transcript());
        assertEquals("hybi-8", driver.version());
        assertEquals("chat", driver.protocol());
    }
}
