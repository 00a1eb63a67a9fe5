package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.Transcript;
import dev.tether.message.MessageType;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

import static dev.tether.driver.Hex.bytes;
import static dev.tether.driver.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages delivered fragment by fragment ({@code deliverFragments}), without extensions: byte
 * vectors in, fragments out. Every vector is fed whole, split at every offset and one byte at a
 * time, and must give the same fragments: they follow the frames, never the reads.
 */
class HybiDriverFragmentTest {

    private static List<String> reads(byte[] input) {
        return reads(DriverOptions.DEFAULT_MAX_LENGTH, DriverOptions.DEFAULT_FRAGMENT_SIZE, input);
    }

    private static List<String> reads(int maxLength, int fragmentSize, byte[] input) {
        return Drivers.feedEveryWay(t -> Drivers.started(Drivers.fragments(maxLength, fragmentSize), t), input);
    }

    private static byte[] continuation(String hex, boolean fin) {
        return RawFrame.op(Opcode.CONTINUATION).payload(hex).fin(fin).bytes();
    }

    @Test
    @DisplayName("RFC 6455 §5.7: the fragmented \"Hello\" arrives as its two frames")
    void rfcFragmentedHello() {
        byte[] input = concat(RawFrame.text("Hel").fin(false).bytes(), continuation("6c 6f", true));
        assertEquals(List.of("text-fragment:Hel:more", "text-fragment:lo:last"), reads(input));
    }

    @Test
    @DisplayName("a message in one frame is one fragment, text or binary")
    void singleFrames() {
        byte[] input = concat(RawFrame.text("Hello").bytes(), RawFrame.op(Opcode.BINARY).payload("01 02 03").bytes());
        assertEquals(List.of("text-fragment:Hello:last", "binary-fragment:01 02 03:last"), reads(input));
    }

    @Test
    @DisplayName("empty frames are empty fragments, and an empty message is one empty fragment")
    void emptyFrames() {
        byte[] input = concat(RawFrame.text("").fin(false).bytes(), continuation("", false), continuation("61", true),
                RawFrame.op(Opcode.BINARY).bytes());
        assertEquals(List.of("text-fragment::more", "text-fragment::more", "text-fragment:a:last", "binary-fragment::last"),
                reads(input));
    }

    @Test
    @DisplayName("a ping between fragments is answered and reported in its place")
    void pingBetweenFragments() {
        byte[] input = concat(RawFrame.op(Opcode.BINARY).payload("01").fin(false).bytes(),
                RawFrame.op(Opcode.PING).payload("09").bytes(), continuation("02", true));
        assertEquals(List.of("binary-fragment:01:more", ">CONTROL 8a 01 09", "ping:09", "binary-fragment:02:last"),
                reads(input));
    }

    @Test
    @DisplayName("a frame over fragmentSize is cut into pieces counted from its start")
    void largeFrameCut() {
        byte[] input = concat(RawFrame.op(Opcode.BINARY).payload("00 01 02 03 04 05 06 07 08 09").bytes(),
                RawFrame.op(Opcode.BINARY).payload("0a 0b 0c 0d 0e 0f").fin(false).bytes(), continuation("10 11 12", true));
        assertEquals(List.of("binary-fragment:00 01 02 03:more", "binary-fragment:04 05 06 07:more",
                        "binary-fragment:08 09:last",
                        "binary-fragment:0a 0b 0c 0d:more", "binary-fragment:0e 0f:more", "binary-fragment:10 11 12:last"),
                reads(1000, 4, input));
    }

    @Test
    @DisplayName("a 200 KiB frame arrives in 64 KiB fragments by default")
    void defaultFragmentSize() {
        byte[] payload = new byte[200 * 1024];
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.started(DriverOptions.builder(Role.SERVER).deliverFragments(true).build(), t);
        driver.parse(ByteBuffer.wrap(RawFrame.op(Opcode.BINARY).payload(payload).bytes()));
        assertEquals(4, t.lines.size());
        int[] sizes = t.lines.stream().mapToInt(l -> l.split(":")[1].split(" ").length).toArray();
        assertEquals(List.of(65536, 65536, 65536, 8192), java.util.Arrays.stream(sizes).boxed().toList());
        assertTrue(t.lines.get(3).endsWith(":last"));
    }

