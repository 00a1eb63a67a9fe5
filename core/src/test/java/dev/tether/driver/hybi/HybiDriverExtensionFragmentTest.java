package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.Transcript;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.tether.driver.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Extensions that work on fragments ({@code ExtensionSession.processesFragments()}): received
 * fragments go through them one by one, as they arrive, then are reported as fragments or assembled;
 * fragments sent go through them on the way out. One extension on whole messages puts the whole
 * pipeline back on whole messages, as before.
 */
class HybiDriverExtensionFragmentTest {
    private static final DriverOptions WHOLE = DriverOptions.defaults(Role.SERVER);
    private static final DriverOptions FRAGMENTS = Drivers.fragments(DriverOptions.DEFAULT_MAX_LENGTH, 4);

    private final FragmentExtension flip = new FragmentExtension("x-flip", Message.RSV1, true);

    /** "hEL" with RSV1, then "LO": "Hello" once x-flip has flipped the case back. */
    private static byte[] flippedHello() {
        return concat(RawFrame.text("hEL").rsv(Message.RSV1).fin(false).bytes(),
                RawFrame.op(Opcode.CONTINUATION).payload("LO".getBytes(StandardCharsets.US_ASCII)).bytes());
    }

    private List<String> reads(DriverOptions options, FragmentExtension extension, byte[] input) {
        return Drivers.feedEveryWay(t -> Drivers.started(options, t, extension), input);
    }

    @Test
    @DisplayName("each fragment goes through the extension as it arrives, the message's RSV bits on every one; then it is assembled")
    void fragmentsThroughTheExtensionThenAssembled() {
        Transcript t = new Transcript();
        Drivers.started(WHOLE, t, flip).parse(ByteBuffer.wrap(flippedHello()));
        assertEquals(List.of("text:Hello"), t.lines);
        assertEquals(List.of("in-fragment:first:rsv=40:68 45 4c", "in-fragment:last:rsv=40:4c 4f"), flip.calls);
        assertEquals(List.of("text:Hello"), reads(WHOLE, flip, flippedHello()), "however the input is split");
    }

    @Test
    @DisplayName("with deliverFragments, what the extension passes on is reported fragment by fragment")
    void fragmentsThroughTheExtensionThenReported() {
        assertEquals(List.of("text-fragment:Hel:more", "text-fragment:lo:last"), reads(FRAGMENTS, flip, flippedHello()));
    }

    @Test
    @DisplayName("the extension sees frames cut to fragmentSize, counted from each frame's start")
    void extensionSeesPieces() {
        Transcript t = new Transcript();
        byte[] input = RawFrame.text("hELLO, wORLD").rsv(Message.RSV1).bytes();
        Drivers.started(FRAGMENTS, t, flip).parse(ByteBuffer.wrap(input));
        assertEquals(List.of("text-fragment:Hell:more", "text-fragment:o, W:more", "text-fragment:orld:last"), t.lines);
        assertEquals(3, flip.calls.size());
    }

    @Test
    @DisplayName("a message without the extension's bit passes it unchanged")
    void messageNotTheExtensions() {
        byte[] input = RawFrame.text("hEL").bytes();
        assertEquals(List.of("text:hEL"), reads(WHOLE, flip, input));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = FragmentExtension.Mode.class, names = {"BYTE_BY_BYTE", "HOLD_TO_THE_END"})
    @DisplayName("an extension may pass on several fragments for one, or none until the last: the message is the same")
    void manyOrNone(FragmentExtension.Mode mode) {
        flip.mode = mode;
        assertEquals(List.of("text:Hello"), reads(WHOLE, flip, flippedHello()));
        List<String> expected = mode == FragmentExtension.Mode.BYTE_BY_BYTE
                ? List.of("text-fragment:H:more", "text-fragment:e:more", "text-fragment:l:more", "text-fragment:l:more",
                "text-fragment:o:last")
                : List.of("text-fragment:Hello:last");
        assertEquals(expected, reads(FRAGMENTS, flip, flippedHello()));
    }

