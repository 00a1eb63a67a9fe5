package dev.tether.driver.hixie;

import dev.tether.api.ReadyState;
import dev.tether.driver.Driver;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.FeedEveryWay;
import dev.tether.driver.Transcript;
import dev.tether.message.MemoryBudget;
import dev.tether.message.MessageType;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.tether.driver.Hex.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The framing both hixie drafts share (faye's draft75 shared examples): each test runs for hixie-75
 * and hixie-76. Vectors are fed whole, split at every offset and one byte at a time.
 */
abstract class HixieFramingContract {

    /** A driver that is open, with its transcript cleared. */
    abstract Driver openDriver(Transcript transcript, int maxLength);

    /** As {@link #openDriver}, made with {@code options}. */
    abstract Driver openDriver(Transcript transcript, DriverOptions options);

    private List<String> reads(String hex) {
        return FeedEveryWay.feed(t -> openDriver(t, 1000), bytes(hex));
    }

    @Test
    @DisplayName("asked for fragments, each message is one fragment: these drafts have no fragmentation")
    void fragments() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).maxLength(1000).deliverFragments(true).fragmentSize(2).build();
        assertEquals(List.of("text-fragment:Hello:last", "text-fragment:€:last", "text-fragment::last"),
                FeedEveryWay.feed(t -> openDriver(t, options), bytes("00 48 65 6c 6c 6f ff 00 e2 82 ac ff 00 ff")));
    }

    @Test
    @DisplayName("sendFrameSize does not apply: these drafts have no fragmentation, a text goes out in one frame")
    void sendFrameSizeIgnored() {
        Transcript t = new Transcript();
        openDriver(t, DriverOptions.builder(Role.SERVER).sendFrameSize(2).build()).text("Hello");
        assertEquals(List.of(">DATA 00 48 65 6c 6c 6f ff"), t.lines);
    }

    @Test
    @DisplayName("a text frame is 0x00, UTF-8, 0xFF")
    void textFrame() {
        assertEquals(List.of("text:Hello"), reads("00 48 65 6c 6c 6f ff"));
    }

    @Test
    @DisplayName("several frames in one read, multi-byte text and an empty frame")
    void severalFrames() {
        assertEquals(List.of("text:a", "text:€", "text:"), reads("00 61 ff 00 e2 82 ac ff 00 ff"));
    }

    @Test
    @DisplayName("input in a direct buffer reads the same")
    void directInput() {
        Transcript t = new Transcript();
        Driver driver = openDriver(t, 1000);
        byte[] input = bytes("00 48 65 6c 6c 6f ff 00 e2 82 ac ff");
        driver.parse(ByteBuffer.allocateDirect(input.length).put(input).flip());
        assertEquals(List.of("text:Hello", "text:€"), t.lines);
    }

    @Test
    @DisplayName("length-prefixed frames (type byte with the high bit set) are skipped")
    void lengthPrefixedFramesSkipped() {
        // type 0x80, length 0x81 0x00 = 128 bytes, then a text frame
        String skipped = "80 81 00 " + "2a ".repeat(128);
        assertEquals(List.of("text:after"), reads(skipped + "00 61 66 74 65 72 ff"));
    }

    @Test
    @DisplayName("text that is not UTF-8 fails the connection")
    void invalidUtf8() {
        List<String> lines = reads("00 c0 af ff");
        assertTrue(lines.contains("error:1007"), lines.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("close:1007:"), lines.toString());
    }

    @Test
    @DisplayName("a text frame over maxLength fails with 1009 without waiting for its end")
    void textOverLimit() {
        Transcript t = new Transcript();
        Driver driver = openDriver(t, 4);
        driver.parse(ByteBuffer.wrap(bytes("00 61 62 63 64 65")));
        assertTrue(t.lines.contains("error:1009"), t.lines.toString());
    }

    @Test
    @DisplayName("text takes memory from the connections' budget as it arrives: 1013 when too little is left, all given back after the frame")
    void textWithinTheBudget() {
        MemoryBudget budget = MemoryBudget.of(64 * 1024);
        DriverOptions options = DriverOptions.builder(Role.SERVER).messageMemory(budget).build();
        Transcript t = new Transcript();
        Driver driver = openDriver(t, options);
        byte[] frame = new byte[20_002];
        java.util.Arrays.fill(frame, (byte) 'a');
        frame[0] = 0x00;
        frame[frame.length - 1] = (byte) 0xFF;
        driver.parse(ByteBuffer.wrap(frame));
        assertEquals(List.of("text:" + "a".repeat(20_000)), t.lines);
        assertEquals(0, budget.reserved(), "given back with the message");

        assertTrue(budget.tryReserve(60 * 1024)); // what other connections hold
        t.lines.clear();
        driver.parse(ByteBuffer.wrap(frame, 0, 10_001));
        assertTrue(t.lines.contains("error:1013"), t.lines.toString());
        assertEquals(60 * 1024, budget.reserved(), "the failed frame took nothing");
    }

    @Test
    @DisplayName("a text frame both over maxLength and not UTF-8 fails with the code of its first bad byte, however it is split (found by HixieFramingFuzz)")
    void firstBadByteDecides() {
        List<String> early = FeedEveryWay.feed(t -> openDriver(t, 4), bytes("00 61 c0 62 63 64 65"));
        assertTrue(early.contains("error:1007"), early.toString()); // the bad byte is the 2nd, within the limit
        List<String> late = FeedEveryWay.feed(t -> openDriver(t, 4), bytes("00 61 62 63 64 c0 65"));
        assertTrue(late.contains("error:1009"), late.toString()); // the 5th byte passes the limit first
    }

    @Test
    @DisplayName("a skipped frame announcing more than maxLength fails with 1009")
    void skippedFrameOverLimit() {
        Transcript t = new Transcript();
        Driver driver = openDriver(t, 1000);
        driver.parse(ByteBuffer.wrap(bytes("80 ff ff ff 7f")));
        assertTrue(t.lines.contains("error:1009"), t.lines.toString());
    }

    @Test
    @DisplayName("sending text writes 0x00, UTF-8, 0xFF; binary, pings and fragments cannot be sent")
    void sending() {
        Transcript t = new Transcript();
        Driver driver = openDriver(t, 1000);
        assertTrue(driver.text("hé"));
        assertFalse(driver.binary(ByteBuffer.allocate(1)));
        assertFalse(driver.ping(ByteBuffer.allocate(0)));
        assertFalse(driver.pong(ByteBuffer.allocate(0)));
        assertFalse(driver.fragment(MessageType.TEXT, ByteBuffer.allocate(1), true));
        assertEquals(List.of(">DATA 00 68 c3 a9 ff"), t.lines);
        assertEquals(List.of(), driver.extensions());
    }

    @Test
    @DisplayName("the stream ending reports 1006 once")
    void endOfInput() {
        Transcript t = new Transcript();
        Driver driver = openDriver(t, 1000);
        driver.endOfInput();
        driver.endOfInput();
        assertEquals(List.of("close:1006::unclean"), t.lines);
        assertEquals(ReadyState.CLOSED, driver.readyState());
        assertFalse(driver.text("late"));
    }
}
