package dev.tether.client.connect;

import dev.tether.driver.handshake.HandshakeException;
import dev.tether.driver.handshake.HttpResponseHead;
import dev.tether.driver.handshake.HttpResponseHeadParser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the server's answer to the upgrade request: the head (after any interim 1xx answers), and
 * for a refusal the start of the body, which usually says why, so the failure can carry it. A body
 * ends where its {@code Content-Length} says, at its last chunk, or (unframed) when the server
 * closes; at most {@value #BODY_START} bytes of it are kept. Sans-IO: fed the bytes as they come.
 */
final class UpgradeAnswer {
    /** The most of a refusal's body kept. */
    static final int BODY_START = 1024;
    /** Interim answers (100, 103) tolerated before the real one. */
    static final int MAX_INTERIM_ANSWERS = 10;

    private HttpResponseHeadParser parser = new HttpResponseHeadParser();
    private HttpResponseHead head;
    private ByteBuffer body;
    /** Bytes of the body still to come, when its length is known (declared, or of the current chunk). */
    private long wanted;
    private ChunkedBody chunks;
    private int interimAnswers;

    /**
     * Takes bytes of the head (and, after a refusal's head, of the body). After a 101 the bytes that
     * follow the head are left in {@code bytes}: they are the server's first frames.
     *
     * @return whether the answer is complete: a 101 head, or a refusal whose body ended or filled what is kept
     */
    boolean take(ByteBuffer bytes) throws HandshakeException {
        while (head == null) {
            HttpResponseHead read = parser.parse(bytes);
            if (read == null) {
                return false;
            }
            if (read.status() >= 100 && read.status() < 200 && read.status() != 101) {
                if (++interimAnswers > MAX_INTERIM_ANSWERS) {
                    throw new HandshakeException("more than " + MAX_INTERIM_ANSWERS + " interim answers before the real one");
                }
                parser = new HttpResponseHeadParser(); // an interim answer (100, 103): the real one follows
                continue;
            }
            head = read;
            if (head.status() == 101 || (head.status() >= 300 && head.status() < 400)) {
                return true; // a redirect's body is of no use: where it points is in the head
            }
            body = ByteBuffer.allocate(BODY_START);
            String encoding = head.headers().first("Transfer-Encoding");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunks = new ChunkedBody();
            } else {
                wanted = declaredLength();
            }
        }
        if (head.status() == 101 || (head.status() >= 300 && head.status() < 400)) {
            return true;
        }
        boolean ended = chunks != null ? chunks.take(bytes, body) : takeLength(bytes);
        bytes.position(bytes.limit()); // the rest of a refusal is of no use
        return ended || !body.hasRemaining();
    }

    private boolean takeLength(ByteBuffer bytes) {
        while (wanted > 0 && bytes.hasRemaining() && body.hasRemaining()) {
            body.put(bytes.get());
            wanted--;
        }
        return wanted == 0;
    }

    /** The head, once read; null before. */
    HttpResponseHead head() {
        return head;
    }

    /** The body's start as text, as much as arrived. */
    String bodyStart() {
        if (body == null) {
            return "";
        }
        return new String(body.array(), 0, body.position(), StandardCharsets.ISO_8859_1);
    }

    /** The Content-Length; without one, as much as is kept (the body ends when the server closes). */
    private long declaredLength() {
        String length = head.headers().first("Content-Length");
        if (length != null) {
            try {
                return Math.max(0, Long.parseLong(length.trim()));
            } catch (NumberFormatException e) {
                return BODY_START;
            }
        }
        int status = head.status();
        return status == 204 || status == 304 ? 0 : BODY_START;
    }

    /** A chunked body's data, without its framing: size lines, chunk data, the last chunk. */
    private static final class ChunkedBody {
        private final StringBuilder sizeLine = new StringBuilder();
        private long chunkLeft = -1; // -1: reading a size line
        private boolean ended;

        /** Copies chunk data into {@code body} while it has room; returns whether the last chunk came. */
        boolean take(ByteBuffer bytes, ByteBuffer body) {
            while (!ended && bytes.hasRemaining() && body.hasRemaining()) {
                if (chunkLeft < 0) {
                    char c = (char) (bytes.get() & 0xff);
                    if (c == '\n') {
                        chunkLeft = size(sizeLine.toString());
                        sizeLine.setLength(0);
                        ended = chunkLeft == 0;
                    } else if (c != '\r' && sizeLine.length() < 64) {
                        sizeLine.append(c);
                    }
                } else if (chunkLeft > 0) {
                    body.put(bytes.get());
                    chunkLeft--;
                } else {
                    // the CRLF after a chunk's data, read as an empty size line
                    chunkLeft = -1;
                }
            }
            return ended;
        }

        private static long size(String line) {
            String hex = line.contains(";") ? line.substring(0, line.indexOf(';')) : line;
            if (hex.isBlank()) {
                return -1; // the blank line after a chunk: the next size line follows
            }
            try {
                return Long.parseLong(hex.trim(), 16);
            } catch (NumberFormatException e) {
                return 0; // not chunked framing after all: keep what came
            }
        }
    }
}
