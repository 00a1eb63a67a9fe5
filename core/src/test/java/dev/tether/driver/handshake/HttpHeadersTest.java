package dev.tether.driver.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpHeadersTest {

    private static HttpHeaders sample() {
        return new HttpHeaders()
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Extensions", "a")
                .add("sec-websocket-extensions", "b");
    }

    @Test
    void lookupsIgnoreCase() {
        HttpHeaders headers = sample();
        assertEquals("websocket", headers.first("UPGRADE"));
        assertEquals(List.of("a", "b"), headers.all("SEC-WEBSOCKET-EXTENSIONS"));
        assertTrue(headers.contains("connection"));
    }

    @Test
    void missingNames() {
        HttpHeaders headers = sample();
        assertNull(headers.first("Origin"));
        assertEquals(List.of(), headers.all("Origin"));
        assertFalse(headers.contains("Origin"));
    }

    @Test
    void forEachVisitsFieldsInInsertionOrderWithOriginalSpelling() {
        List<String> seen = new ArrayList<>();
        sample().forEach((name, value) -> seen.add(name + "=" + value));
        assertEquals(List.of("Upgrade=websocket", "Connection=Upgrade", "Sec-WebSocket-Extensions=a",
                "sec-websocket-extensions=b"), seen);
    }

    @Test
    void namesAreDistinctInFirstAppearanceOrderAndFirstSpelling() {
        assertEquals(List.of("Upgrade", "Connection", "Sec-WebSocket-Extensions"), sample().names());
    }

    @Test
    void sizeCountsFields() {
        assertEquals(4, sample().size());
        assertTrue(new HttpHeaders().isEmpty());
    }

    @Test
    void setReplacesAllValuesAtThePositionOfTheFirst() {
        HttpHeaders headers = sample().add("Host", "example.com");
        headers.set("SEC-WEBSOCKET-EXTENSIONS", "c");
        assertEquals("Upgrade: websocket\nConnection: Upgrade\nSEC-WEBSOCKET-EXTENSIONS: c\nHost: example.com\n",
                headers.toString());
    }

    @Test
    void setAppendsANewName() {
        assertEquals("Upgrade: websocket\nOrigin: o\n", new HttpHeaders().add("Upgrade", "websocket").set("Origin", "o").toString());
    }

    @Test
    void valuesMayBeEmptyAndHoldTabsAndLatin1() {
        HttpHeaders headers = new HttpHeaders().add("X-Empty", "").add("X-Text", "a\tb ÿ");
        assertEquals("", headers.first("x-empty"));
        assertEquals("a\tb ÿ", headers.first("x-text"));
    }

    @Test
    void copyOfIsIndependent() {
        HttpHeaders original = sample();
        HttpHeaders copy = HttpHeaders.copyOf(original);
        copy.add("Origin", "o");
        assertFalse(original.contains("Origin"));
        assertEquals(5, copy.size());
    }

    @Test
    void readOnlyViewRefusesChangesButShowsThem() {
        HttpHeaders headers = sample();
        HttpHeaders view = headers.readOnlyView();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> view.add("A", "b"));
        assertEquals("these headers are read-only", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> view.set("A", "b"));
        headers.add("Origin", "o");
        assertEquals("o", view.first("origin"));
        assertThrows(UnsupportedOperationException.class, () -> view.all("Upgrade").add("x"));
    }

    @Test
    void equalityIsOrderedWithNamesIgnoringCase() {
        assertEquals(new HttpHeaders().add("A", "1").add("B", "2"), new HttpHeaders().add("a", "1").add("b", "2"));
        assertEquals(new HttpHeaders().add("A", "1").hashCode(), new HttpHeaders().add("a", "1").hashCode());
        assertNotEquals(new HttpHeaders().add("A", "1").add("B", "2"), new HttpHeaders().add("B", "2").add("A", "1"));
        assertNotEquals(new HttpHeaders().add("A", "x"), new HttpHeaders().add("A", "X"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bad Name", "Name:", "Na\rme", "Na\nme", "Name\0", "Nämé", "(x)"})
    void invalidNamesAreRejected(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HttpHeaders().add(name, "v"));
        assertTrue(e.getMessage().startsWith("header name is not an RFC 7230 token: \""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HttpHeaders().set(name, "v"));
    }

    @Test
    void headerInjectionThroughValuesIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HttpHeaders().add("X-Name", "ok\r\nSet-Cookie: evil"));
        assertEquals("value of header X-Name must not contain CR, LF or NUL, found '\\r' at index 2 in "
                + "\"ok\\r\\nSet-Cookie: evil\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HttpHeaders().set("X-Name", "a\nb"));
        assertThrows(IllegalArgumentException.class, () -> new HttpHeaders().add("X-Name", "a\0b"));
    }

    @Test
    void charactersAboveLatin1AreRejectedSoTruncationCannotForgeCrLf() {
        // U+010D and U+010A end in the bytes 0x0D and 0x0A
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HttpHeaders().add("X-Name", "a\u010D\u010Ab"));
        assertEquals("value of header X-Name must be ISO-8859-1, found U+010D at index 1", e.getMessage());
    }

    @Test
    void nullsAreRejected() {
        assertThrows(NullPointerException.class, () -> new HttpHeaders().add(null, "v"));
        assertThrows(NullPointerException.class, () -> new HttpHeaders().add("N", null));
        assertThrows(NullPointerException.class, () -> new HttpHeaders().first(null));
    }
}
