package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.Hex;
import dev.tether.driver.Transcript;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.Extensions;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.message.MessageType;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sendFrameSize}: a payload larger than it goes out as several frames of at most that size,
 * the first with the opcode and the message's RSV bits, continuations after it, FIN on the last.
 */
class HybiDriverSendFrameSizeTest {
    /** The mask keys a client driver takes, one per frame, in turn. */
    private static final int[] KEYS = {0x37FA213D, 0x01020304, 0xA0B0C0D0};

    private static HybiDriver driver(Role role, int sendFrameSize, Transcript t) {
        DriverOptions options = DriverOptions.builder(role).sendFrameSize(sendFrameSize).build();
        Iterator<Integer> keys = List.of(KEYS[0], KEYS[1], KEYS[2]).iterator();
        HybiDriver driver = new HybiDriver(options, 13, new Extensions(List.of(), new ExtensionContext(role, options.maxMessageLength())),
                null, keys::next, t, t, null);
        driver.start();
        t.lines.clear();
        return driver;
    }

    private static HybiDriver server(int sendFrameSize, Transcript t) {
        return driver(Role.SERVER, sendFrameSize, t);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a server's text over the size: TEXT without FIN, CONTINUATION, and a last CONTINUATION with FIN and the rest")
    void serverTextWithRemainder() {
        Transcript t = new Transcript();
        server(2, t).text("Hello");
        assertEquals(List.of(">DATA 01 02 48 65", ">DATA 00 02 6c 6c", ">DATA 80 01 6f"), t.lines);
    }

    @Test
    @DisplayName("a binary payload of an exact multiple of the size: no empty frame after the last full one")
    void serverBinaryExactMultiple() {
        Transcript t = new Transcript();
        server(2, t).binary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        assertEquals(List.of(">DATA 02 02 01 02", ">DATA 80 02 03 04"), t.lines);
    }

    @Test
    @DisplayName("a payload of the size itself, or smaller, and the empty message are one frame")
    void atOrBelowTheSize() {
        Transcript t = new Transcript();
        HybiDriver driver = server(2, t);
        driver.binary(ByteBuffer.wrap(new byte[] {1, 2}));
        driver.text("a");
        driver.text("");
        assertEquals(List.of(">DATA 82 02 01 02", ">DATA 81 01 61", ">DATA 81 00"), t.lines);
    }

    @Test
    @DisplayName("0 turns splitting off: any payload is one frame")
    void off() {
        Transcript t = new Transcript();
        server(0, t).binary(ByteBuffer.allocate(200_000));
        assertEquals(1, t.written.size());
        assertEquals("82 7f 00 00 00 00 00 03 0d 40", Hex.hex(t.written.get(0)[0]));
    }

    @Test
    @DisplayName("a client masks each frame with a key of its own (37 fa 21 3d, 01 02 03 04, a0 b0 c0 d0)")
    void clientMasksEachFrame() {
        Transcript t = new Transcript();
        driver(Role.CLIENT, 2, t).text("Hello");
        assertEquals(List.of(
                ">DATA 01 82 37 fa 21 3d 7f 9f",
                ">DATA 00 82 01 02 03 04 6d 6e",
                ">DATA 80 81 a0 b0 c0 d0 cf"), t.lines);
    }

    @Test
    @DisplayName("a client's binary of an exact multiple of the size: two masked frames")
    void clientBinaryExactMultiple() {
        Transcript t = new Transcript();
        driver(Role.CLIENT, 3, t).binary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6}));
        assertEquals(List.of(">DATA 02 83 37 fa 21 3d 36 f8 22", ">DATA 80 83 01 02 03 04 05 07 05"), t.lines);
    }

    @Test
    @DisplayName("text is cut at any byte, inside a character too (RFC 6455 §5.6: UTF-8 is a property of the message); the peer reads it back")
    void textCutInsideACharacter() {
        Transcript t = new Transcript();
        server(1, t).text("é");
        assertEquals(List.of(">DATA 01 01 c3", ">DATA 80 01 a9"), t.lines);
        Transcript peer = new Transcript();
        Drivers.client(peer).parse(ByteBuffer.wrap(t.writtenBytes()));
        assertEquals(List.of("text:é"), peer.lines);
    }

    @Test
    @DisplayName("by default a payload over 64 KiB goes in 64 KiB frames, slices of the caller's array with nothing copied")
    void defaultSizeSlicesTheCallersArray() {
        Transcript t = new Transcript();
        byte[] data = new byte[70_000];
        Drivers.started(DriverOptions.defaults(Role.SERVER), t).binary(ByteBuffer.wrap(data));
        assertEquals(2, t.written.size());
        assertEquals("02 7f 00 00 00 00 00 01 00 00", Hex.hex(t.written.get(0)[0]));
        assertEquals("80 7e 11 70", Hex.hex(t.written.get(1)[0]), "4464 bytes left");
        ByteBuffer first = t.written.get(0)[1];
        ByteBuffer rest = t.written.get(1)[1];
        assertSame(data, first.array());
        assertSame(data, rest.array());
        assertEquals(0, first.arrayOffset() + first.position());
        assertEquals(65_536, rest.arrayOffset() + rest.position());
        assertEquals(4464, rest.remaining());
    }

    @Test
    @DisplayName("the caller's buffer keeps its position and limit")
    void payloadLeftAsItWas() {
        Transcript t = new Transcript();
        ByteBuffer data = ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4, 5, 6}).position(1).limit(6);
        server(2, t).binary(data);
        assertEquals(List.of(">DATA 02 02 01 02", ">DATA 00 02 03 04", ">DATA 80 01 05"), t.lines);
        assertEquals(1, data.position());
        assertEquals(6, data.limit());
    }

    @Test
    @DisplayName("parts sent with fragment() are split too: FIN only on the last piece of the last part; a ping goes between parts")
    void partsAreSplit() {
        Transcript t = new Transcript();
        HybiDriver driver = server(2, t);
        driver.fragment(MessageType.TEXT, ByteBuffer.wrap(utf8("Hello")), false);
        driver.ping(ByteBuffer.wrap(new byte[] {9}));
        driver.fragment(MessageType.TEXT, ByteBuffer.wrap(utf8("abc")), true);
        driver.fragment(MessageType.BINARY, ByteBuffer.wrap(new byte[] {1, 2, 3}), false);
        driver.fragment(MessageType.BINARY, ByteBuffer.allocate(0), true);
        assertEquals(List.of(
                ">DATA 01 02 48 65", ">DATA 00 02 6c 6c", ">DATA 00 01 6f",
                ">CONTROL 89 01 09",
                ">DATA 00 02 61 62", ">DATA 80 01 63",
                ">DATA 02 02 01 02", ">DATA 00 01 03", ">DATA 80 00"), t.lines);
        Transcript peer = new Transcript();
        Drivers.client(peer).parse(ByteBuffer.wrap(t.writtenBytes()));
        assertEquals(List.of("ping:09", "text:Helloabc", "binary:01 02 03"),
                peer.lines.stream().filter(line -> !line.startsWith(">")).toList(), "what the peer reads (its pong aside)");
    }

    @Test
    @DisplayName("permessage-deflate: the compressed payload is split, RSV1 on the first frame only; it inflates back to the message")
    void deflatedMessageIsSplit() {
        Transcript t = new Transcript();
        HybiDriver driver = deflatingServer(8, t);
        String text = "Hello, hello, hello! ".repeat(40) + "The end.";
        driver.text(text);
        driver.text(text);
        List<Frame> frames = frames(t);
        List<Frame> first = messageAt(frames, 0);
        List<Frame> second = messageAt(frames, first.size());
        assertEquals(frames.size(), first.size() + second.size());
        for (List<Frame> message : List.of(first, second)) {
            assertTrue(message.size() > 1, "split: " + frames);
            assertFrames(message, Opcode.TEXT, 8);
        }
        Inflater peer = new Inflater(true);
        assertEquals(text, inflate(peer, first));
        assertEquals(text, inflate(peer, second), "with context takeover, as one stream");
    }

    @Test
    @DisplayName("permessage-deflate on parts: what the compressor makes of each part is split, RSV1 on the message's first frame only")
    void deflatedPartsAreSplit() {
        Transcript t = new Transcript();
        HybiDriver driver = deflatingServer(4, t);
        byte[] part1 = utf8("one two three four five six seven ".repeat(10));
        byte[] part2 = utf8("eight nine ten");
        driver.fragment(MessageType.TEXT, ByteBuffer.wrap(part1), false);
        driver.fragment(MessageType.TEXT, ByteBuffer.wrap(part2), true);
        List<Frame> frames = frames(t);
        assertEquals(frames, messageAt(frames, 0), "one message");
        assertFrames(frames, Opcode.TEXT, 4);
        assertEquals(new String(part1, StandardCharsets.UTF_8) + "eight nine ten", inflate(new Inflater(true), frames));
    }

    private static HybiDriver deflatingServer(int sendFrameSize, Transcript t) {
        DriverOptions options = DriverOptions.builder(Role.SERVER).sendFrameSize(sendFrameSize).build();
        Extensions extensions = new Extensions(List.of(PerMessageDeflate.builder().threshold(0).build()),
                new ExtensionContext(Role.SERVER, options.maxMessageLength()));
        extensions.generateResponse("permessage-deflate");
        HybiDriver driver = new HybiDriver(options, 13, extensions, null, () -> Drivers.FIXED_MASK, t, t, null);
        driver.start();
        t.lines.clear();
        return driver;
    }

    /** One frame as written by a server: header bits and the payload. */
    private record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        @Override
        public String toString() {
            return (fin ? "FIN " : "") + "rsv=" + rsv + " op=" + opcode + " " + payload.length;
        }
    }

    /** The frames a server wrote, one per write. */
    private static List<Frame> frames(Transcript t) {
        List<Frame> frames = new ArrayList<>();
        for (ByteBuffer[] write : t.written) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (ByteBuffer b : write) {
                ByteBuffer d = b.duplicate();
                byte[] a = new byte[d.remaining()];
                d.get(a);
                bytes.writeBytes(a);
            }
            ByteBuffer frame = ByteBuffer.wrap(bytes.toByteArray());
            int b0 = frame.get() & 0xFF;
            int length = frame.get() & 0x7F;
            length = length == 126 ? frame.getShort() & 0xFFFF : length == 127 ? (int) frame.getLong() : length;
            byte[] payload = new byte[length];
            frame.get(payload);
            assertEquals(0, frame.remaining(), "one frame per write");
            frames.add(new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0x0F, payload));
        }
        return frames;
    }

    /** The frames of the message starting at {@code from}, up to the one with FIN. */
    private static List<Frame> messageAt(List<Frame> frames, int from) {
        int end = from;
        while (!frames.get(end).fin()) {
            end++;
        }
        return frames.subList(from, end + 1);
    }

    /** The first frame has {@code opcode} and RSV1, the rest are continuations with no RSV bit; none is larger than {@code size}. */
    private static void assertFrames(List<Frame> message, int opcode, int size) {
        for (int i = 0; i < message.size(); i++) {
            Frame f = message.get(i);
            assertEquals(i == 0 ? opcode : Opcode.CONTINUATION, f.opcode(), message.toString());
            assertEquals(i == 0 ? 4 : 0, f.rsv(), "RSV1 on the first frame only: " + message);
            assertEquals(i == message.size() - 1, f.fin(), message.toString());
            assertTrue(f.payload().length <= size, message.toString());
        }
    }

    /** What the peer makes of a compressed message: its frames' payloads joined, the tail put back, inflated. */
    private static String inflate(Inflater inflater, List<Frame> message) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        message.forEach(f -> compressed.writeBytes(f.payload()));
        compressed.writeBytes(new byte[] {0, 0, (byte) 0xff, (byte) 0xff});
        inflater.setInput(compressed.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1024];
        try {
            int n;
            while ((n = inflater.inflate(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
        } catch (DataFormatException e) {
            throw new AssertionError(message.toString(), e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
