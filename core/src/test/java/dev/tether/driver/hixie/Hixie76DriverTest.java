package dev.tether.driver.hixie;

import dev.tether.api.ReadyState;
import dev.tether.driver.Driver;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.FeedEveryWay;
import dev.tether.driver.Transcript;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.tether.driver.Hex.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Hixie76DriverTest extends HixieFramingContract {
    // The example handshake of draft-hixie-thewebsocketprotocol-76 §1.3.
    private static final String KEY1 = "4 @1  46546xW%0l 1 5";
    private static final String KEY2 = "12998 5 Y3 1  .P00";
    private static final byte[] KEY3 = "^n:ds[4U".getBytes(StandardCharsets.US_ASCII);
    private static final String ANSWER_HEX = HexOf.ascii("8jKS'y:G*Co,Wxa-");

    @Override
    Driver openDriver(Transcript transcript, int maxLength) {
        Hixie76Driver driver = new Hixie76Driver(KEY1, KEY2, maxLength, null, transcript, transcript);
        driver.start();
        driver.parse(ByteBuffer.wrap(KEY3.clone()));
        transcript.lines.clear();
        return driver;
    }

    @Override
    Driver openDriver(Transcript transcript, DriverOptions options) {
        Hixie76Driver driver = new Hixie76Driver(KEY1, KEY2, options, null, transcript, transcript);
        driver.start();
        driver.parse(ByteBuffer.wrap(KEY3.clone()));
        transcript.lines.clear();
        return driver;
    }

    @Test
    @DisplayName("the 8 key bytes are answered with the 16-byte MD5 challenge response, then the connection opens")
    void keyChallenge() {
        byte[] input = concat(KEY3, bytes("00 48 69 ff"));
        List<String> lines = FeedEveryWay.feed(t -> {
            Hixie76Driver d = new Hixie76Driver(KEY1, KEY2, 1000, null, t, t);
            d.start();
            return d;
        }, input);
        assertEquals(List.of(">DATA " + ANSWER_HEX, "open", "text:Hi"), lines);
    }

    @Test
    @DisplayName("key bytes that arrive before start() are answered at start(); sends before the answer are refused")
    void keyBeforeStart() {
        Transcript t = new Transcript();
        Hixie76Driver driver = new Hixie76Driver(KEY1, KEY2, 1000, null, t, t);
        assertFalse(driver.text("refused"));
        driver.parse(ByteBuffer.wrap(KEY3.clone()));
        assertFalse(driver.text("refused"), "the key is in, but the connection opens at start()");
        assertEquals(List.of(), t.lines);
        assertEquals(ReadyState.CONNECTING, driver.readyState());
        t.atOpen = () -> assertTrue(driver.text("queued")); // the owner's queue, replayed
        driver.start();
        assertEquals(List.of(">DATA " + ANSWER_HEX, "open", ">DATA 00 71 75 65 75 65 64 ff"), t.lines,
                "what the owner sends from onOpen follows the 16-byte answer");
    }

    @Test
    @DisplayName("started, waiting for the key bytes: sends are refused until the answer is written")
    void startedWaitingForKey() {
        Transcript t = new Transcript();
        Hixie76Driver driver = new Hixie76Driver(KEY1, KEY2, 1000, null, t, t);
        driver.start();
        assertFalse(driver.text("refused"));
        assertFalse(driver.close(1000, ""));
        driver.parse(ByteBuffer.wrap(KEY3, 0, 7).slice());
        assertFalse(driver.text("refused"), "7 of the 8 key bytes");
        assertEquals(List.of(), t.lines);
        driver.parse(ByteBuffer.wrap(KEY3, 7, 1).slice());
        assertEquals(ReadyState.OPEN, driver.readyState());
        assertTrue(driver.text("a"));
        assertEquals(List.of(">DATA " + ANSWER_HEX, "open", ">DATA 00 61 ff"), t.lines);
    }

    @Test
    @DisplayName("0xFF 0x00 from the peer is answered with 0xFF 0x00 and closes cleanly")
    void peerCloses() {
        List<String> lines = FeedEveryWay.feed(t -> openDriver(t, 100), bytes("00 61 ff ff 00 00 62 ff"));
        assertEquals(List.of("text:a", ">CLOSE ff 00", "close:1000::clean"), lines);
    }

    @Test
    @DisplayName("delivered later: the peer's 0xFF 0x00 is held, so a reply to the text before it goes out first")
    void peerCloseHeldForLaterDelivery() {
        Transcript t = Transcript.deliveringLater();
        Driver driver = openDriver(t, 100);
        driver.parse(ByteBuffer.wrap(bytes("00 61 ff ff 00 00 62 ff")));
        assertEquals(List.of("text:a"), t.lines);
        assertTrue(driver.hasHeldClose());
        driver.text("a");
        driver.releaseHeldClose();
        assertEquals(List.of("text:a", ">DATA 00 61 ff", ">CLOSE ff 00", "close:1000::clean"), t.lines);
    }

    @Test
    @DisplayName("close() sends 0xFF 0x00 and waits for the peer's; text is neither sent nor delivered meanwhile")
    void weClose() {
        Transcript t = new Transcript();
        Driver driver = openDriver(t, 100);
        assertTrue(driver.close(1000, ""));
        assertEquals(ReadyState.CLOSING, driver.readyState());
        assertEquals(false, driver.text("late"));
        driver.parse(ByteBuffer.wrap(bytes("00 61 ff ff 00")));
        assertEquals(List.of(">CLOSE ff 00", "close:1000::clean"), t.lines);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Hex of ASCII text, to write the draft's answer as it prints it. */
    private static final class HexOf {
        static String ascii(String s) {
            return dev.tether.driver.Hex.hex(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
