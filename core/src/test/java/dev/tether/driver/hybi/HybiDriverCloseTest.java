package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.Hex;
import dev.tether.driver.Transcript;
import dev.tether.message.MemoryBudget;
import dev.tether.protocol.Role;

import dev.tether.api.ReadyState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.tether.driver.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The close handshake, both ways, and the close codes allowed on the wire. */
class HybiDriverCloseTest {

    private static byte[] closeFrame(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        return RawFrame.op(Opcode.CLOSE).payload(ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array()).bytes();
    }

    @ParameterizedTest(name = "Autobahn 7.7.x: close code {0} is echoed and ends the connection cleanly")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    void validCodesEchoed(int code) {
        List<String> lines = Drivers.feedEveryWay(Drivers::server, closeFrame(code, "bye"));
        String echoed = String.format(">CLOSE 88 02 %02x %02x", code >> 8, code & 0xFF);
        assertEquals(List.of(echoed, "close:" + code + ":bye:clean"), lines);
    }

    @ParameterizedTest(name = "Autobahn 7.9.x: close code {0} is a protocol error")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void invalidCodesFail(int code) {
        List<String> lines = Drivers.feedEveryWay(Drivers::server, closeFrame(code, ""));
        assertTrue(lines.get(0).matches(">CLOSE 88 [0-9a-f]{2} 03 ea.*"), lines.toString());
        assertEquals("error:1002", lines.get(1));
        assertEquals("close:1002:close code " + code + " is not valid on the wire:unclean", lines.get(2));
    }

    @Test
    @DisplayName("frames after the peer's close in the same read are dropped, and take no memory (found by FrameParserFuzz)")
    void framesAfterThePeersCloseTakeNothing() {
        MemoryBudget budget = MemoryBudget.of(1 << 20);
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.started(DriverOptions.builder(Role.SERVER).messageMemory(budget).build(), t);
        byte[] read = Hex.concat(closeFrame(1000, "bye"), RawFrame.op(Opcode.TEXT).fin(false).payload(new byte[] {'a', 'b'}).bytes());
        ByteBuffer input = ByteBuffer.wrap(read);
        driver.parse(input);
        assertEquals(0, input.remaining(), "parse consumes everything, what it drops too");
        assertEquals(List.of(">CLOSE 88 02 03 e8", "close:1000:bye:clean"), t.lines);
        assertEquals(0, budget.reserved(), "the text frame after the close was not assembled");
    }

    @Test
    @DisplayName("Autobahn 7.3.1: a close frame without a payload is answered without one and reported as 1005")
    void emptyClose() {
        assertEquals(List.of(">CLOSE 88 00", "close:1005::clean"),
                Drivers.feedEveryWay(Drivers::server, RawFrame.op(Opcode.CLOSE).bytes()));
    }

    @Test
    @DisplayName("Autobahn 7.3.4: a close reason of 123 bytes is accepted")
    void longestReason() {
        String reason = "r".repeat(123);
        assertEquals(List.of(">CLOSE 88 02 03 e8", "close:1000:" + reason + ":clean"),
                Drivers.feedEveryWay(Drivers::server, closeFrame(1000, reason)));
    }

    @Test
    @DisplayName("Autobahn 7.5.1: a close reason that is not UTF-8 fails with 1007")
    void invalidReason() {
        byte[] payload = Hex.bytes("03 e8 ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64");
        List<String> lines = Drivers.feedEveryWay(Drivers::server, RawFrame.op(Opcode.CLOSE).payload(payload).bytes());
        assertEquals("error:1007", lines.get(1));
        assertEquals("close:1007:close reason is not valid UTF-8:unclean", lines.get(2));
    }

    @Test
    @DisplayName("Autobahn 7.1.2-7.1.5: frames after the peer's close are neither delivered nor answered")
    void framesAfterClose() {
        byte[] input = concat(closeFrame(1000, ""), RawFrame.text("late").bytes(), RawFrame.op(Opcode.PING).bytes());
        assertEquals(List.of(">CLOSE 88 02 03 e8", "close:1000::clean"), Drivers.feedEveryWay(Drivers::server, input));
    }

    @Test
    @DisplayName("we close first: CLOSING until the peer answers, messages meanwhile dropped, then CLOSED cleanly")
    void weCloseFirst() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t);
        assertTrue(driver.close(4000, "done"));
        assertEquals(ReadyState.CLOSING, driver.readyState());
        assertFalse(driver.text("after close"), "nothing is sent after a close frame");
        assertFalse(driver.ping(ByteBuffer.allocate(0)));
        assertFalse(driver.close(1000, ""));
        driver.parse(ByteBuffer.wrap(concat(RawFrame.text("in flight").bytes(), RawFrame.op(Opcode.PING).bytes(),
                closeFrame(4000, "done"))));
        assertEquals(ReadyState.CLOSED, driver.readyState());
        assertEquals(List.of(">CLOSE 88 06 0f a0 64 6f 6e 65", "close:4000:done:clean"), t.lines);
        driver.endOfInput();
        assertEquals(2, t.lines.size(), "the close is reported once");
    }

    @Test
    @DisplayName("both ends close at once: each answers nothing more and both end cleanly")
    void simultaneousClose() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t);
        driver.close(1000, "");
        driver.parse(ByteBuffer.wrap(closeFrame(1001, "")));
        assertEquals(List.of(">CLOSE 88 02 03 e8", "close:1001::clean"), t.lines);
    }

    @Test
    @DisplayName("the stream ending without a close frame reports 1006, once")
    void abnormalEnd() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t);
        driver.parse(ByteBuffer.wrap(RawFrame.text("half").fin(false).bytes()));
        driver.endOfInput();
        driver.endOfInput();
        assertEquals(List.of("close:1006::unclean"), t.lines);
        assertEquals(ReadyState.CLOSED, driver.readyState());
    }

    @Test
    @DisplayName("the peer vanishing after our close reports 1006")
    void peerVanishesAfterOurClose() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t);
        driver.close(1000, "");
        driver.endOfInput();
        assertEquals(List.of(">CLOSE 88 02 03 e8", "close:1006::unclean"), t.lines);
    }

    @ParameterizedTest(name = "close({0}) is refused: the code may not be sent")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2000, 5000})
    void unsendableCodes(int code) {
        HybiDriver driver = Drivers.server(new Transcript());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> driver.close(code, ""));
        assertTrue(e.getMessage().contains(String.valueOf(code)), e.getMessage());
    }

    @Test
    @DisplayName("a close reason over 123 UTF-8 bytes is refused")
    void reasonTooLong() {
        HybiDriver driver = Drivers.server(new Transcript());
        assertThrows(IllegalArgumentException.class, () -> driver.close(1000, "é".repeat(62)));
    }

    @Test
    @DisplayName("a protocol error's close reason is cut at a character boundary to fit the frame")
    void failureReasonTruncated() {
        byte[] reason = CloseFrames.truncatedUtf8("€".repeat(50));
        assertEquals(123, reason.length);
        assertTrue(dev.tether.message.Utf8Validator.isValid(reason, 0, reason.length));
    }
}