    @Test
    @DisplayName("what the extension passes on counts against the size limit: 1009 when it outgrows it")
    void extensionOutputOverTheLimit() {
        flip.mode = FragmentExtension.Mode.DOUBLING;
        DriverOptions small = DriverOptions.builder(Role.SERVER).maxLength(5).build();
        List<String> lines = reads(small, flip, RawFrame.text("abc").rsv(Message.RSV1).bytes());
        assertEquals("close:1009:message of at least 6 bytes exceeds the limit of 5:unclean", lines.get(lines.size() - 1));
    }

    @Test
    @DisplayName("one extension on whole messages puts every extension on whole messages, as before")
    void oneWholeMessageExtension() {
        FragmentExtension whole = new FragmentExtension("x-whole", Message.RSV2, false);
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.started(WHOLE, t, flip, whole);
        driver.parse(ByteBuffer.wrap(flippedHello()));
        assertEquals(List.of("text:Hello"), t.lines);
        assertEquals(List.of("in-message:rsv=40:68 45 4c 4c 4f"), flip.calls);
        assertEquals(List.of("in-message:rsv=40:68 45 4c 4c 4f"), whole.calls);
    }

    @Test
    @DisplayName("with deliverFragments and an extension on whole messages, each message is one fragment")
    void wholeMessageExtensionWithFragments() {
        FragmentExtension whole = new FragmentExtension("x-whole", Message.RSV1, false);
        assertEquals(List.of("text-fragment:Hello:last", "binary-fragment:01 02:last"),
                reads(FRAGMENTS, whole, concat(flippedHello(), RawFrame.op(Opcode.BINARY).payload("01 02").bytes())));
    }

    @Test
    @DisplayName("fragments sent go through the extension; the first frame carries the RSV bits it set, continuations none")
    void fragmentsSent() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.started(WHOLE, t, flip);
        driver.fragment(MessageType.TEXT, ascii("Hel"), false);
        driver.fragment(MessageType.TEXT, ascii("lo"), true);
        assertEquals(List.of(">DATA 41 03 68 45 4c", ">DATA 80 02 4c 4f"), t.lines);
        assertEquals(List.of("out-fragment:first:rsv=0:48 65 6c", "out-fragment:last:rsv=0:6c 6f"), flip.calls);
    }

    @Test
    @DisplayName("an extension that passes on several fragments for one sent: one frame each, FIN on the very last")
    void fragmentsSentManyForOne() {
        flip.mode = FragmentExtension.Mode.BYTE_BY_BYTE;
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.started(WHOLE, t, flip);
        driver.fragment(MessageType.BINARY, ascii("ab"), false);
        driver.ping(ByteBuffer.allocate(0));
        driver.fragment(MessageType.BINARY, ascii("c"), true);
        driver.text("x");
        assertEquals(List.of(">DATA 42 01 41", ">DATA 00 01 42", ">CONTROL 89 00", ">DATA 80 01 43", ">DATA c1 01 58"), t.lines);
    }

    @Test
    @DisplayName("a whole message sent goes through the extension whole, even one that works on fragments")
    void wholeMessageSent() {
        Transcript t = new Transcript();
        Drivers.started(WHOLE, t, flip).text("Hello");
        assertEquals(List.of(">DATA c1 05 68 45 4c 4c 4f"), t.lines);
        assertEquals(List.of("out-message:48 65 6c 6c 6f"), flip.calls);
    }

    @Test
    @DisplayName("fragments sent bypass an extension on whole messages, as before")
    void fragmentsSentBypassWholeMessageExtension() {
        FragmentExtension whole = new FragmentExtension("x-whole", Message.RSV1, false);
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.started(WHOLE, t, whole);
        driver.fragment(MessageType.TEXT, ascii("Hel"), false);
        driver.fragment(MessageType.TEXT, ascii("lo"), true);
        assertEquals(List.of(">DATA 01 03 48 65 6c", ">DATA 80 02 6c 6f"), t.lines);
        assertEquals(List.of(), whole.calls);
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
