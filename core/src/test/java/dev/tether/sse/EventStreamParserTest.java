package dev.tether.sse;

import static dev.tether.sse.EventStreams.event;
import static dev.tether.sse.EventStreams.message;
import static dev.tether.sse.EventStreams.read;
import static dev.tether.sse.EventStreams.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an EventSource client makes of a stream, rule by rule of WHATWG HTML §9.2.6 ("Interpreting
 * an event stream"), with the specification's own examples (§9.2.5/§9.2.6): byte vectors in,
 * listener calls out. Every vector is fed whole, split at every offset and one byte at a time.
 */
class EventStreamParserTest {

    @Test
    @DisplayName("spec: the stock ticker, three data lines in one event")
    void stockTicker() {
        assertEquals(List.of(message("", "YHOO\n+2\n10"), "last-event-id "),
                read("data: YHOO\ndata: +2\ndata: 10\n\n"));
    }

    @Test
    @DisplayName("spec: a comment, an id, an empty id resetting it, a value keeping its second space")
    void fourBlocks() {
        String stream = ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n";
        assertEquals(List.of("comment test stream", message("1", "first event"), message("", "second event"),
                message("", " third event"), "last-event-id "), read(stream));
    }

    @Test
    @DisplayName("spec: 'data' alone is empty data, two of them a line feed; the unfinished last block is discarded")
    void dataWithoutColon() {
        assertEquals(List.of(message("", ""), message("", "\n"), "last-event-id "), read("data\n\ndata\ndata\n\ndata:"));
    }

    @Test
    @DisplayName("spec: 'data:test' and 'data: test' are the same event (one space after the colon is dropped)")
    void spaceAfterColon() {
        assertEquals(List.of(message("", "test"), message("", "test"), "last-event-id "), read("data:test\n\ndata: test\n\n"));
    }

    @Test
    @DisplayName("spec: typed events (add, remove, add)")
    void typedEvents() {
        String stream = "event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n";
        assertEquals(List.of(event("", "add", "73857293"), event("", "remove", "2153"), event("", "add", "113411"),
                "last-event-id "), read(stream));
    }

    @ParameterizedTest(name = "lines ending in {0}")
    @ValueSource(strings = {"\n", "\r", "\r\n"})
    void everyLineEnd(String end) {
        String stream = String.join(end, "id: 7", "event: tick", "data: one", "data: two", "", ": c", "data: three", "", "");
        assertEquals(List.of(event("7", "tick", "one\ntwo"), "comment c", message("7", "three"), "last-event-id 7"),
                read(stream));
    }

    @Test
    @DisplayName("mixed line ends; a CR and an LF in separate reads are one line end, CR CR two")
    void mixedLineEnds() {
        assertEquals(List.of(message("", "a\nb\nc"), message("", "d"), "last-event-id "),
                read("data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r"));
    }

    @Test
    @DisplayName("an LF after CR is not a blank line: CRLF between two data lines keeps one event")
    void crlfSplitIsOneLineEnd() {
        assertEquals(List.of(message("", "a\nb"), "last-event-id "), read("data: a\r\ndata: b\r\n\r\n"));
    }

    @Test
    @DisplayName("one byte order mark at the start is dropped; a second one is part of the first field's name")
    void byteOrderMark() {
        assertEquals(List.of(message("", "a"), "last-event-id "), read("\uFEFFdata: a\n\n"));
        assertEquals(List.of("last-event-id "), read("\uFEFF\uFEFFdata: a\n\n"));
        assertEquals(List.of(message("", "\uFEFFa"), "last-event-id "), read("data: \uFEFFa\n\n"));
    }

    @Test
    @DisplayName("an id containing NUL is ignored; other ids take effect even when nothing is dispatched")
    void ids() {
        assertEquals(List.of(message("1", "x"), "last-event-id 1"), read("id: 1\n\ndata: x\nid: a\0b\n\n"));
        assertEquals(List.of("last-event-id 7"), read("id: 7\n\n"));
        assertEquals(List.of(message("3", "x"), message("3", "y"), "last-event-id 3"),
                read("id: 3\ndata: x\n\ndata: y\n\n"));
        assertEquals(List.of(message("\uFFFD \u00e9", "x"), "last-event-id \uFFFD \u00e9"), read("id:\uFFFD \u00e9\ndata:x\n\n"));
    }

    @ParameterizedTest(name = "retry value \"{0}\" is ignored")
    @ValueSource(strings = {"", "  1000", "1000 ", "1e3", "-1", "+1", "1.5", "\uFF11", "99999999999999999999"})
    void retryNeedsOnlyAsciiDigits(String value) {
        assertEquals(List.of("last-event-id "), read("retry:" + value + "\n"));
    }

    @Test
    @DisplayName("retry with only ASCII digits, at once and without a blank line; the largest long")
    void retry() {
        assertEquals(List.of("retry 1000", "retry 0", "retry 9223372036854775807", "last-event-id "),
                read("retry: 1000\nretry:0\nretry: 9223372036854775807\n"));
    }

    @Test
    @DisplayName("unknown fields, and fields named in another case, are ignored")
    void unknownFields() {
        assertEquals(List.of(message("", "x"), "last-event-id "),
                read("foo: bar\nData: y\nID: 9\nEvent: t\ndata: x\ndata : z\nretry : 5\n\n"));
    }

    @Test
    @DisplayName("the type is reset by every blank line, even one that dispatches nothing")
    void typeDoesNotLeak() {
        assertEquals(List.of(message("", "x"), "last-event-id "), read("event: a\n\ndata: x\n\n"));
        assertEquals(List.of(message("", "x"), "last-event-id "), read("event:\ndata: x\n\n"));
    }

    @Test
    @DisplayName("values keep colons, and spaces after the first; a lone colon is an empty comment")
    void colonsAndComments() {
        assertEquals(List.of("comment ", "comment  two", message("", "a:b: c"), "last-event-id "),
                read(":\n:  two\ndata:a:b: c\n\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "two bytes        | c3 a9                   | \u00e9",
            "three bytes      | e4 b8 ad                | \u4e2d",
            "four bytes       | f0 9f 98 80             | \uD83D\uDE00",
            "lone continuation| 80                      | \uFFFD",
            "cut short        | e4 b8 41                | \uFFFDA",
            "overlong         | c0 af                   | \uFFFD\uFFFD",
            "surrogate        | ed a0 80                | \uFFFD\uFFFD\uFFFD",
            "above U+10FFFF   | f4 90 80 80             | \uFFFD\uFFFD\uFFFD\uFFFD",
            "cut by a LF      | f0 9f 98 0a 64 61 74 61 3a 78 | \uFFFD",
    })
    void utf8Decoding(String name, String hex, String expected) {
        byte[] stream = EventStreams.concat(utf8("data:"), java.util.HexFormat.of().parseHex(hex.replace(" ", "")),
                utf8("\n\n"));
        String data = name.startsWith("cut by") ? expected + "\nx" : expected;
        assertEquals(List.of(message("", data), "last-event-id "), read(stream));
    }

    @Test
    @DisplayName("a server restart: the parser starts from the given id, and events without an id carry it")
    void startsFromLastEventId() {
        assertEquals(List.of(message("41", "x"), message("42", "y"), "last-event-id 42"),
                read(utf8("data: x\n\nid: 42\ndata: y\n\n"), EventStreamParser.DEFAULT_MAX_EVENT_BYTES, "41"));
    }

    @Test
    @DisplayName("a stream ending inside an event: nothing dispatched, its id not taken")
    void unfinishedEventIsDiscarded() {
        assertEquals(List.of(message("1", "x"), "last-event-id 1"), read("id: 1\ndata: x\n\nid: 2\ndata: y\n"));
        assertEquals(List.of(message("", "x"), "last-event-id "), read("data: x\n\ndata: y"));
    }
}
