package dev.tether.driver.hybi;

import dev.tether.driver.Hex;
import dev.tether.driver.Transcript;

import dev.tether.driver.DriverOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.tether.driver.Hex.bytes;
import static dev.tether.driver.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a server-role driver makes of the bytes a client sends: byte vectors in, events and written
 * frames out. Every vector is fed whole, split at every offset and one byte at a time.
 */
class HybiDriverReceiveTest {

    private static List<String> serverReads(byte[] input) {
        return Drivers.feedEveryWay(Drivers::server, input);
    }

    @Test
    @DisplayName("RFC 6455 §5.7: a single-frame masked text message")
    void rfcMaskedHello() {
        assertEquals(List.of("text:Hello"), serverReads(bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58")));
    }

    @Test
    @DisplayName("RFC 6455 §5.7: a masked pong is reported, never answered")
    void rfcMaskedPong() {
        assertEquals(List.of("pong:48 65 6c 6c 6f"), serverReads(bytes("8a 85 37 fa 21 3d 7f 9f 4d 51 58")));
    }

    @Test
    @DisplayName("RFC 6455 §5.7: a fragmented text message")
    void rfcFragmentedHello() {
        byte[] input = concat(RawFrame.text("Hel").fin(false).bytes(),
                RawFrame.op(Opcode.CONTINUATION).payload("6c 6f").bytes());
        assertEquals(List.of("text:Hello"), serverReads(input));
    }

    @Test
    @DisplayName("several frames in one read, and a read ending mid-frame, give the same messages")
    void manyFramesInOneRead() {
        byte[] input = concat(RawFrame.text("one").bytes(), RawFrame.text("two").bytes(),
                RawFrame.op(Opcode.BINARY).payload("00 ff").bytes(), RawFrame.text("").bytes());
        assertEquals(List.of("text:one", "text:two", "binary:00 ff", "text:"), serverReads(input));
    }

    static Stream<Arguments> payloadLengths() {
        return Stream.of(
                Arguments.of("1.1.1 / 1.2.1", 0), Arguments.of("1.1.2 / 1.2.2", 125),
                Arguments.of("1.1.3 / 1.2.3", 126), Arguments.of("1.1.4 / 1.2.4", 127),
                Arguments.of("1.1.5 / 1.2.5", 128), Arguments.of("1.1.6 / 1.2.6", 65535),
                Arguments.of("1.1.7 / 1.2.7", 65536), Arguments.of("boundary", 65537));
    }

    @ParameterizedTest(name = "Autobahn {0}: text and binary of {1} bytes, every length encoding")
    @MethodSource("payloadLengths")
    void payloadLengthEncodings(String caseId, int length) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) '*');
        List<String> text = serverReads(RawFrame.op(Opcode.TEXT).payload(payload).bytes());
        assertEquals(List.of("text:" + "*".repeat(length)), text);
        List<String> binary = serverReads(RawFrame.op(Opcode.BINARY).payload(payload).bytes());
        assertEquals(1, binary.size());
        assertEquals(("binary:" + " 2a".repeat(length)).replace(": ", ":"), binary.get(0));
    }

    @Test
    @DisplayName("Autobahn 2.2/2.3: a ping is answered with a pong carrying the same payload, then reported")
    void pingAnswered() {
        assertEquals(List.of(">CONTROL 8a 05 48 65 6c 6c 6f", "ping:48 65 6c 6c 6f"),
                serverReads(RawFrame.op(Opcode.PING).payload("48 65 6c 6c 6f").bytes()));
    }

    @Test
    @DisplayName("Autobahn 2.4: a ping with a 125-byte payload is answered")
    void ping125() {
        byte[] payload = new byte[125];
        List<String> lines = serverReads(RawFrame.op(Opcode.PING).payload(payload).bytes());
        assertTrue(lines.get(0).startsWith(">CONTROL 8a 7d 00"), lines.get(0));
    }

    @Test
    @DisplayName("Autobahn 5.6-5.8: control frames between the fragments of a message")
    void pingInsideFragmentedMessage() {
        byte[] input = concat(RawFrame.text("frag").fin(false).bytes(),
                RawFrame.op(Opcode.PING).payload("01").bytes(),
                RawFrame.op(Opcode.CONTINUATION).payload("6d 65 6e 74").bytes());
        assertEquals(List.of(">CONTROL 8a 01 01", "ping:01", "text:fragment"), serverReads(input));
    }

    @Test
    @DisplayName("Autobahn 5.19/5.20: a message in many fragments with pings between, including empty fragments")
    void manyFragments() {
        byte[] input = concat(RawFrame.text("a").fin(false).bytes(),
                RawFrame.op(Opcode.CONTINUATION).fin(false).bytes(),
                RawFrame.op(Opcode.PING).bytes(),
                RawFrame.op(Opcode.CONTINUATION).fin(false).payload("62").bytes(),
                RawFrame.op(Opcode.CONTINUATION).payload("63").bytes());
        assertEquals(List.of(">CONTROL 8a 00", "ping:", "text:abc"), serverReads(input));
    }

    @Test
    @DisplayName("Autobahn 6.2.x: a valid code point split across fragments is accepted")
    void utf8SplitAcrossFragments() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // e2 82 ac
        byte[] input = concat(RawFrame.op(Opcode.TEXT).fin(false).payload(new byte[]{euro[0]}).bytes(),
                RawFrame.op(Opcode.CONTINUATION).fin(false).payload(new byte[]{euro[1]}).bytes(),
                RawFrame.op(Opcode.CONTINUATION).payload(new byte[]{euro[2]}).bytes());
        assertEquals(List.of("text:€"), serverReads(input));
    }

    @Test
    @DisplayName("Autobahn 6.4.1: invalid UTF-8 fails on the fragment that carries it, not at message end")
    void utf8FailsFast() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t);
        // κόσμε then an invalid f4 90 80 80 (U+110000), in a first fragment that is not final.
        byte[] first = RawFrame.op(Opcode.TEXT).fin(false)
                .payload("ce ba e1 bd b9 cf 83 ce bc ce b5 f4 90 80 80").bytes();
        driver.parse(ByteBuffer.wrap(first));
        assertEquals("error:1007", t.lines.get(1));
        assertTrue(t.lines.get(0).startsWith(">CLOSE 88 "), t.lines.get(0));
        assertTrue(t.lines.get(2).startsWith("close:1007:"), t.lines.get(2));
    }

    @Test
    @DisplayName("Autobahn 6.3.x: a text message that ends inside a code point fails with 1007")
    void utf8TruncatedAtEnd() {
        List<String> lines = serverReads(RawFrame.op(Opcode.TEXT).payload("48 e2 82").bytes());
        assertEquals(List.of(">CLOSE 88 2b 03 ef 74 65 78 74 20 6d 65 73 73 61 67 65 20 65 6e 64 73 20 69 6e 73 69 64 65 20 61 20 55 54 46 2d 38 20 73 65 71 75 65 6e 63 65",
                "error:1007", "close:1007:text message ends inside a UTF-8 sequence:unclean"), lines);
    }

    static Stream<Arguments> protocolViolations() {
        byte[] masked126 = new byte[126];
        return Stream.of(
                Arguments.of("2.5: ping over 125 bytes", RawFrame.op(Opcode.PING).payload(masked126).bytes()),
                Arguments.of("3.1: RSV1 without an extension", RawFrame.text("x").rsv(0x40).bytes()),
                Arguments.of("3.2: RSV2", RawFrame.text("x").rsv(0x20).bytes()),
                Arguments.of("3.3: RSV3", RawFrame.text("x").rsv(0x10).bytes()),
                Arguments.of("3.4: RSV1+2+3 on a ping", RawFrame.op(Opcode.PING).rsv(0x70).bytes()),
                Arguments.of("3.7: RSV on a close", RawFrame.op(Opcode.CLOSE).rsv(0x40).bytes()),
                Arguments.of("4.1.1: reserved opcode 3", RawFrame.op(3).bytes()),
                Arguments.of("4.1.2: reserved opcode 4", RawFrame.op(4).payload("2a").bytes()),
                Arguments.of("4.1.3: reserved opcode 5", RawFrame.op(5).bytes()),
                Arguments.of("4.1.4: reserved opcode 6", RawFrame.op(6).bytes()),
                Arguments.of("4.1.5: reserved opcode 7", RawFrame.op(7).bytes()),
                Arguments.of("4.2.1: reserved opcode 11", RawFrame.op(11).bytes()),
                Arguments.of("4.2.2: reserved opcode 12", RawFrame.op(12).bytes()),
                Arguments.of("4.2.3: reserved opcode 13", RawFrame.op(13).bytes()),
                Arguments.of("4.2.4: reserved opcode 14", RawFrame.op(14).bytes()),
                Arguments.of("4.2.5: reserved opcode 15", RawFrame.op(15).bytes()),
                Arguments.of("5.1: fragmented ping", RawFrame.op(Opcode.PING).fin(false).bytes()),
                Arguments.of("5.2: fragmented pong", RawFrame.op(Opcode.PONG).fin(false).bytes()),
                Arguments.of("5.9: continuation with no message", RawFrame.op(Opcode.CONTINUATION).payload("2a").bytes()),
                Arguments.of("5.10: non-final continuation with no message", RawFrame.op(Opcode.CONTINUATION).fin(false).bytes()),
                Arguments.of("5.18: a new text frame inside a fragmented message",
                        concat(RawFrame.text("a").fin(false).bytes(), RawFrame.text("b").bytes())),
                Arguments.of("masking: an unmasked client frame", RawFrame.text("x").unmasked().bytes()),
                Arguments.of("length: 16-bit form for 5 bytes", RawFrame.text("hello").lengthAs(126, bytes("00 05")).bytes()),
                Arguments.of("length: 64-bit form for 5 bytes", RawFrame.text("hello").lengthAs(127, bytes("00 00 00 00 00 00 00 05")).bytes()),
                Arguments.of("length: 64-bit with the top bit set", RawFrame.text("").lengthAs(127, bytes("80 00 00 00 00 00 00 00")).bytes()),
                Arguments.of("7.3.2: close with a 1-byte payload", RawFrame.op(Opcode.CLOSE).payload("03").bytes()));
    }

    @ParameterizedTest(name = "Autobahn {0} → close 1002")
    @MethodSource("protocolViolations")
    void protocolViolationsFailWith1002(String caseId, byte[] input) {
        List<String> lines = serverReads(input);
        assertTrue(lines.get(lines.size() - 3).matches(">CLOSE 88 [0-9a-f]{2} 03 ea.*"),
                "a close frame carrying 1002 is written: " + lines);
        assertEquals("error:1002", lines.get(lines.size() - 2));
        assertTrue(lines.get(lines.size() - 1).startsWith("close:1002:"), lines.toString());
    }

    @Test
    @DisplayName("RFC 7692 §6: a negotiated RSV bit may mark the first frame of a data message, never a continuation")
    void negotiatedRsvOnlyOnTheFirstFrameOfAMessage() {
        byte[] marked = concat(RawFrame.text("a").fin(false).rsv(0x40).bytes(), RawFrame.op(Opcode.CONTINUATION).payload("62").bytes());
        assertEquals(List.of("text:ab"), Drivers.feedEveryWay(t -> Drivers.server(t, Drivers.passThrough()), marked));

        byte[] markedContinuation = concat(RawFrame.text("a").fin(false).rsv(0x40).bytes(),
                RawFrame.op(Opcode.CONTINUATION).rsv(0x40).payload("62").bytes());
        List<String> lines = Drivers.feedEveryWay(t -> Drivers.server(t, Drivers.passThrough()), markedContinuation);
        assertEquals("error:1002", lines.get(lines.size() - 2), lines.toString());

        byte[] unclaimedBit = RawFrame.text("a").rsv(0x40 | 0x10).bytes();
        lines = Drivers.feedEveryWay(t -> Drivers.server(t, Drivers.passThrough()), unclaimedBit);
        assertEquals("error:1002", lines.get(lines.size() - 2), "RSV3 is not negotiated: " + lines);
    }

    @Test
    @DisplayName("input after a protocol error is dropped")
    void inputAfterFailureDropped() {
        byte[] input = concat(RawFrame.op(3).bytes(), RawFrame.text("late").bytes());
        List<String> lines = serverReads(input);
        assertEquals(3, lines.size(), lines.toString());
    }

    @Test
    @DisplayName("Autobahn 9.x: a frame over maxLength fails with 1009 from its header alone")
    void frameOverLimit() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t, 1000);
        // Only the header of a 1001-byte frame: the driver must not wait for (or allocate) the payload.
        byte[] header = Arrays.copyOf(RawFrame.op(Opcode.BINARY).payload(new byte[1001]).bytes(), 8);
        driver.parse(ByteBuffer.wrap(header));
        assertEquals(List.of(">CLOSE 88 2f 03 f1 66 72 61 6d 65 20 6f 66 20 31 30 30 31 20 62 79 74 65 73 20 65 78 63 65 65 64 73 20 74 68 65 20 6c 69 6d 69 74 20 6f 66 20 31 30 30 30",
                "error:1009", "close:1009:frame of 1001 bytes exceeds the limit of 1000:unclean"), t.lines);
    }

    @Test
    @DisplayName("a 2^63-1 byte frame announcement fails with 1009 and allocates nothing")
    void hugeLengthAnnouncement() {
        byte[] header = RawFrame.op(Opcode.BINARY).lengthAs(127, bytes("7f ff ff ff ff ff ff ff")).bytes();
        List<String> lines = Drivers.feedEveryWay(Drivers::server, header);
        assertEquals("error:1009", lines.get(1));
    }

    @Test
    @DisplayName("fragments that add up to more than maxLength fail with 1009 on the fragment that crosses it")
    void fragmentedMessageOverLimit() {
        byte[] input = concat(RawFrame.op(Opcode.BINARY).fin(false).payload(new byte[600]).bytes(),
                RawFrame.op(Opcode.CONTINUATION).fin(false).payload(new byte[600]).bytes());
        List<String> lines = Drivers.feedEveryWay(t -> Drivers.server(t, 1000), input);
        assertEquals("error:1009", lines.get(1));
        assertTrue(lines.get(2).startsWith("close:1009:message of at least 1200 bytes"), lines.get(2));
    }

    @Test
    @DisplayName("a message of exactly maxLength is accepted")
    void messageAtLimit() {
        byte[] input = concat(RawFrame.op(Opcode.BINARY).fin(false).payload(new byte[500]).bytes(),
                RawFrame.op(Opcode.CONTINUATION).payload(new byte[500]).bytes());
        List<String> lines = Drivers.feedEveryWay(t -> Drivers.server(t, 1000), input);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("binary:00"));
    }

    @Test
    @DisplayName("a fragment flood of empty continuations costs no memory and ends in one message")
    void emptyFragmentFlood() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t, 10);
        driver.parse(ByteBuffer.wrap(RawFrame.text("x").fin(false).bytes()));
        byte[] empty = RawFrame.op(Opcode.CONTINUATION).fin(false).bytes();
        for (int i = 0; i < 100_000; i++) {
            driver.parse(ByteBuffer.wrap(empty.clone()));
        }
        driver.parse(ByteBuffer.wrap(RawFrame.op(Opcode.CONTINUATION).payload("79").bytes()));
        assertEquals(List.of("text:xy"), t.lines);
    }

    @ParameterizedTest(name = "the default maxLength is {0} bytes (64 MiB - 1, as faye)")
    @ValueSource(ints = {67108863})
    void defaultMaxLength(int expected) {
        assertEquals(expected, DriverOptions.DEFAULT_MAX_LENGTH);
    }

    @Test
    @DisplayName("binary payloads delivered to the application are its own, not views of the input")
    void binaryIsACopy() {
        Transcript t = new Transcript();
        List<ByteBuffer> received = new java.util.ArrayList<>();
        HybiDriver driver = new HybiDriver(dev.tether.protocol.Role.SERVER, 13, 1000,
                new dev.tether.extension.Extensions(List.of(), new dev.tether.extension.ExtensionContext(dev.tether.protocol.Role.SERVER, 1000)),
                null, () -> 0, new dev.tether.driver.DriverEvents() {
                    @Override
                    public void onBinary(ByteBuffer data) {
                        received.add(data);
                    }
                }, t);
        driver.start();
        byte[] input = RawFrame.op(Opcode.BINARY).payload("01 02 03").bytes();
        driver.parse(ByteBuffer.wrap(input));
        Arrays.fill(input, (byte) 0);
        assertEquals("01 02 03", Hex.hex(received.get(0)));
    }

    @Test
    @DisplayName("a violation inside a payload leaves the caller's buffer limit as it was")
    void limitRestoredWhenPayloadFails() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t);
        byte[] notUtf8 = RawFrame.op(Opcode.TEXT).payload(new byte[]{(byte) 0xC0, (byte) 0x80}).bytes();
        ByteBuffer input = ByteBuffer.wrap(concat(notUtf8, RawFrame.text("after").bytes()));
        int limit = input.limit();

        driver.parse(input);

        assertEquals(limit, input.limit());
        assertEquals("error:1007", t.lines.get(1));
    }
}
