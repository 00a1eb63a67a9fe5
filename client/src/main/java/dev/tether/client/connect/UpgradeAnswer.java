package dev.tether.client.connect;

import dev.tether.driver.handshake.HandshakeException;
import dev.tether.driver.handshake.HttpResponseHead;
import dev.tether.driver.handshake.HttpResponseHeadParser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the server's answer to the upgrade request: the head, and for a refusal the start of the
 * body (which usually says why), so the failure can carry it. Sans-IO: fed the bytes as they come.
 */
final class UpgradeAnswer {
    /** The most of a refusal's body kept. */
    static final int BODY_START = 1024;

    private final HttpResponseHeadParser parser = new HttpResponseHeadParser();
    private HttpResponseHead head;
    private ByteBuffer body;
    private long bodyWanted;

    /**
     * Takes bytes of the head (and, after a refusal's head, of the body). After a 101 the bytes that
     * follow the head are left in {@code bytes}: they are the server's first frames.
     *
     * @return whether the answer is complete: a 101 head, or a refusal with as much body as is kept
     */
    boolean take(ByteBuffer bytes) throws HandshakeException {
        if (head == null) {
            head = parser.parse(bytes);
            if (head == null) {
                return false;
            }
            if (head.status() == 101) {
                return true;
            }
            bodyWanted = Math.min(BODY_START, declaredLength());
            body = ByteBuffer.allocate((int) bodyWanted);
        }
        if (head.status() == 101) {
            return true;
        }
        while (bytes.hasRemaining() && body.hasRemaining()) {
            body.put(bytes.get());
        }
        bytes.position(bytes.limit()); // the rest of a refusal is of no use
        return !body.hasRemaining();
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

    /** The Content-Length, or as much as is kept when there is none (a chunked or unframed body). */
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
        return status == 204 || status == 304 || (status >= 100 && status < 200) ? 0 : BODY_START;
    }
}
