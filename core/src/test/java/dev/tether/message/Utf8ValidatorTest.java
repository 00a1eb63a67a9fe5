package dev.tether.message;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Utf8ValidatorTest {

    /** One labelled input and whether it is complete, valid UTF-8. */
    record Sample(String label, byte[] bytes, boolean valid) {
        @Override
        public String toString() {
            return label + " [" + HexFormat.ofDelimiter(" ").formatHex(bytes) + "]";
        }
    }

    private static byte[] hex(String spaced) {
        return HexFormat.ofDelimiter(" ").parseHex(spaced);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static Sample valid(String label, byte[] bytes) {
        return new Sample(label, bytes, true);
    }

    private static Sample invalid(String label, byte[] bytes) {
        return new Sample(label, bytes, false);
    }

    /**
     * Markus Kuhn's UTF-8 decoder stress test as the Autobahn TestSuite sends it in cases
     * 6.5 to 6.23 (case numbers as the suite generates them), plus a few rows the brief adds.
     */
    static Stream<Sample> kuhnStressCases() {
        List<Sample> rows = new ArrayList<>();
        byte[] kosme = hex("ce ba e1 bd b9 cf 83 ce bc ce b5");

        rows.add(valid("6.5.1 hello$world (U+0024)", utf8("hello$world")));
        rows.add(valid("6.5.2 hello¢world (U+00A2)", hex("68 65 6c 6c 6f c2 a2 77 6f 72 6c 64")));
        rows.add(valid("6.5.3 hello€world (U+20AC)", hex("68 65 6c 6c 6f e2 82 ac 77 6f 72 6c 64")));
        rows.add(valid("6.5.4 hello\uD852\uDF62world (U+24B62)", hex("68 65 6c 6c 6f f0 a4 ad a2 77 6f 72 6c 64")));
        rows.add(valid("6.5.5 κόσμε", kosme));
        // 6.6.n: every prefix of κόσμε; only those ending between characters are complete.
        List<Integer> characterEnds = List.of(2, 5, 7, 9, 11);
        for (int n = 1; n <= kosme.length; n++) {
            rows.add(new Sample("6.6." + n + " κόσμε prefix of " + n + " bytes",
                    Arrays.copyOf(kosme, n), characterEnds.contains(n)));
        }

        rows.add(valid("6.7.1 first 1-byte U+0000", hex("00")));
        rows.add(valid("6.7.2 first 2-byte U+0080", hex("c2 80")));
        rows.add(valid("6.7.3 first 3-byte U+0800", hex("e0 a0 80")));
        rows.add(valid("6.7.4 first 4-byte U+10000", hex("f0 90 80 80")));
        rows.add(invalid("6.8.1 first 5-byte form", hex("f8 88 80 80 80")));
        rows.add(invalid("6.8.2 first 6-byte form", hex("fc 84 80 80 80 80")));

        rows.add(valid("6.9.1 last 1-byte U+007F", hex("7f")));
        rows.add(valid("6.9.2 last 2-byte U+07FF", hex("df bf")));
        rows.add(valid("6.9.3 last 3-byte U+FFFF", hex("ef bf bf")));
        rows.add(valid("6.9.4 last 4-byte U+10FFFF", hex("f4 8f bf bf")));
        rows.add(invalid("6.10.1 last 4-byte form U+1FFFFF", hex("f7 bf bf bf")));
        rows.add(invalid("6.10.2 last 5-byte form", hex("fb bf bf bf bf")));
        rows.add(invalid("6.10.3 last 6-byte form", hex("fd bf bf bf bf bf")));

        rows.add(valid("6.11.1 U+D7FF", hex("ed 9f bf")));
        rows.add(valid("6.11.2 U+E000", hex("ee 80 80")));
        rows.add(valid("6.11.3 U+FFFD", hex("ef bf bd")));
        rows.add(valid("6.11.4 U+10FFFF", hex("f4 8f bf bf")));
        rows.add(invalid("6.11.5 U+110000", hex("f4 90 80 80")));

        rows.add(invalid("6.12.1 lone continuation 80", hex("80")));
        rows.add(invalid("6.12.2 lone continuation bf", hex("bf")));
        rows.add(invalid("6.12.3 continuations 80 bf", hex("80 bf")));
        rows.add(invalid("6.12.4 continuations 80 bf 80", hex("80 bf 80")));
        rows.add(invalid("6.12.5 continuations 80 bf 80 bf", hex("80 bf 80 bf")));
        rows.add(invalid("6.12.6 continuations 80 bf 80 bf 80", hex("80 bf 80 bf 80")));
        rows.add(invalid("6.12.7 continuations 80 bf 80 bf 80 bf", hex("80 bf 80 bf 80 bf")));
        rows.add(invalid("6.12.8 continuations 80..be in a row", byteRange(0x80, 0xbe, false)));

        rows.add(invalid("6.13.1 lonely 2-byte starts c0..de, each followed by space", byteRange(0xc0, 0xde, true)));
        rows.add(invalid("6.13.2 lonely 3-byte starts e0..ee, each followed by space", byteRange(0xe0, 0xee, true)));
        rows.add(invalid("6.13.3 lonely 4-byte starts f0..f6, each followed by space", byteRange(0xf0, 0xf6, true)));
        rows.add(invalid("6.13.4 lonely 5-byte starts f8..fa, each followed by space", byteRange(0xf8, 0xfa, true)));
        rows.add(invalid("6.13.5 lonely 6-byte start fc followed by space", hex("fc 20")));
        for (int lead = 0xc0; lead <= 0xff; lead++) {
            rows.add(invalid(String.format("Kuhn 3.2 lonely start %02x followed by space", lead),
                    new byte[] {(byte) lead, 0x20}));
        }

        String[] lastByteMissing = {
            "c0", "e0 80", "f0 80 80", "f8 80 80 80", "fc 80 80 80 80",
            "df", "ef bf", "f7 bf bf", "fb bf bf bf", "fd bf bf bf bf",
        };
        for (int n = 0; n < lastByteMissing.length; n++) {
            rows.add(invalid("6.14." + (n + 1) + " last continuation byte missing", hex(lastByteMissing[n])));
        }
        rows.add(invalid("6.15.1 concatenated incomplete sequences",
                hex(String.join(" ", lastByteMissing))));
        rows.add(invalid("Kuhn 3.3 U+0800 with last byte missing", hex("e0 a0")));
        rows.add(invalid("Kuhn 3.3 U+10000 with last byte missing", hex("f0 90 80")));
        rows.add(invalid("Kuhn 3.3 U+10FFFF with last byte missing", hex("f4 8f bf")));

        rows.add(invalid("6.16.1 impossible fe", hex("fe")));
        rows.add(invalid("6.16.2 impossible ff", hex("ff")));
        rows.add(invalid("6.16.3 impossible fe fe ff ff", hex("fe fe ff ff")));

        rows.add(invalid("6.17.1 overlong '/' in 2 bytes", hex("c0 af")));
        rows.add(invalid("6.17.2 overlong '/' in 3 bytes", hex("e0 80 af")));
        rows.add(invalid("6.17.3 overlong '/' in 4 bytes", hex("f0 80 80 af")));
        rows.add(invalid("6.17.4 overlong '/' in 5 bytes", hex("f8 80 80 80 af")));
        rows.add(invalid("6.17.5 overlong '/' in 6 bytes", hex("fc 80 80 80 80 af")));

        rows.add(invalid("6.18.1 maximum overlong 2-byte", hex("c1 bf")));
        rows.add(invalid("6.18.2 maximum overlong 3-byte", hex("e0 9f bf")));
        rows.add(invalid("6.18.3 maximum overlong 4-byte", hex("f0 8f bf bf")));
        rows.add(invalid("6.18.4 maximum overlong 5-byte", hex("f8 87 bf bf bf")));
        rows.add(invalid("6.18.5 maximum overlong 6-byte", hex("fc 83 bf bf bf bf")));

        rows.add(invalid("6.19.1 overlong NUL in 2 bytes", hex("c0 80")));
        rows.add(invalid("6.19.2 overlong NUL in 3 bytes", hex("e0 80 80")));
        rows.add(invalid("6.19.3 overlong NUL in 4 bytes", hex("f0 80 80 80")));
        rows.add(invalid("6.19.4 overlong NUL in 5 bytes", hex("f8 80 80 80 80")));
        rows.add(invalid("6.19.5 overlong NUL in 6 bytes", hex("fc 80 80 80 80 80")));

        String[] singleSurrogates = {"ed a0 80", "ed ad bf", "ed ae 80", "ed af bf", "ed b0 80", "ed be 80", "ed bf bf"};
        for (int n = 0; n < singleSurrogates.length; n++) {
            rows.add(invalid("6.20." + (n + 1) + " single surrogate", hex(singleSurrogates[n])));
        }
        String[] highSurrogates = {"ed a0 80", "ed ad bf", "ed ae 80", "ed af bf"};
        String[] lowSurrogates = {"ed b0 80", "ed bf bf"};
        int pair = 1;
        for (String high : highSurrogates) {
            for (String low : lowSurrogates) {
                rows.add(invalid("6.21." + pair++ + " paired surrogates", hex(high + " " + low)));
            }
        }

        // 6.22: noncharacters are still valid UTF-8 (RFC 3629).
        rows.add(valid("6.22.1 noncharacter U+FFFE", hex("ef bf be")));
        rows.add(valid("6.22.2 noncharacter U+FFFF", hex("ef bf bf")));
        rows.add(valid("6.22 noncharacter U+1FFFE", hex("f0 9f bf be")));
        rows.add(valid("6.22 noncharacter U+10FFFF", hex("f4 8f bf bf")));
        rows.add(valid("6.23.5 replacement character U+FFFD", hex("ef bf bd")));
        rows.add(valid("6.23.1 special U+FFF9", hex("ef bf b9")));

        rows.add(valid("empty", new byte[0]));
        rows.add(valid("mixed scripts", utf8("Hello, Κόσμε, Мир, 世界, \uD83C\uDF0D!")));
        return rows.stream();
    }

    /** Bytes first..last; with {@code spaced}, each followed by a space as in Kuhn 3.2. */
    private static byte[] byteRange(int first, int last, boolean spaced) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = first; b <= last; b++) {
            out.write(b);
            if (spaced) {
                out.write(' ');
            }
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kuhnStressCases")
    void judgesEachStressCaseFedWhole(Sample sample) {
        Utf8Validator validator = new Utf8Validator();
        validator.update(sample.bytes(), 0, sample.bytes().length);

        assertAll(
                () -> assertEquals(sample.valid(), validator.isComplete(), "fed as a byte[]"),
                () -> assertEquals(sample.valid(), Utf8Validator.isValid(sample.bytes(), 0, sample.bytes().length),
                        "one-shot byte[]"),
                () -> assertEquals(sample.valid(), Utf8Validator.isValid(ByteBuffer.wrap(sample.bytes())),
                        "one-shot heap buffer"),
                () -> assertEquals(sample.valid(), Utf8Validator.isValid(direct(sample.bytes())),
                        "one-shot direct buffer"),
                () -> assertEquals(sample.valid(), referenceAccepts(sample.bytes()),
                        "the JDK's strict decoder agrees with the expectation"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kuhnStressCases")
    void judgesEachStressCaseSplitInTwoAtEveryPosition(Sample sample) {
        byte[] bytes = sample.bytes();
        for (int split = 0; split <= bytes.length; split++) {
            Utf8Validator validator = new Utf8Validator();
            validator.update(ByteBuffer.wrap(bytes, 0, split));
            validator.update(direct(Arrays.copyOfRange(bytes, split, bytes.length)));

            assertEquals(sample.valid(), validator.isComplete(), "split at " + split);
        }
    }

    /**
     * Byte by byte, {@code update} must return false on exactly the first byte after which no
     * continuation could make the input valid: fail fast, and never falsely.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kuhnStressCases")
    void judgesEachStressCaseFedOneByteAtATimeAndFailsOnTheFirstHopelessByte(Sample sample) {
        byte[] bytes = sample.bytes();
        Utf8Validator validator = new Utf8Validator();
        for (int i = 0; i < bytes.length; i++) {
            boolean viable = isViablePrefix(Arrays.copyOf(bytes, i + 1));

            assertEquals(viable, validator.update(bytes, i, 1), "after byte " + i);
        }
        assertEquals(sample.valid(), validator.isComplete());
    }

    @Test
    void aBadByteIsReportedByTheCallThatFeedsIt() {
        record FailFast(String label, byte[] bytes, int badByte) {
        }
        byte[] hello = utf8("Hello-µ@ßöäüàá-UTF-8!!");
        byte[] kosmeEdited = utf8("κόσμε-edited");
        List<FailFast> cases = List.of(
                new FailFast("6.4.1-like: F5 after valid text", concat(hello, hex("f5"), hello), hello.length),
                new FailFast("6.4.3-like: surrogate ED A0 80 after valid text",
                        concat(kosmeEdited, hex("ed a0 80"), utf8("edited")), kosmeEdited.length + 1),
                new FailFast("overlong E0 80", concat(utf8("abc"), hex("e0 80 80"), utf8("more")), 4),
                new FailFast("above U+10FFFF", concat(utf8("abc"), hex("f4 90 80 80"), utf8("more")), 4),
                new FailFast("C0 is never valid", concat(utf8("abc"), hex("c0 af"), utf8("more")), 3),
                new FailFast("lone continuation", concat(utf8("abcdefghijk"), hex("80"), utf8("more")), 11),
                new FailFast("sequence cut short by ASCII", concat(utf8("abc"), hex("e1 41"), utf8("more")), 4),
                new FailFast("overlong 4-byte after a long ASCII run",
                        concat(utf8("0123456789abcdefghij"), hex("f0 8f bf bf"), utf8("more")), 21));

        for (FailFast c : cases) {
            for (int split = 0; split <= c.bytes().length; split++) {
                Utf8Validator validator = new Utf8Validator();
                boolean firstChunkHoldsBadByte = c.badByte() < split;

                assertEquals(!firstChunkHoldsBadByte, validator.update(c.bytes(), 0, split),
                        c.label() + ", first chunk of " + split);
                assertFalse(validator.update(c.bytes(), split, c.bytes().length - split),
                        c.label() + ", second chunk from " + split);
            }
        }
    }

    @Test
    void failureIsStickyUntilReset() {
        Utf8Validator validator = new Utf8Validator();

        assertFalse(validator.update(hex("ff"), 0, 1));
        assertFalse(validator.update(utf8("plain ASCII"), 0, 11), "still false on valid input");
        assertFalse(validator.isValid());
        assertFalse(validator.isComplete());

        validator.reset();

        assertTrue(validator.update(utf8("plain ASCII"), 0, 11));
        assertTrue(validator.isComplete());
    }

    @Test
    void aSequenceTruncatedAtTheEndIsValidSoFarButNotComplete() {
        Utf8Validator validator = new Utf8Validator();

        assertTrue(validator.update(hex("61 e2 82"), 0, 3));

        assertTrue(validator.isValid());
        assertFalse(validator.isComplete());
        assertTrue(validator.update(hex("ac"), 0, 1), "the last byte of € completes it");
        assertTrue(validator.isComplete());
    }

    @Test
    void nothingFedIsComplete() {
        Utf8Validator validator = new Utf8Validator();

        assertTrue(validator.isValid());
        assertTrue(validator.isComplete());
        assertTrue(validator.update(new byte[0], 0, 0));
        assertTrue(validator.update(ByteBuffer.allocate(0)));
        assertTrue(validator.isComplete());
    }

    @Test
    void updateReadsFromPositionToLimitAndDoesNotMoveThePosition() {
        ByteBuffer heap = ByteBuffer.wrap(hex("ff 61 e2 82 ac 62 ff"), 1, 5);
        ByteBuffer direct = direct(hex("ff 61 e2 82 ac 62 ff"));
        direct.position(1).limit(6);
        ByteBuffer readOnly = heap.asReadOnlyBuffer();
        ByteBuffer slice = ByteBuffer.wrap(hex("ff 61 e2 82 ac 62")).position(1).slice();

        for (ByteBuffer buffer : List.of(heap, direct, readOnly, slice)) {
            int position = buffer.position();
            Utf8Validator validator = new Utf8Validator();

            assertTrue(validator.update(buffer), buffer.toString());
            assertTrue(validator.isComplete(), buffer.toString());
            assertEquals(position, buffer.position(), "position unchanged: " + buffer);
        }
    }

    @Test
    void updateRejectsARangeOutsideTheArray() {
        Utf8Validator validator = new Utf8Validator();

        assertThrows(IndexOutOfBoundsException.class, () -> validator.update(new byte[4], 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> Utf8Validator.isValid(new byte[4], -1, 2));
    }

    @Test
    void aLongAsciiRunIsValidAndAnyNonAsciiByteInItIsFound() {
        byte[] ascii = new byte[10_000];
        for (int i = 0; i < ascii.length; i++) {
            ascii[i] = (byte) (i % 128);
        }
        assertTrue(Utf8Validator.isValid(ascii, 0, ascii.length));
        assertTrue(Utf8Validator.isValid(direct(ascii)));

        // A stray continuation byte at every position of a 64-byte run, so every lane of every word.
        for (int at = 0; at < 64; at++) {
            byte[] run = Arrays.copyOf(ascii, 64);
            run[at] = (byte) 0x80;

            assertFalse(Utf8Validator.isValid(run, 0, run.length), "0x80 at " + at);
            assertFalse(Utf8Validator.isValid(direct(run)), "direct, 0x80 at " + at);
        }
    }

    @Test
    void asciiThenMultiByteCharactersAtEveryAlignment() {
        byte[][] characters = {utf8("é"), utf8("€"), utf8("\uD83D\uDE00")};
        for (int arrayOffset = 0; arrayOffset < 8; arrayOffset++) {
            for (int asciiLength = 0; asciiLength <= 16; asciiLength++) {
                for (byte[] character : characters) {
                    byte[] text = concat(new byte[arrayOffset], ascii(asciiLength), character, ascii(asciiLength));
                    int length = text.length - arrayOffset;
                    String where = "offset " + arrayOffset + ", " + asciiLength + " ASCII bytes, "
                            + character.length + "-byte character";

                    assertTrue(Utf8Validator.isValid(text, arrayOffset, length), where);
                    assertTrue(Utf8Validator.isValid(ByteBuffer.wrap(text, arrayOffset, length).slice()), where);
                    // The character's last byte missing: the ASCII after it must be caught.
                    int lastByte = arrayOffset + asciiLength + character.length - 1;
                    byte[] broken = concat(Arrays.copyOf(text, lastByte), ascii(asciiLength + 1));
                    assertFalse(Utf8Validator.isValid(broken, arrayOffset, broken.length - arrayOffset),
                            "truncated, " + where);
                }
            }
        }
    }

    private static byte[] ascii(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }

    @Test
    void theReferenceDecoderIsStrict() {
        // The exhaustive tests below trust the JDK's decoder; check it is as strict as RFC 3629.
        for (String bad : List.of("c0 af", "c1 bf", "e0 80 af", "e0 9f bf", "f0 80 80 af", "f0 8f bf bf",
                "ed a0 80", "ed bf bf", "ed a0 80 ed b0 80", "f4 90 80 80", "f5 80 80 80", "f8 88 80 80 80",
                "fe", "ff", "80", "e2 82", "f0 90 80")) {
            assertFalse(referenceAccepts(hex(bad)), bad);
        }
        for (String good : List.of("00", "7f", "c2 80", "df bf", "e0 a0 80", "ed 9f bf", "ee 80 80",
                "ef bf bf", "f0 90 80 80", "f4 8f bf bf")) {
            assertTrue(referenceAccepts(hex(good)), good);
        }
    }

    @Test
    void agreesWithTheReferenceOnEveryOneAndTwoByteSequence() {
        Reference reference = new Reference();
        byte[] bytes = new byte[2];
        for (int first = 0; first < 256; first++) {
            bytes[0] = (byte) first;
            assertEquals(reference.accepts(bytes, 1), Utf8Validator.isValid(bytes, 0, 1), hexOf(bytes, 1));
            for (int second = 0; second < 256; second++) {
                bytes[1] = (byte) second;
                boolean expected = reference.accepts(bytes, 2);

                assertEquals(expected, Utf8Validator.isValid(bytes, 0, 2), hexOf(bytes, 2));
                Utf8Validator streaming = new Utf8Validator();
                streaming.update(bytes, 0, 1);
                streaming.update(bytes, 1, 1);
                assertEquals(expected, streaming.isComplete(), "byte by byte: " + hexOf(bytes, 2));
            }
        }
    }

    @Test
    void agreesWithTheReferenceOnEveryThreeByteSequence() {
        Reference reference = new Reference();
        byte[] bytes = new byte[3];
        int mismatches = 0;
        String firstMismatch = null;
        for (int sequence = 0; sequence < 1 << 24; sequence++) {
            bytes[0] = (byte) (sequence >>> 16);
            bytes[1] = (byte) (sequence >>> 8);
            bytes[2] = (byte) sequence;
            // Count rather than assert per sequence: 16.7 million assertEquals calls would be slow.
            if (reference.accepts(bytes, 3) != Utf8Validator.isValid(bytes, 0, 3)) {
                mismatches++;
                if (firstMismatch == null) {
                    firstMismatch = hexOf(bytes, 3);
                }
            }
        }
        assertEquals(0, mismatches, "first mismatch: " + firstMismatch);
    }

    @Test
    void agreesWithTheReferenceOnASampleOfFourByteSequences() {
        Reference reference = new Reference();
        Random random = new Random(20240601L);
        byte[] bytes = new byte[4];
        int validSeen = 0;
        for (int n = 0; n < 2_000_000; n++) {
            // Mostly lead bytes F0..F7 and bytes near the continuation range, where the edge cases are.
            bytes[0] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 0xf0 + random.nextInt(8));
            for (int i = 1; i < 4; i++) {
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 0x70 + random.nextInt(0x60));
            }
            boolean expected = reference.accepts(bytes, 4);
            validSeen += expected ? 1 : 0;

            if (expected != Utf8Validator.isValid(bytes, 0, 4)) {
                assertEquals(expected, Utf8Validator.isValid(bytes, 0, 4), hexOf(bytes, 4));
            }
        }
        assertTrue(validSeen > 100_000, "the sample holds plenty of valid sequences: " + validSeen);
    }

    @Test
    void agreesWithTheReferenceOnRandomTextSplitAnywhere() {
        Reference reference = new Reference();
        Random random = new Random(7L);
        byte[] alphabet = utf8("aZ9 éß€\uD83D\uDE00κМ世");
        for (int n = 0; n < 2_000; n++) {
            byte[] text = new byte[random.nextInt(40)];
            for (int i = 0; i < text.length; i++) {
                // Mostly pieces of real characters, now and then any byte at all.
                text[i] = random.nextInt(10) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            int split = random.nextInt(text.length + 1);
            Utf8Validator validator = new Utf8Validator();
            validator.update(text, 0, split);
            validator.update(text, split, text.length - split);

            assertEquals(reference.accepts(text, text.length), validator.isComplete(), hexOf(text, text.length));
        }
    }

    /** Strict decoding with the JDK, reusing its buffers: it accepts complete, valid UTF-8 only. */
    private static final class Reference {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final CharBuffer chars = CharBuffer.allocate(256);

        boolean accepts(byte[] bytes, int length) {
            decoder.reset();
            chars.clear();
            ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
            CoderResult result = decoder.decode(in, chars, true);
            return result.isUnderflow() && !in.hasRemaining() && decoder.flush(chars).isUnderflow();
        }
    }

    private static boolean referenceAccepts(byte[] bytes) {
        return new Reference().accepts(bytes, bytes.length);
    }

    /**
     * True when some ending makes {@code prefix} valid. Endings need at most three continuation
     * bytes, and validity only depends on which of 80..8F, 90..9F, A0..BF each one is in, so one
     * byte from each of those ranges covers every case.
     */
    private static boolean isViablePrefix(byte[] prefix) {
        Reference reference = new Reference();
        int[] representatives = {0x80, 0x90, 0xa0};
        byte[] candidate = Arrays.copyOf(prefix, prefix.length + 3);
        if (reference.accepts(candidate, prefix.length)) {
            return true;
        }
        for (int a : representatives) {
            candidate[prefix.length] = (byte) a;
            if (reference.accepts(candidate, prefix.length + 1)) {
                return true;
            }
            for (int b : representatives) {
                candidate[prefix.length + 1] = (byte) b;
                if (reference.accepts(candidate, prefix.length + 2)) {
                    return true;
                }
                for (int c : representatives) {
                    candidate[prefix.length + 2] = (byte) c;
                    if (reference.accepts(candidate, prefix.length + 3)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }

    private static String hexOf(byte[] bytes, int length) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes, 0, length);
    }
}