    @Test
    @DisplayName("text fragments end on character boundaries: a character cut by frames begins the next fragment")
    void characterCutByFrames() {
        // "€" is e2 82 ac: one byte per frame
        byte[] input = concat(RawFrame.op(Opcode.TEXT).payload("e2").fin(false).bytes(), continuation("82", false),
                continuation("ac", true));
        assertEquals(List.of("text-fragment::more", "text-fragment::more", "text-fragment:€:last"), reads(input));
    }

    @Test
    @DisplayName("text fragments end on character boundaries: a character cut by the fragment size too")
    void characterCutByFragmentSize() {
        // "a€b😀" is 61 | e2 82 ac | 62 | f0 9f 98 80; pieces of 2: [61 e2] [82 ac] [62 f0] [9f 98] [80]
        byte[] input = RawFrame.op(Opcode.TEXT).payload("61 e2 82 ac 62 f0 9f 98 80").bytes();
        assertEquals(List.of("text-fragment:a:more", "text-fragment:€:more", "text-fragment:b:more",
                "text-fragment::more", "text-fragment:😀:last"), reads(1000, 2, input));
    }

    @Test
    @DisplayName("Autobahn 6.x: bad UTF-8 fails with 1007 at the fragment that shows it, before that fragment is reported")
    void invalidUtf8FailsFast() {
        byte[] input = concat(RawFrame.text("Hel").fin(false).bytes(), continuation("6c c0 af", false),
                continuation("6f", true));
        List<String> lines = reads(input);
        assertEquals("text-fragment:Hel:more", lines.get(0));
        assertTrue(lines.get(1).startsWith(">CLOSE 88"), lines.toString());
        assertEquals(List.of("error:1007", "close:1007:text message is not valid UTF-8:unclean"), lines.subList(2, 4));
        assertEquals(4, lines.size());
    }

    @Test
    @DisplayName("a text message that ends inside a character fails with 1007")
    void textEndsInsideCharacter() {
        byte[] input = concat(RawFrame.op(Opcode.TEXT).payload("61 e2").fin(false).bytes(), continuation("82", true));
        List<String> lines = reads(input);
        assertEquals("text-fragment:a:more", lines.get(0));
        assertEquals("close:1007:text message ends inside a UTF-8 sequence:unclean", lines.get(lines.size() - 1));
    }

    @Test
    @DisplayName("the message size limit holds across fragments: 1009 at the header of the frame that passes it")
    void sizeLimitAcrossFragments() {
        byte[] input = concat(RawFrame.text("abc").fin(false).bytes(), continuation("64 65 66", true));
        List<String> lines = reads(5, 4, input);
        assertEquals("text-fragment:abc:more", lines.get(0));
        assertEquals("close:1009:message of at least 6 bytes exceeds the limit of 5:unclean", lines.get(lines.size() - 1));
    }

