package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.Transcript;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.Extensions;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static dev.tether.driver.Hex.bytes;
import static dev.tether.driver.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** permessage-deflate on a real driver: the frame parser, the fragment pipeline and delivery together. */
class HybiDriverDeflateTest {
    private static final PerMessageDeflate DEFLATE = PerMessageDeflate.builder().threshold(0).build();
    private static final byte[] HELLO = bytes("f2 48 cd c9 c9 07 00");

    private static HybiDriver server(Transcript t, int maxLength) {
        Extensions extensions = new Extensions(List.of(DEFLATE), new ExtensionContext(Role.SERVER, maxLength));
        extensions.generateResponse("permessage-deflate");
        HybiDriver driver = new HybiDriver(Role.SERVER, 13, maxLength, extensions, null, () -> Drivers.FIXED_MASK, t, t);
        driver.start();
        t.lines.clear();
        return driver;
    }

    private static List<String> reads(byte[] input) {
        return Drivers.feedEveryWay(t -> server(t, DriverOptions.DEFAULT_MAX_LENGTH), input);
    }

    /** The driver sent a close frame with {@code code}, reported the error, and closed with it. */
    private static void assertFailsWith(int code, List<String> lines) {
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith(">CLOSE 88 "), lines.toString());
        assertTrue(lines.get(0).substring(13).startsWith(String.format("%02x %02x", code >> 8, code & 0xff)), lines.toString());
        assertEquals("error:" + code, lines.get(1));
        assertTrue(lines.get(2).startsWith("close:" + code + ":"), lines.toString());
    }

    @Test
    @DisplayName("RFC 7692 §7.2.3.1: \"Hello\" in one compressed frame, and in two with a ping between them")
    void receivesHello() {
        assertEquals(List.of("text:Hello"), reads(RawFrame.text("").rsv(Message.RSV1).payload(HELLO).bytes()));
        byte[] fragmented = concat(
                RawFrame.op(Opcode.TEXT).rsv(Message.RSV1).fin(false).payload(Arrays.copyOfRange(HELLO, 0, 3)).bytes(),
                RawFrame.op(Opcode.PING).payload(new byte[] {1}).bytes(),
                RawFrame.op(Opcode.CONTINUATION).payload(Arrays.copyOfRange(HELLO, 3, HELLO.length)).bytes());
        List<String> lines = reads(fragmented);
        assertTrue(lines.containsAll(List.of("ping:01", "text:Hello")), lines.toString());
    }

    @Test
    @DisplayName("with deliverFragments, a large compressed message is reported in pieces as it inflates")
    void streamsInflatedFragments() {
        assertInflatedInPieces(Drivers.fragments(DriverOptions.DEFAULT_MAX_LENGTH, 4096));
    }

    @Test
    @DisplayName("with the message limit off, a compressed message inflates in pieces as well (no limit arithmetic overflows)")
    void streamsInflatedFragmentsWithoutAMessageLimit() {
        assertInflatedInPieces(DriverOptions.builder(Role.SERVER).maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT)
                .deliverFragments(true).fragmentSize(4096).build());
    }

    private static void assertInflatedInPieces(DriverOptions options) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 100_000; i++) {
            text.append("line ").append(i).append(": the quick brown fox\n");
        }
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(6, true);
        deflater.setInput(utf8);
        byte[] out = new byte[utf8.length];
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        deflater.end();
        byte[] input = RawFrame.op(Opcode.TEXT).rsv(Message.RSV1).payload(Arrays.copyOf(out, n - 4)).bytes();

        Extensions extensions = new Extensions(List.of(DEFLATE), new ExtensionContext(Role.SERVER, options.maxMessageLength()));
        extensions.generateResponse("permessage-deflate");
        Transcript t = new Transcript();
        HybiDriver driver = new HybiDriver(options, 13, extensions, null, () -> Drivers.FIXED_MASK, t, t, null);
        driver.start();
        t.lines.clear();
        driver.parse(ByteBuffer.wrap(input));

        assertTrue(t.lines.size() > 5, "in pieces: " + t.lines);
        StringBuilder received = new StringBuilder();
        for (int i = 0; i < t.lines.size(); i++) {
            String line = t.lines.get(i);
            String end = i == t.lines.size() - 1 ? ":last" : ":more";
            assertTrue(line.startsWith("text-fragment:") && line.endsWith(end), line);
            received.append(line, "text-fragment:".length(), line.length() - end.length());
        }
        assertEquals(text.toString(), received.toString());
    }

    @Test
    @DisplayName("RSV1 on a continuation frame fails with 1002, in the frame parser")
    void rsv1OnAContinuation() {
        byte[] input = concat(RawFrame.op(Opcode.TEXT).rsv(Message.RSV1).fin(false).payload(Arrays.copyOfRange(HELLO, 0, 3)).bytes(),
                RawFrame.op(Opcode.CONTINUATION).rsv(Message.RSV1).payload(Arrays.copyOfRange(HELLO, 3, HELLO.length)).bytes());
        assertFailsWith(1002, reads(input));
    }

    @Test
    @DisplayName("RSV1 on a control frame fails with 1002")
    void rsv1OnAPing() {
        assertFailsWith(1002, reads(RawFrame.op(Opcode.PING).rsv(Message.RSV1).bytes()));
    }

    @Test
    @DisplayName("a small frame that inflates past maxLength fails with 1009")
    void decompressionBomb() {
        Deflater deflater = new Deflater(9, true);
        deflater.setInput(new byte[1 << 20]);
        byte[] out = new byte[4096];
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        deflater.end();
        byte[] input = RawFrame.op(Opcode.BINARY).rsv(Message.RSV1).payload(Arrays.copyOf(out, n - 4)).bytes();
        Transcript t = new Transcript();
        server(t, 64 * 1024).parse(ByteBuffer.wrap(input));
        assertFailsWith(1009, t.lines);
    }

    @Test
    @DisplayName("invalid compressed data fails with 1007")
    void invalidData() {
        assertFailsWith(1007, reads(RawFrame.op(Opcode.BINARY).rsv(Message.RSV1).payload(bytes("ff ff ff")).bytes()));
    }

    @Test
    @DisplayName("sends: RSV1 on a whole message, and on the first frame only of a fragmented one")
    void sends() {
        Transcript t = new Transcript();
        HybiDriver driver = server(t, DriverOptions.DEFAULT_MAX_LENGTH);
        driver.text("Hello");
        driver.text("Hello");
        Peer peer = new Peer();
        assertEquals("Hello", peer.inflate(t.lines.get(0)));
        assertEquals("Hello", peer.inflate(t.lines.get(1)));
        assertTrue(t.lines.get(1).length() < t.lines.get(0).length(), "the second refers back to the first: " + t.lines);
        t.lines.clear();
        driver.fragment(MessageType.TEXT, ByteBuffer.wrap("Hel".getBytes(StandardCharsets.UTF_8)), false);
        driver.fragment(MessageType.TEXT, ByteBuffer.wrap("lo".getBytes(StandardCharsets.UTF_8)), true);
        assertEquals(2, t.lines.size());
        assertTrue(t.lines.get(0).startsWith(">DATA 41 "), t.lines.get(0));
        assertTrue(t.lines.get(1).startsWith(">DATA 80 "), t.lines.get(1));
    }

    @Test
    @DisplayName("a message sent uncompressed goes as it is, RSV1 clear, and leaves the compression context as it was")
    void sendsUncompressed() {
        Transcript t = new Transcript();
        HybiDriver driver = server(t, DriverOptions.DEFAULT_MAX_LENGTH);
        driver.text("Hello");
        driver.uncompressed(MessageType.TEXT, ByteBuffer.wrap("Hello".getBytes(StandardCharsets.UTF_8)));
        driver.uncompressed(MessageType.BINARY, ByteBuffer.wrap(new byte[] {1, 2}));
        driver.text("Hello");
        assertEquals(List.of(">DATA 81 05 48 65 6c 6c 6f", ">DATA 82 02 01 02"), t.lines.subList(1, 3));
        Peer peer = new Peer();
        assertEquals("Hello", peer.inflate(t.lines.get(0)));
        assertEquals("Hello", peer.inflate(t.lines.get(3)));
        assertTrue(t.lines.get(3).length() < t.lines.get(0).length(),
                "the last refers back to the first: nothing else went through the Deflater " + t.lines);
    }

    /**
     * The receiving end of what the server sent, with context takeover: inflates the payload of a
     * small compressed text frame as the transcript shows it ({@code >DATA c1 07 f2 48 …}). The
     * tests check what the bytes mean, not which bytes zlib chose.
     */
    private static final class Peer {
        private final Inflater inflater = new Inflater(true);

        String inflate(String line) {
            String[] bytes = line.substring(">DATA ".length()).split(" ", 3);
            assertEquals("c1", bytes[0], "FIN, RSV1, text: " + line);
            byte[] payload = concat(bytes(bytes[2]), new byte[] {0, 0, (byte) 0xff, (byte) 0xff});
            assertEquals(Integer.parseInt(bytes[1], 16), payload.length - 4, "a small frame's length: " + line);
            inflater.setInput(payload);
            byte[] out = new byte[1024];
            try {
                return new String(out, 0, inflater.inflate(out), StandardCharsets.UTF_8);
            } catch (DataFormatException e) {
                throw new AssertionError(line, e);
            }
        }
    }
}
