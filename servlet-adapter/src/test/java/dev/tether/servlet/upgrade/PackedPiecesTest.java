package dev.tether.servlet.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pieces packed into one text and read back, one at a time, exactly as they were added. */
class PackedPiecesTest {

    /** What an owner keeps of a {@link PackedPieces.Builder}. */
    private record Packed(String text, Object ends, boolean coded) {
        static Packed of(List<String> pieces) {
            PackedPieces.Builder builder = new PackedPieces.Builder();
            pieces.forEach(builder::add);
            assertEquals(pieces.size(), builder.count());
            return new Packed(builder.text(), builder.ends(), builder.coded());
        }

        int count() {
            return PackedPieces.count(ends);
        }

        String piece(int i) {
            return PackedPieces.piece(text, ends, coded, i);
        }

        boolean matches(int i, String name) {
            return PackedPieces.matches(text, ends, coded, i, name);
        }
    }

    @Test
    void commonPiecesTakeOneCharacterEach() {
        Packed packed = Packed.of(List.of("/chat", "Host", "example.com", "Upgrade", "websocket"));
        assertTrue(packed.coded());
        assertEquals("/chat".length() + 1 + "example.com".length() + 1 + 1, packed.text().length());
        assertEquals(List.of("/chat", "Host", "example.com", "Upgrade", "websocket"), all(packed));
    }

    @Test
    void aLoneCodeCharacterAmongThePiecesTurnsCodingOffForAll() {
        List<String> pieces = List.of("Host", "a", "\u0080", "Upgrade");
        Packed packed = Packed.of(pieces);
        assertFalse(packed.coded());
        assertEquals("Hosta\u0080Upgrade", packed.text());
        assertEquals(pieces, all(packed));
    }

    @Test
    void aCodeCharacterInsideALongerPieceIsKeptAsItIs() {
        List<String> pieces = List.of("Host", "x\u0080", "\u0081\u0082");
        Packed packed = Packed.of(pieces);
        assertTrue(packed.coded());
        assertEquals(pieces, all(packed));
    }

    @Test
    void theEndsAreKeptInTheNarrowestArrayForTheTextsLength() {
        assertInstanceOf(byte[].class, Packed.of(List.of("", "v".repeat(255))).ends());
        assertInstanceOf(char[].class, Packed.of(List.of("", "v".repeat(256))).ends());
        assertInstanceOf(char[].class, Packed.of(List.of("v".repeat(65_535))).ends());
        assertInstanceOf(int[].class, Packed.of(List.of("v".repeat(65_536))).ends());
    }

    @Test
    void aPieceMatchesANameInAnyCase() {
        Packed packed = Packed.of(List.of("Sec-WebSocket-Key", "X-Custom", "", "\u00e9t\u00e9"));
        assertTrue(packed.matches(0, "sec-websocket-key"));
        assertTrue(packed.matches(0, "SEC-WEBSOCKET-KEY"));
        assertTrue(packed.matches(1, "x-CUSTOM"));
        assertFalse(packed.matches(1, "X-Custom2"));
        assertFalse(packed.matches(1, "X-Custo"));
        assertTrue(packed.matches(2, ""));
        assertTrue(packed.matches(3, "\u00c9T\u00c9"));
        assertFalse(packed.matches(0, "\u0082")); // the code is not the piece
    }

    @Test
    void noPiecesAtAll() {
        Packed packed = Packed.of(List.of());
        assertEquals(0, packed.count());
        assertEquals("", packed.text());
    }

