package dev.tether.driver.hixie;

import dev.tether.api.ReadyState;
import dev.tether.driver.Driver;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.Transcript;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.tether.driver.Hex.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Hixie75DriverTest extends HixieFramingContract {

    @Override
    Driver openDriver(Transcript transcript, int maxLength) {
        Hixie75Driver driver = new Hixie75Driver(maxLength, null, transcript, transcript);
        driver.start();
        transcript.lines.clear();
        return driver;
    }

    @Override
    Driver openDriver(Transcript transcript, DriverOptions options) {
        Hixie75Driver driver = new Hixie75Driver(options, null, transcript, transcript);
        driver.start();
        transcript.lines.clear();
        return driver;
    }

    @Test
    @DisplayName("0xFF 0x00 is an empty length-prefixed frame in hixie-75, not a close")
    void noClosingFrame() {
        Transcript t = new Transcript();
        Driver driver = openDriver(t, 100);
        driver.parse(ByteBuffer.wrap(bytes("ff 00 00 61 ff")));
        assertEquals(List.of("text:a"), t.lines);
    }

    @Test
    @DisplayName("close() ends the connection at once: hixie-75 has no closing handshake")
    void closeIsImmediate() {
        Transcript t = new Transcript();
        Driver driver = openDriver(t, 100);
        driver.close(1000, "bye");
        assertEquals(List.of("close:1000:bye:clean"), t.lines);
        assertEquals(ReadyState.CLOSED, driver.readyState());
    }

    @Test
    @DisplayName("sends before start are refused and not kept; what the owner sends from onOpen is written")
    void sendsBeforeOpenAreTheOwners() {
        Transcript t = new Transcript();
        Hixie75Driver driver = new Hixie75Driver(100, null, t, t);
        assertFalse(driver.text("early"));
        assertFalse(driver.close(1000, "bye"));
        assertEquals(List.of(), t.lines);
        assertEquals(ReadyState.CONNECTING, driver.readyState());
        t.atOpen = () -> assertTrue(driver.text("early"));
        driver.start();
        assertEquals(List.of("open", ">DATA 00 65 61 72 6c 79 ff"), t.lines);
        assertEquals("hixie-75", driver.version());
    }
}
