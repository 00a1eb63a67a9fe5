package dev.tether.client.connect;

import org.junit.jupiter.params.ParameterizedTest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upgrade answer fed whole, split at every offset, and a byte at a time (design guide §5.1). */
class UpgradeAnswerSplitTest {

    private static List<List<byte[]>> feedings(byte[] all) {
        List<List<byte[]>> feedings = new ArrayList<>();
        feedings.add(List.of(all));
        for (int i = 1; i < all.length; i++) {
            feedings.add(List.of(java.util.Arrays.copyOfRange(all, 0, i), java.util.Arrays.copyOfRange(all, i, all.length)));
        }
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : all) bytes.add(new byte[] {b});
        feedings.add(bytes);
        return feedings;
    }

    /** Feeds the pieces; returns status, body, and what was left after completion (pipe separated). */
    private static String feed(List<byte[]> pieces) throws Exception {
        UpgradeAnswer answer = new UpgradeAnswer();
        StringBuilder after = new StringBuilder();
        boolean done = false;
        for (byte[] piece : pieces) {
            ByteBuffer in = ByteBuffer.wrap(piece);
            if (done) {
                if (answer.head().status() == 101) after.append(new String(piece, StandardCharsets.ISO_8859_1));
                continue; // after a refusal's end: not read
            }
            done = answer.take(in);
            if (done) {
                after.append(StandardCharsets.ISO_8859_1.decode(in));
            }
        }
        return (done ? answer.head().status() : "incomplete") + "|" + answer.bodyStart() + "|" + after;
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> answers() {
        return java.util.stream.Stream.of(
                // chunked, the example of the review brief
                org.junit.jupiter.params.provider.Arguments.of("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nnot \r\n5\r\nfound\r\n0\r\n\r\n", "404|not found|"),
                // chunk extensions, a quoted ';' in one, upper-case hex
                org.junit.jupiter.params.provider.Arguments.of("HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n4;a=b\r\nno; \r\nA;q=\"x;y\"\r\n0123456789\r\n0\r\n\r\n", "403|no; 0123456789|"),
                // LF-only chunk lines
                org.junit.jupiter.params.provider.Arguments.of("HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n", "403|abc|"),
                org.junit.jupiter.params.provider.Arguments.of("HTTP/1.1 401 Unauthorized\r\nContent-Length: 3\r\n\r\nabc", "401|abc|"),
                // interim answers skipped; the frames after the 101 are left
                org.junit.jupiter.params.provider.Arguments.of("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nFRAMES", "101||FRAMES"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("answers")
    void everyFeedingReadsTheSame(String answer, String expected) throws Exception {
        byte[] bytes = answer.getBytes(StandardCharsets.ISO_8859_1);
        for (List<byte[]> pieces : feedings(bytes)) {
            assertEquals(expected, feed(pieces), "pieces " + pieces.size() + " first " + pieces.get(0).length);
        }
    }

    @org.junit.jupiter.api.Test
    void aChunkedBodyIsNotCompleteBeforeItsLastChunk() throws Exception {
        UpgradeAnswer answer = new UpgradeAnswer();
        assertFalse(answer.take(ByteBuffer.wrap("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nnot \r\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertFalse(answer.take(ByteBuffer.wrap("5\r\nfound\r\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertTrue(answer.take(ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals("not found", answer.bodyStart());
    }
}
