package dev.tether.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.sse.WhatwgEventStreamParser.Dispatched;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SseEncoderTest {

    @Test
    void singleLine() {
        assertEncodes("data: hello\n\n", SseEvent.data("hello"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "LF        | a\\nb\\nc       | data: a\\ndata: b\\ndata: c\\n\\n",
            "CR        | a\\rb\\rc       | data: a\\ndata: b\\ndata: c\\n\\n",
            "CRLF      | a\\r\\nb\\r\\nc   | data: a\\ndata: b\\ndata: c\\n\\n",
            "mixed     | a\\rb\\nc\\r\\nd  | data: a\\ndata: b\\ndata: c\\ndata: d\\n\\n",
            "LF CR     | a\\n\\rb         | data: a\\ndata: \\ndata: b\\n\\n",
            "CR CRLF   | a\\r\\r\\nb       | data: a\\ndata: \\ndata: b\\n\\n",
            "blank     | a\\n\\nb         | data: a\\ndata: \\ndata: b\\n\\n",
            "trailing  | a\\n             | data: a\\ndata: \\n\\n",
            "trailing2 | a\\r\\n           | data: a\\ndata: \\n\\n",
            "only LF   | \\n              | data: \\ndata: \\n\\n",
            "only CR   | \\r              | data: \\ndata: \\n\\n",
    })
    void multiLineDataIsOneDataLinePerLine(String name, String data, String wire) {
        assertEncodes(unescape(wire), SseEvent.data(unescape(data)));
    }

    @Test
    void emptyDataIsOneEmptyDataLine() {
        assertEncodes("data: \n\n", SseEvent.data(""));
    }

    @Test
    void leadingSpacesAndColonsInDataAreKept() {
        assertEncodes("data:  two\ndata: :x: y\n\n", SseEvent.data(" two\n:x: y"));
    }

    @Test
    void unicodeIsUtf8() {
        byte[] encoded = SseEncoder.encode(SseEvent.data("é中\uD83D\uDE00"));
        assertArrayEquals(concat(bytes("data: "),
                new byte[] {(byte) 0xC3, (byte) 0xA9},
                new byte[] {(byte) 0xE4, (byte) 0xB8, (byte) 0xAD},
                new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
                bytes("\n\n")), encoded);
    }

    @Test
    void unpairedSurrogateBecomesQuestionMarkLikeStringGetBytes() {
        String text = "a\uD83Db\uDE00";
        assertArrayEquals(("data: " + text + "\n\n").getBytes(UTF_8), SseEncoder.encode(SseEvent.data(text)));
        assertEncodes("data: a?b?\n\n", SseEvent.data(text));
    }

    @Test
    void fieldsAreWrittenInOrderEventIdRetryData() {
        assertEncodes("event: update\nid: 7\nretry: 2500\ndata: x\ndata: y\n\n",
                SseEvent.data("x\ny").retry(2500).id("7").event("update"));
    }

    @Test
    void idOnlyEvent() {
        assertEncodes("id: 42\n\n", SseEvent.of().id("42"));
    }

    @Test
    void emptyIdResetsTheLastEventId() {
        assertEncodes("id: \n\n", SseEvent.of().id(""));
    }

    @Test
    void eventWithNoFieldsIsTheBlankLineAlone() {
        assertEncodes("\n", SseEvent.of());
    }

    @Test
    void retryIsARetryLineAndABlankLine() {
        assertEquals("retry: 3000\n\n", text(SseEncoder.retry(3000)));
        assertEquals("retry: 0\n\n", text(SseEncoder.retry(0)));
        assertEquals("retry: 9223372036854775807\n\n", text(SseEncoder.retry(Long.MAX_VALUE)));
    }

    @Test
    void negativeRetryIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SseEncoder.retry(-5));
        assertEquals("retry must be >= 0 milliseconds, was -5", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "heartbeat  | ''          | :\\n",
            "ping       | ping        | : ping\\n",
            "multi-line | a\\r\\nb\\rc | : a\\n: b\\n: c\\n",
            "blank line | a\\n\\nb     | : a\\n:\\n: b\\n",
            "trailing   | a\\n         | : a\\n:\\n",
    })
    void commentIsOneCommentLinePerLineWithNoBlankLine(String name, String comment, String wire) {
        assertEquals(unescape(wire), text(SseEncoder.comment(unescape(comment))));
    }

    @Test
    void nullArgumentsAreRejected() {
        assertEquals("event", assertThrows(NullPointerException.class, () -> SseEncoder.encode(null)).getMessage());
        assertEquals("text", assertThrows(NullPointerException.class, () -> SseEncoder.comment(null)).getMessage());
    }

    static Stream<SseEvent> trickyEvents() {
        return Stream.of(
                SseEvent.data("plain"),
                SseEvent.data(""),
                SseEvent.data("\n"),
                SseEvent.data("\r"),
                SseEvent.data("\r\n"),
                SseEvent.data("\n\r"),
                SseEvent.data("a\r\r\nb\n\n\rc\r"),
                SseEvent.data(" leading space"),
                SseEvent.data("  two leading spaces"),
                SseEvent.data("data: not a field\n\nid: spoof\nretry: 1\n"),
                SseEvent.data(":not a comment"),
                SseEvent.data("tab\there\0nul"),
                SseEvent.data("é 中文 \uD83D\uDE00\uD83D\uDC4D\uD83C\uDFFD"),
                SseEvent.data("\uFEFFbom first"),
                SseEvent.data("x").event("a b:c"),
                SseEvent.data("x").event(" spaced").id(" spaced"),
                SseEvent.data("x").id("\uD83D\uDE00"),
                SseEvent.data("multi\nline").event("update").id("9").retry(1000),
                SseEvent.of().id("only-id"),
                SseEvent.of().id(""),
                SseEvent.of().retry(0));
    }

    @ParameterizedTest
    @MethodSource("trickyEvents")
    void aSpecFollowingClientReadsBackWhatWasEncoded(SseEvent event) {
        WhatwgEventStreamParser client = new WhatwgEventStreamParser();
        List<Dispatched> dispatched = client.parse(SseEncoder.encode(event));

        String expectedId = event.id() == null ? "" : event.id();
        if (event.data() == null) {
            assertEquals(List.of(), dispatched);
        } else {
            String type = event.event() == null ? "message" : event.event();
            assertEquals(List.of(new Dispatched(type, normaliseBreaks(event.data()), expectedId)), dispatched);
        }
        assertEquals(expectedId, client.lastEventId());
        assertEquals(event.retry().orElse(-1), client.reconnectionTime());
    }

    @Test
    void aStreamOfEventsCommentsAndRetriesIsReadInOrder() {
        byte[] stream = concat(
                SseEncoder.comment(""),
                SseEncoder.encode(SseEvent.data("one").id("1")),
                SseEncoder.comment("keep\nalive"),
                SseEncoder.retry(500),
                SseEncoder.encode(SseEvent.data("two\r\nlines").event("custom")),
                SseEncoder.encode(SseEvent.of().id("3")),
                SseEncoder.encode(SseEvent.data("four")));

        WhatwgEventStreamParser client = new WhatwgEventStreamParser();
        assertEquals(List.of(
                new Dispatched("message", "one", "1"),
                new Dispatched("custom", "two\nlines", "1"),
                new Dispatched("message", "four", "3")), client.parse(stream));
        assertEquals(500, client.reconnectionTime());
    }

    @Test
    void eachCallReturnsAFreshExactlySizedArray() {
        SseEvent event = SseEvent.data("é\n\uD83D\uDE00").id("1");
        byte[] first = SseEncoder.encode(event);
        byte[] second = SseEncoder.encode(event);
        assertArrayEquals(first, second);
        first[0] = 0;
        assertEquals('i', second[0]);
        assertEquals("id: 1\ndata: é\ndata: \uD83D\uDE00\n\n".getBytes(UTF_8).length, second.length);
    }

    private static void assertEncodes(String wire, SseEvent event) {
        assertEquals(wire, text(SseEncoder.encode(event)));
    }

    private static String normaliseBreaks(String text) {
        return text.replaceAll("\r\n|\r", "\n");
    }

    /** Reads {@code \n} and {@code \r} escapes written in the test tables. */
    private static String unescape(String text) {
        return text.replace("\\n", "\n").replace("\\r", "\r");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }
}
