package dev.tether.driver.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderTokensTest {

    @Test
    void splitTrimsSpacesAndTabsAroundElements() {
        assertEquals(List.of("keep-alive", "Upgrade"), HeaderTokens.split(" keep-alive ,\tUpgrade\t"));
    }

    @Test
    void splitDropsEmptyElements() {
        assertEquals(List.of("a", "b"), HeaderTokens.split(",a, ,,b,"));
        assertEquals(List.of(), HeaderTokens.split(""));
        assertEquals(List.of(), HeaderTokens.split(" , \t,"));
    }

    @Test
    void splitKeepsInnerSpaces() {
        assertEquals(List.of("permessage-deflate; client_max_window_bits", "x-foo"),
                HeaderTokens.split("permessage-deflate; client_max_window_bits, x-foo"));
    }

    @Test
    void splitDoesNotBreakQuotedStrings() {
        assertEquals(List.of("ext; p=\"a,b\"", "other"), HeaderTokens.split("ext; p=\"a,b\", other"));
        assertEquals(List.of("ext; p=\"a\\\",b\"", "x"), HeaderTokens.split("ext; p=\"a\\\",b\", x"));
    }

    @Test
    void splitIsLinearOnHugeLists() {
        String value = ",".repeat(200_000) + "x" + ", y".repeat(100_000);
        assertEquals(100_001, HeaderTokens.split(value).size());
    }

    @Test
    void containsTokenIgnoresCaseAcrossSeveralHeaderLines() {
        List<String> connection = List.of("keep-alive", "foo, UPGRADE");
        assertTrue(HeaderTokens.containsToken(connection, "upgrade"));
        assertTrue(HeaderTokens.containsToken(connection, "Keep-Alive"));
        assertFalse(HeaderTokens.containsToken(connection, "close"));
    }

    @Test
    void containsTokenMatchesWholeElementsOnly() {
        assertFalse(HeaderTokens.containsToken(List.of("upgraded, x-upgrade"), "upgrade"));
        assertFalse(HeaderTokens.containsToken(List.of(), "upgrade"));
    }

    @Test
    void containsTokenFoldsAsciiCaseOnly() {
        // U+212A KELVIN SIGN lower-cases to 'k' in Unicode, but is not the token "k"
        assertFalse(HeaderTokens.containsToken(List.of("\u212Aeep-alive"), "keep-alive"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upgrade", "websocket", "x-custom_1", "!#$%&'*+-.^_`|~", "0"})
    void tokens(String text) {
        assertTrue(HeaderTokens.isToken(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a,b", "a:b", "\"q\"", "a\tb", "a/b", "a(b)", "a@b", "a=b", "é", "a\r", "a\0"})
    void notTokens(String text) {
        assertFalse(HeaderTokens.isToken(text));
    }

    @Test
    @org.junit.jupiter.api.Timeout(5) // guards against a hang only: the split is linear
    void aMegabyteOfSpacesAndEmptyElementsSplitsAtOnce() {
        String value = "chat" + ", \t ".repeat(256 * 1024) + "superchat";
        assertEquals(List.of("chat", "superchat"), HeaderTokens.split(value));
    }
}
