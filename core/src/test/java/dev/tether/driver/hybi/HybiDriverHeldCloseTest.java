package dev.tether.driver.hybi;

import dev.tether.api.ReadyState;
import dev.tether.driver.Transcript;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static dev.tether.driver.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transport that delivers events after {@code parse} returns gets the peer's close (or a violation)
 * held, so that replies to the messages before it are written first (RFC 6455 §5.5.1).
 */
class HybiDriverHeldCloseTest {

    private static byte[] closeFrame(int code) {
        return RawFrame.op(Opcode.CLOSE).payload(ByteBuffer.allocate(2).putShort((short) code).array()).bytes();
    }

    @Test
    @DisplayName("a message and a close in one read: the reply sent for the message goes out before the close")
    void replyBeforeClose() {
        Transcript t = Transcript.deliveringLater();
        HybiDriver driver = Drivers.server(t);
        ByteBuffer input = ByteBuffer.wrap(concat(RawFrame.text("last request").bytes(), closeFrame(1000)));

        driver.parse(input);

        assertEquals(List.of("text:last request"), t.lines);
        assertFalse(input.hasRemaining());
        assertTrue(driver.hasHeldClose());
        assertEquals(ReadyState.OPEN, driver.readyState());

        assertTrue(driver.text("answer")); // what the application does when the event reaches it
        driver.releaseHeldClose();

        assertEquals(List.of("text:last request", ">DATA 81 06 61 6e 73 77 65 72", ">CLOSE 88 02 03 e8", "close:1000::clean"), t.lines);
        assertFalse(driver.hasHeldClose());
        assertEquals(ReadyState.CLOSED, driver.readyState());
    }

    @Test
    @DisplayName("a message and a protocol violation in one read: the reply goes out before the 1002 close")
    void replyBeforeViolation() {
        Transcript t = Transcript.deliveringLater();
        HybiDriver driver = Drivers.server(t);
        byte[] reservedOpcode = RawFrame.op(0x3).bytes();

        driver.parse(ByteBuffer.wrap(concat(RawFrame.text("hi").bytes(), reservedOpcode)));

        assertEquals(List.of("text:hi"), t.lines);
        assertTrue(driver.hasHeldClose());
        driver.text("hi");
        driver.releaseHeldClose();

        assertEquals("text:hi", t.lines.get(0));
        assertEquals(">DATA 81 02 68 69", t.lines.get(1));
        assertTrue(t.lines.get(2).startsWith(">CLOSE 88 "), t.lines.toString());
        assertTrue(t.lines.get(2).contains(" 03 ea"), t.lines.toString());
        assertEquals("error:1002", t.lines.get(3));
        assertTrue(t.lines.get(4).startsWith("close:1002:reserved opcode 0x3:unclean"), t.lines.toString());
    }

    @Test
    @DisplayName("a 256 KiB message, a short one, a close and a ping together: both messages, then the close; the ping is dropped")
    void bothMessagesThenClose() {
        Transcript t = Transcript.deliveringLater();
        HybiDriver driver = Drivers.server(t);
        byte[] large = new byte[256 * 1024];
        Arrays.fill(large, (byte) 7);
        byte[] input = concat(RawFrame.op(Opcode.BINARY).payload(large).bytes(), RawFrame.text("short").bytes(), closeFrame(1001),
                RawFrame.op(Opcode.PING).payload("late".getBytes(StandardCharsets.US_ASCII)).bytes());

        driver.parse(ByteBuffer.wrap(input));

        assertEquals(2, t.lines.size(), t.lines.toString());
        assertTrue(t.lines.get(0).startsWith("binary:07 07"));
        assertEquals("text:short", t.lines.get(1));
        assertTrue(driver.hasHeldClose());
        driver.releaseHeldClose();
        assertEquals(List.of(">CLOSE 88 02 03 e9", "close:1001::clean"), t.lines.subList(2, t.lines.size()));
    }

    @Test
    @DisplayName("while a close is held, more input is read and dropped")
    void inputAfterHeldCloseDropped() {
        Transcript t = Transcript.deliveringLater();
        HybiDriver driver = Drivers.server(t);
        driver.parse(ByteBuffer.wrap(closeFrame(1000)));
        ByteBuffer late = ByteBuffer.wrap(RawFrame.text("late").bytes());

        driver.parse(late);

        assertFalse(late.hasRemaining());
        assertEquals(List.of(), t.lines);
        driver.releaseHeldClose();
        assertEquals(List.of(">CLOSE 88 02 03 e8", "close:1000::clean"), t.lines);
    }

    @Test
    @DisplayName("the application closes while the peer's close is held: one close frame, the peer's status")
    void applicationClosesMeanwhile() {
        Transcript t = Transcript.deliveringLater();
        HybiDriver driver = Drivers.server(t);
        driver.parse(ByteBuffer.wrap(concat(RawFrame.text("bye").bytes(), closeFrame(4000))));

        driver.close(1000, "");
        driver.releaseHeldClose();

        assertEquals(List.of("text:bye", ">CLOSE 88 02 03 e8", "close:4000::clean"), t.lines);
    }

    @Test
    @DisplayName("the input ending (or the connection being dropped) while a close is held reports 1006")
    void endOfInputDropsHeldClose() {
        Transcript t = Transcript.deliveringLater();
        HybiDriver driver = Drivers.server(t);
        driver.parse(ByteBuffer.wrap(closeFrame(1000)));

        driver.endOfInput();
        driver.releaseHeldClose();

        assertEquals(List.of("close:1006::unclean"), t.lines);
        assertFalse(driver.hasHeldClose());
    }

    @Test
    @DisplayName("events delivered as they happen: the close is answered inside parse, as before")
    void notHeldForInlineDelivery() {
        Transcript t = new Transcript();
        HybiDriver driver = Drivers.server(t);
        driver.parse(ByteBuffer.wrap(concat(RawFrame.text("hi").bytes(), closeFrame(1000))));
        assertFalse(driver.hasHeldClose());
        assertEquals(List.of("text:hi", ">CLOSE 88 02 03 e8", "close:1000::clean"), t.lines);
    }

    @Test
    @DisplayName("split at every offset, released after every read as a transport does: the reply still goes before the close")
    void everySplit() {
        byte[] input = concat(RawFrame.text("hi").bytes(), closeFrame(1000));
        for (int split = 0; split <= input.length; split++) {
            Transcript t = Transcript.deliveringLater();
            HybiDriver driver = Drivers.server(t);
            byte[] copy = input.clone(); // unmasked in place
            for (ByteBuffer read : List.of(ByteBuffer.wrap(copy, 0, split).slice(), ByteBuffer.wrap(copy, split, copy.length - split).slice())) {
                int before = t.lines.size();
                driver.parse(read);
                // The transport delivers what this read reported, the listener replies, then the release.
                if (t.lines.subList(before, t.lines.size()).contains("text:hi")) {
                    driver.text("hi");
                }
                driver.releaseHeldClose();
            }
            assertEquals(List.of("text:hi", ">DATA 81 02 68 69", ">CLOSE 88 02 03 e8", "close:1000::clean"), t.lines,
                    "split at " + split);
        }
    }
}
