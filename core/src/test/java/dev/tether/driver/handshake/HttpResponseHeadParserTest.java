package dev.tether.driver.handshake;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpResponseHeadParserTest {
    private static final String HEAD = "HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate\r\n"
            + "sec-websocket-extensions: x-other\r\n"
            + "\r\n";
    /** A text frame "hi" sent by the server right behind its head, in the same read. */
    private static final byte[] FRAME = {(byte) 0x81, 0x02, 'h', 'i'};

    private static final HttpResponseHead EXPECTED = new HttpResponseHead(101, "Switching Protocols", new HttpHeaders()
            .add("Upgrade", "websocket")
            .add("Connection", "Upgrade")
            .add("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            .add("Sec-WebSocket-Extensions", "permessage-deflate")
            .add("sec-websocket-extensions", "x-other"));

    /** The head a parser returned, and every byte after it. */
    private record Parsed(HttpResponseHead head, byte[] rest) {
    }

    @Test
    void wholeHeadWithFrameBehindIt() throws HandshakeException {
        ByteBuffer in = ByteBuffer.wrap(concat(bytes(HEAD), FRAME));
        HttpResponseHead head = new HttpResponseHeadParser().parse(in);

        assertEquals(EXPECTED, head);
        assertEquals(HEAD.length(), in.position());
        assertEquals(FRAME.length, in.remaining());
    }

    @Test
    void everySplitPointGivesTheSameResult() throws HandshakeException {
        byte[] input = concat(bytes(HEAD), FRAME);
        for (int split = 0; split <= input.length; split++) {
            Parsed parsed = parseInChunks(new HttpResponseHeadParser(), input, split);
            assertEquals(EXPECTED, parsed.head(), "split at " + split);
            assertArrayEquals(FRAME, parsed.rest(), "split at " + split);
        }
    }

    @Test
    void byteByByteGivesTheSameResult() throws HandshakeException {
        byte[] input = concat(bytes(HEAD), FRAME);
        int[] everyByte = new int[input.length];
        Arrays.setAll(everyByte, i -> i + 1);
        Parsed parsed = parseInChunks(new HttpResponseHeadParser(), input, everyByte);
        assertEquals(EXPECTED, parsed.head());
        assertArrayEquals(FRAME, parsed.rest());
    }

    @Test
    void returnsNullAndConsumesEverythingUntilTheHeadIsComplete() throws HandshakeException {
        HttpResponseHeadParser parser = new HttpResponseHeadParser();
        ByteBuffer first = ByteBuffer.wrap(bytes("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n\r"));
        assertNull(parser.parse(first));
        assertFalse(first.hasRemaining());
        ByteBuffer second = ByteBuffer.wrap(bytes("\n"));
        assertNotNull(parser.parse(second));
    }

    @Test
    void bareLfAndMixedLineEnds() throws HandshakeException {
        HttpResponseHead head = parse("HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\r\nConnection: Upgrade\n\n");
        assertEquals(new HttpResponseHead(101, "Switching Protocols",
                new HttpHeaders().add("Upgrade", "websocket").add("Connection", "Upgrade")), head);
    }

    @Test
    void bareLfSplitAtEveryOffset() throws HandshakeException {
        byte[] input = concat(bytes(HEAD.replace("\r\n", "\n")), FRAME);
        for (int split = 0; split <= input.length; split++) {
            Parsed parsed = parseInChunks(new HttpResponseHeadParser(), input, split);
            assertEquals(EXPECTED, parsed.head(), "split at " + split);
            assertArrayEquals(FRAME, parsed.rest(), "split at " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "HTTP/1.1 200 OK                            | 200 | OK",
            "HTTP/1.0 403 Forbidden                     | 403 | Forbidden",
            "HTTP/1.1 101 Web Socket Protocol Handshake | 101 | Web Socket Protocol Handshake",
            "HTTP/1.1 999 x                             | 999 | x",
    })
    void statusLines(String statusLine, int status, String reason) throws HandshakeException {
        HttpResponseHead head = parse(statusLine + "\r\n\r\n");
        assertEquals(status, head.status());
        assertEquals(reason, head.reason());
        assertEquals(new HttpHeaders(), head.headers());
    }

    @Test
    void emptyReasonWithOrWithoutItsSpace() throws HandshakeException {
        assertEquals("", parse("HTTP/1.1 101 \r\n\r\n").reason());
        assertEquals("", parse("HTTP/1.1 101\r\n\r\n").reason());
    }

    @Test
    void reasonIsKeptVerbatimIncludingSpacesAndTabs() throws HandshakeException {
        assertEquals("\tweird  reason ", parse("HTTP/1.1 101 \tweird  reason \r\n\r\n").reason());
    }

    @Test
    void reasonMayHoldLatin1() throws HandshakeException {
        assertEquals("Caf\u00e9", parse("HTTP/1.1 200 Caf\u00e9\r\n\r\n").reason());
    }

    @Test
    void valuesAreTrimmedOfOptionalWhitespaceOnly() throws HandshakeException {
        HttpHeaders headers = parse("HTTP/1.1 101 x\r\n"
                + "A:v\r\n"
                + "B: \t spaced  value \t\r\n"
                + "C:\r\n"
                + "D:   \r\n"
                + "Host: example.com:8080\r\n"
                + "E: caf\u00e9\r\n"
                + "\r\n").headers();
        assertEquals(new HttpHeaders().add("A", "v").add("B", "spaced  value").add("C", "").add("D", "")
                .add("Host", "example.com:8080").add("E", "caf\u00e9"), headers);
    }

    @Test
    void returnedHeadersAreReadOnly() throws HandshakeException {
        HttpHeaders headers = parse(HEAD).headers();
        assertThrows(UnsupportedOperationException.class, () -> headers.add("X", "y"));
    }

    @Test
    void headOfExactlyTheLimitIsAccepted() throws HandshakeException {
        byte[] head = bytes(HEAD);
        ByteBuffer in = ByteBuffer.wrap(concat(head, FRAME));
        assertEquals(EXPECTED, new HttpResponseHeadParser(head.length).parse(in));
        assertEquals(FRAME.length, in.remaining());
    }

    @Test
    void headOneByteOverTheLimitIsRejected() {
        byte[] head = bytes(HEAD);
        HttpResponseHeadParser parser = new HttpResponseHeadParser(head.length - 1);
        HandshakeException e = assertThrows(HandshakeException.class, () -> parser.parse(ByteBuffer.wrap(head)));
        assertEquals("response head exceeds " + (head.length - 1) + " bytes", e.getMessage());
    }

    @Test
    void endlessLineIsRejectedAtTheDefaultLimitEvenByteByByte() throws HandshakeException {
        HttpResponseHeadParser parser = new HttpResponseHeadParser();
        ByteBuffer one = ByteBuffer.allocate(1);
        for (int i = 0; i < HttpResponseHeadParser.DEFAULT_MAX_HEAD_BYTES; i++) {
            one.clear().put((byte) 'a').flip();
            assertNull(parser.parse(one));
        }
        one.clear().put((byte) 'a').flip();
        HandshakeException e = assertThrows(HandshakeException.class, () -> parser.parse(one));
        assertEquals("response head exceeds 16384 bytes", e.getMessage());
    }

    @Test
    void oneHundredHeaderLinesAreAccepted() throws HandshakeException {
        assertEquals(100, parse(headWithHeaderLines(100)).headers().size());
    }

    @Test
    void moreThanOneHundredHeaderLinesAreRejected() {
        assertRejected("response head has more than 100 header lines", headWithHeaderLines(101));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "HTTP/2 101 Switching Protocols",
            "HTTP/1.1 10 Short",
            "HTTP/1.1 1011 Long",
            "HTTP/1.1 1x1 Letters",
            "HTTP/1.1  101 Two spaces",
            "HTTP/1.1 101Glued",
            "http/1.1 101 Lower case",
            "HTTP/1. 101 No minor",
            "ICY 200 OK",
            "HTTP/1.1",
    })
    void malformedStatusLinesAreRejected(String statusLine) {
        assertRejected("malformed status line, expected \"HTTP/1.x NNN reason\": \"" + statusLine + "\"",
                statusLine + "\r\n\r\n");
    }

    @Test
    void blankLineBeforeTheStatusLineIsRejected() {
        assertRejected("malformed status line, expected \"HTTP/1.x NNN reason\": \"\"", "\r\nHTTP/1.1 101 OK\r\n\r\n");
    }

    @Test
    void controlCharacterInReasonIsRejected() {
        assertRejected("invalid character '\\0' in status line reason: \"HTTP/1.1 101 a\\0b\"", "HTTP/1.1 101 a\0b\r\n\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'Upgrade: websocket\r\n folded'   | obsolete line folding is not allowed: \" folded\"",
            "'Upgrade: websocket\r\n\tfolded'  | obsolete line folding is not allowed: \"\\tfolded\"",
            "'NoColonHere'                     | header line has no colon: \"NoColonHere\"",
            "': value'                         | header line has an empty name: \": value\"",
            "'Upgrade : websocket'             | invalid character ' ' in header name \"Upgrade \"",
            "'Bad Name: x'                     | invalid character ' ' in header name \"Bad Name\"",
            "'Na\u00efve: x'                   | invalid character '\u00ef' in header name \"Na\u00efve\"",
            "'X(y): x'                         | invalid character '(' in header name \"X(y)\"",
            "'X-Nul\0: x'                      | invalid character '\\0' in header name \"X-Nul\\0\"",
            "'X-Value: a\0b'                   | invalid character '\\0' in value of header X-Value",
            "'X-Value: a\u0007b'               | invalid character '\\x07' in value of header X-Value",
            "'X-Value: a\u007fb'               | invalid character '\\x7F' in value of header X-Value",
            "'X-Value: a\rb'                   | CR not followed by LF in response line \"X-Value: a\\rb\"",
    })
    void malformedHeaderLinesAreRejected(String lines, String message) {
        assertRejected(message, "HTTP/1.1 101 OK\r\n" + lines + "\r\n\r\n");
    }

    @Test
    void bareCrInTheMiddleOfALineIsRejected() {
        // a lone CR must not end a line, or it could smuggle in a header some other parser never sees
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> parse("HTTP/1.1 101 OK\r\nA: b\rInjected: yes\r\n\r\n"));
        assertEquals("CR not followed by LF in response line \"A: b\\rInjected: yes\"", e.getMessage());
    }

    @Test
    void longOffendingLinesAreCutShortInMessages() {
        String name = "X".repeat(300) + " ";
        HandshakeException e = assertThrows(HandshakeException.class, () -> parse("HTTP/1.1 101 OK\r\n" + name + ": v\r\n\r\n"));
        assertEquals("invalid character ' ' in header name \"" + "X".repeat(100) + "...\"", e.getMessage());
    }

    @Test
    void parserReadsOneHeadOnly() throws HandshakeException {
        HttpResponseHeadParser parser = new HttpResponseHeadParser();
        parser.parse(ByteBuffer.wrap(bytes(HEAD)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> parser.parse(ByteBuffer.wrap(FRAME)));
        assertEquals("this parser already returned a head", e.getMessage());
    }

    @Test
    void parserStaysFailedAfterAnError() {
        HttpResponseHeadParser parser = new HttpResponseHeadParser();
        assertThrows(HandshakeException.class, () -> parser.parse(ByteBuffer.wrap(bytes("HTTP/9 x\r\n"))));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> parser.parse(ByteBuffer.wrap(bytes(HEAD))));
        assertEquals("this parser already failed", e.getMessage());
    }

    @Test
    void limitMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HttpResponseHeadParser(0));
        assertEquals("maxHeadBytes must be positive, was 0", e.getMessage());
    }

    private static String headWithHeaderLines(int count) {
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        for (int i = 0; i < count; i++) head.append("X-H").append(i).append(": ").append(i).append("\r\n");
        return head.append("\r\n").toString();
    }

    private static HttpResponseHead parse(String head) throws HandshakeException {
        ByteBuffer in = ByteBuffer.wrap(bytes(head));
        HttpResponseHead parsed = new HttpResponseHeadParser().parse(in);
        assertNotNull(parsed, "head incomplete");
        assertFalse(in.hasRemaining(), "bytes left after the head");
        return parsed;
    }

    private static void assertRejected(String message, String head) {
        HandshakeException e = assertThrows(HandshakeException.class, () -> parse(head));
        assertEquals(message, e.getMessage());
        // the same error, however the bytes arrive
        byte[] input = bytes(head);
        int[] everyByte = new int[input.length];
        Arrays.setAll(everyByte, i -> i + 1);
        HandshakeException split = assertThrows(HandshakeException.class,
                () -> parseInChunks(new HttpResponseHeadParser(), input, everyByte));
        assertEquals(message, split.getMessage());
    }

    /** Feeds {@code input} cut at the given ascending offsets, as separate reads. */
    private static Parsed parseInChunks(HttpResponseHeadParser parser, byte[] input, int... cuts) throws HandshakeException {
        HttpResponseHead head = null;
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        int start = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int end = i < cuts.length ? Math.min(cuts[i], input.length) : input.length;
            ByteBuffer chunk = ByteBuffer.wrap(input, start, end - start);
            if (head == null) {
                head = parser.parse(chunk);
                if (head == null) assertFalse(chunk.hasRemaining(), "parser returned null with bytes left");
            }
            while (chunk.hasRemaining()) rest.write(chunk.get());
            start = end;
        }
        return new Parsed(head, rest.toByteArray());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