    @Test
    @DisplayName("after our close, fragments are read and checked but not reported")
    void afterOurClose() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.started(Drivers.fragments(1000, 4), t);
        driver.parse(ByteBuffer.wrap(RawFrame.text("ab").fin(false).bytes()));
        driver.close();
        driver.parse(ByteBuffer.wrap(concat(continuation("63", true), RawFrame.op(Opcode.CLOSE).payload("03 e8").bytes())));
        assertEquals(List.of("text-fragment:ab:more", ">CLOSE 88 02 03 e8", "close:1000::clean"), t.lines);
    }

    @Test
    @DisplayName("a client reads the unmasked fragments of RFC 6455 §5.7")
    void clientRole() {
        DriverOptions options = DriverOptions.builder(Role.CLIENT).deliverFragments(true).build();
        assertEquals(List.of("text-fragment:Hel:more", "text-fragment:lo:last"),
                Drivers.feedEveryWay(t -> Drivers.started(options, t), bytes("01 03 48 65 6c 80 02 6c 6f")));
    }

    @Test
    @DisplayName("without deliverFragments, fragments are assembled as ever")
    void defaultAssembles() {
        byte[] input = concat(RawFrame.text("Hel").fin(false).bytes(), continuation("6c 6f", true));
        assertEquals(List.of("text:Hello"), Drivers.feedEveryWay(Drivers::server, input));
    }

    /** A server with {@code options} on which the events ask fragments of {@code types} only. */
    private static List<String> readsAsking(DriverOptions options, Set<MessageType> types, byte[] input) {
        return Drivers.feedEveryWay(t -> {
            t.fragmentsOf = types;
            return Drivers.started(options, t);
        }, input);
    }

    @Test
    @DisplayName("events that ask fragments of binary messages only get text whole and binary in fragments")
    void fragmentsOfOneTypeOnly() {
        byte[] input = concat(RawFrame.text("Hel").fin(false).bytes(), continuation("6c 6f", true),
                RawFrame.op(Opcode.BINARY).payload("01 02").fin(false).bytes(), continuation("03", true),
                RawFrame.text("!").bytes());
        DriverOptions options = DriverOptions.builder(Role.SERVER).build();
        assertEquals(List.of("text:Hello", "binary-fragment:01 02:more", "binary-fragment:03:last", "text:!"),
                readsAsking(options, Set.of(MessageType.BINARY), input));
        assertEquals(List.of("text-fragment:Hel:more", "text-fragment:lo:last", "binary:01 02 03", "text-fragment:!:last"),
                readsAsking(options, Set.of(MessageType.TEXT), input));
    }

    @Test
    @DisplayName("with the message limit off, a message of many frames streams through, each frame still held to the frame limit")
    void noMessageLimit() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).maxFrameLength(2)
                .maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT).build();
        byte[] input = concat(RawFrame.op(Opcode.BINARY).payload("01 02").fin(false).bytes(), continuation("03 04", false),
                continuation("05 06", false), continuation("07", true));
        assertEquals(List.of("binary-fragment:01 02:more", "binary-fragment:03 04:more", "binary-fragment:05 06:more",
                "binary-fragment:07:last"), readsAsking(options, Set.of(MessageType.BINARY), input));

        byte[] tooLargeFrame = concat(RawFrame.op(Opcode.BINARY).payload("01 02").fin(false).bytes(), continuation("03 04 05", true));
        List<String> lines = readsAsking(options, Set.of(MessageType.BINARY), tooLargeFrame);
        assertEquals("close:1009:frame of 3 bytes exceeds the limit of 2:unclean", lines.get(lines.size() - 1));
    }

    @Test
    @DisplayName("the frame and message limits are apart: frames within one, the message past the other fails at its frame's header")
    void frameAndMessageLimitsApart() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).maxFrameLength(2).maxMessageLength(5).build();
        byte[] input = concat(RawFrame.op(Opcode.BINARY).payload("01 02").fin(false).bytes(), continuation("03 04", false),
                continuation("05 06", true));
        List<String> lines = readsAsking(options, Set.of(MessageType.BINARY), input);
        assertEquals(List.of("binary-fragment:01 02:more", "binary-fragment:03 04:more"), lines.subList(0, 2));
        assertEquals("close:1009:message of at least 6 bytes exceeds the limit of 5:unclean", lines.get(lines.size() - 1));
        List<String> whole = readsAsking(options, Set.of(), input);
        assertEquals("close:1009:message of at least 6 bytes exceeds the limit of 5:unclean", whole.get(whole.size() - 1));
    }

    @Test
    @DisplayName("with the message limit off, a type received whole is still held to what an array holds")
    void wholeMessagesStayWithinAnArray() {
        MessageLimits limits = MessageLimits.of(DriverOptions.NO_MESSAGE_LIMIT, false, true);
        assertEquals(DriverOptions.LARGEST_WHOLE_MESSAGE, limits.of(MessageType.TEXT));
        assertEquals(Long.MAX_VALUE, limits.of(MessageType.BINARY));
        // a frame header announcing 2^31 bytes on a whole text message fails at once
        DriverOptions options = DriverOptions.builder(Role.SERVER).maxFrameLength(DriverOptions.LARGEST_WHOLE_MESSAGE)
                .maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT).build();
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.started(options, t);
        driver.parse(ByteBuffer.wrap(concat(RawFrame.text("ab").fin(false).bytes(),
                bytes("80 ff 00 00 00 00 7f ff ff f7 37 fa 21 3d"))));
        assertEquals("close:1009:message of at least 2147483641 bytes exceeds the limit of 2147483639:unclean",
                t.lines.get(t.lines.size() - 1));
    }
}