    /**
     * Thousands of piece lists of every kind the packing treats apart, from a fixed seed so a failure
     * repeats: every piece reads back exactly, matches exactly what equalsIgnoreCase would, the text
     * is coded unless a piece is a lone code character, and the ends sit in the narrowest array.
     */
    @Test
    void everyPieceComesBackExactlyWhateverItHolds() {
        Random random = new Random(6455);
        int[] boundaries = {254, 255, 256, 257, 65_534, 65_535, 65_536, 65_537};
        Set<Object> kindsSeen = new HashSet<>(); // that the seed reaches every case the packing tells apart
        for (int list = 0; list < 4_000; list++) {
            List<String> pieces = new ArrayList<>();
            int count = random.nextInt(30);
            boolean loneCodes = random.nextInt(4) == 0;
            for (int i = 0; i < count; i++) {
                pieces.add(randomPiece(random, loneCodes));
            }
            if (list % 4 == 0) { // a filler that brings the packed text to just around a width boundary
                int target = boundaries[random.nextInt(boundaries.length)];
                int length = Packed.of(pieces).text().length();
                if (length < target) {
                    pieces.add(random.nextInt(pieces.size() + 1), "f".repeat(target - length));
                }
            }
            kindsSeen.addAll(check(pieces, "list " + list));
        }
        assertEquals(Set.of(true, false, byte[].class, char[].class, int[].class), kindsSeen);
    }

    /** Checks the packing of {@code pieces}; gives whether it was coded, and the class of its ends. */
    private static List<Object> check(List<String> pieces, String which) {
        Packed packed = Packed.of(pieces);
        assertEquals(pieces.size(), packed.count(), which);
        boolean anyLoneCode = pieces.stream().anyMatch(p -> p.length() == 1 && HeaderCodes.isCode(p.charAt(0)));
        assertEquals(!anyLoneCode, packed.coded(), which);
        int length = packed.text().length();
        Class<?> narrowest = length <= 0xFF ? byte[].class : length <= 0xFFFF ? char[].class : int[].class;
        assertEquals(narrowest, packed.ends().getClass(), which + ", text of " + length);
        for (int i = 0; i < pieces.size(); i++) {
            String piece = pieces.get(i);
            assertEquals(piece, packed.piece(i), which + ", piece " + i);
            String other = pieces.get((i + 1) % pieces.size());
            for (String name : List.of(piece, piece.toUpperCase(Locale.ROOT), piece.toLowerCase(Locale.ROOT), other)) {
                assertEquals(piece.equalsIgnoreCase(name), packed.matches(i, name), which + ", piece " + i + " as " + name);
            }
        }
        return List.of(packed.coded(), packed.ends().getClass());
    }

    private static String randomPiece(Random random, boolean loneCodes) {
        String common = HeaderCodes.COMMON.get(random.nextInt(HeaderCodes.COMMON.size()));
        return switch (random.nextInt(loneCodes ? 10 : 9)) {
            case 0, 1 -> common;
            case 2 -> random.nextBoolean() ? common.toUpperCase(Locale.ROOT) : common.toLowerCase(Locale.ROOT);
            case 3 -> mixedCase(random, common);
            case 4 -> "";
            case 5 -> random.nextBoolean() ? "\u00a0" : text(random, 1 + random.nextInt(5)) + "\u00a0";
            case 6 -> text(random, 1 + random.nextInt(4)) + c1(random) + text(random, random.nextInt(4));
            case 7 -> text(random, random.nextInt(40));
            case 8 -> "caf\u00e9 \uD83D\uDE00 \u4e2d\u6587" + text(random, random.nextInt(5));
            default -> String.valueOf(c1(random));
        };
    }

    private static char c1(Random random) {
        return (char) ('\u0080' + random.nextInt(32));
    }

    private static String mixedCase(Random random, String piece) {
        StringBuilder mixed = new StringBuilder(piece.length());
        for (char c : piece.toCharArray()) {
            mixed.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return mixed.toString();
    }

    /** ASCII letters, with now and then a character past it. */
    private static String text(Random random, int length) {
        String alphabet = "abcXYZ-_ 09;=,\u00e9\u00df\u03a9";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static List<String> all(Packed packed) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < packed.count(); i++) {
            pieces.add(packed.piece(i));
        }
        return pieces;
    }
}
