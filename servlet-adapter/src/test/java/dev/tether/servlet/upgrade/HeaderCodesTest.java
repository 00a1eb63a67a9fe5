package dev.tether.servlet.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dictionary of common header pieces and the one-character codes that stand for them. */
class HeaderCodesTest {

    @Test
    void everyCommonPieceHasItsOwnCodeWhichStandsForItAgain() {
        Set<Character> seen = new HashSet<>();
        for (String piece : HeaderCodes.COMMON) {
            char code = HeaderCodes.codeFor(piece);
            assertTrue(HeaderCodes.isCode(code), piece);
            assertTrue(seen.add(code), "one code per piece: " + piece);
            assertEquals(piece, HeaderCodes.pieceFor(code));
        }
    }

    @Test
    void theCodesAreC1ControlsFromU0080InTheListsOrder() {
        assertEquals('\u0080', HeaderCodes.codeFor(HeaderCodes.COMMON.get(0)));
        assertEquals((char) ('\u0080' + HeaderCodes.COMMON.size() - 1),
                HeaderCodes.codeFor(HeaderCodes.COMMON.get(HeaderCodes.COMMON.size() - 1)));
        assertTrue(HeaderCodes.COMMON.size() <= 32, "past U+009F a code would be a character headers carry");
    }

    @Test
    void aPieceIsCodedOnlyAsSpelledInTheList() {
        assertEquals(HeaderCodes.NO_CODE, HeaderCodes.codeFor("HOST"));
        assertEquals(HeaderCodes.NO_CODE, HeaderCodes.codeFor("sec-websocket-accept"));
        assertEquals(HeaderCodes.NO_CODE, HeaderCodes.codeFor("X-Custom"));
        assertEquals(HeaderCodes.NO_CODE, HeaderCodes.codeFor(""));
        for (String piece : HeaderCodes.COMMON) {
            String upper = piece.toUpperCase(Locale.ROOT);
            if (!HeaderCodes.COMMON.contains(upper)) {
                assertEquals(HeaderCodes.NO_CODE, HeaderCodes.codeFor(upper), upper);
            }
        }
    }

    @Test
    void onlyTheCharactersInUseAreCodes() {
        assertFalse(HeaderCodes.isCode('\u007F'));
        assertTrue(HeaderCodes.isCode('\u0080'));
        assertTrue(HeaderCodes.isCode((char) ('\u0080' + HeaderCodes.COMMON.size() - 1)));
        assertFalse(HeaderCodes.isCode((char) ('\u0080' + HeaderCodes.COMMON.size())));
        assertFalse(HeaderCodes.isCode('\u00A0'));
        assertFalse(HeaderCodes.isCode(HeaderCodes.NO_CODE));
        assertFalse(HeaderCodes.isCode('a'));
    }
}
