package dev.tether.driver.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads an HTTP/1.x response head (status line, header lines, blank line) incrementally, as a
 * WebSocket client does with the server's handshake response.
 *
 * <p>{@link #parse} may be given the bytes split anywhere, down to one byte per call. It consumes
 * bytes only up to and including the blank line that ends the head, so whatever follows it in the
 * same read (the server's first frames) stays in the buffer for the caller.
 *
 * <p>Accepted syntax (RFC 7230 §3, strict where leniency could be abused):
 * <ul>
 *   <li>lines end in CRLF or a bare LF; a CR anywhere else is an error;</li>
 *   <li>status line {@code HTTP/1.x SP 3DIGIT SP reason}; the reason may be empty, and a missing
 *       final {@code SP} before an empty reason is tolerated;</li>
 *   <li>header lines {@code name ":" OWS value OWS}, with the name a token (so no space before the
 *       colon) and the value free of control characters other than tab; obsolete line folding
 *       (a line starting with a space or tab) is rejected;</li>
 *   <li>at most {@code maxHeadBytes} bytes in all, counting line ends, and at most
 *       {@value #MAX_HEADER_LINES} header lines. The parser never holds more than the limit.</li>
 * </ul>
 * Bytes are read as ISO-8859-1. One parser reads one head: once it has returned a head or thrown,
 * further calls throw {@link IllegalStateException}.
 */
public final class HttpResponseHeadParser {
    /** The default limit on the size of the head: 16 KiB. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 16 * 1024;
    /** The most header lines a head may have. */
    public static final int MAX_HEADER_LINES = 100;

    private static final int INITIAL_LINE_CAPACITY = 128;

    private enum State { STATUS_LINE, HEADER_LINES, DONE, FAILED }

    private final int maxHeadBytes;
    private State state = State.STATUS_LINE;
    private int headBytes;
    private byte[] line;
    private int lineLength;

    private int status;
    private String reason;
    private final HttpHeaders headers = new HttpHeaders();
    private int headerLines;

    /** A parser allowing heads of up to {@value #DEFAULT_MAX_HEAD_BYTES} bytes. */
    public HttpResponseHeadParser() {
        this(DEFAULT_MAX_HEAD_BYTES);
    }

    /**
     * A parser allowing heads of up to {@code maxHeadBytes} bytes, line ends included.
     *
     * @param maxHeadBytes the most bytes the head may have, line ends included
     * @throws IllegalArgumentException if {@code maxHeadBytes} is not positive
     */
    public HttpResponseHeadParser(int maxHeadBytes) {
        if (maxHeadBytes <= 0) {
            throw new IllegalArgumentException("maxHeadBytes must be positive, was " + maxHeadBytes);
        }
        this.maxHeadBytes = maxHeadBytes;
        this.line = new byte[Math.min(INITIAL_LINE_CAPACITY, maxHeadBytes)];
    }

    /**
     * Consumes bytes from {@code in} until the head is complete.
     *
     * @param in the bytes read from the server, from position to limit
     * @return the head, with {@code in} positioned just after its blank line; or null when {@code in}
     *         ran out first (all of it consumed; call again with more bytes)
     * @throws HandshakeException if the bytes are not a valid response head or exceed a limit
     * @throws IllegalStateException if this parser already returned a head or threw
     */
    public HttpResponseHead parse(ByteBuffer in) throws HandshakeException {
        if (state == State.DONE || state == State.FAILED) {
            throw new IllegalStateException("this parser already " + (state == State.DONE ? "returned a head" : "failed"));
        }
        try {
            while (in.hasRemaining()) {
                if (headBytes == maxHeadBytes) {
                    throw new HandshakeException("response head exceeds " + maxHeadBytes + " bytes");
                }
                byte b = in.get();
                headBytes++;
                if (b != '\n') {
                    append(b);
                } else if (endLine()) {
                    state = State.DONE;
                    return new HttpResponseHead(status, reason, headers.readOnlyView());
                }
            }
            return null;
        } catch (HandshakeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            // headBytes <= maxHeadBytes bounds every line, so this never grows past the limit
            line = Arrays.copyOf(line, Math.min(line.length * 2, maxHeadBytes));
        }
        line[lineLength++] = b;
    }

    /** Handles the line just ended by LF; returns true when it was the blank line ending the head. */
    private boolean endLine() throws HandshakeException {
        int length = lineLength;
        if (length > 0 && line[length - 1] == '\r') length--;
        String text = new String(line, 0, length, StandardCharsets.ISO_8859_1);
        lineLength = 0;
        if (text.indexOf('\r') >= 0) {
            throw new HandshakeException("CR not followed by LF in response line " + Quoted.quote(text));
        }
        if (state == State.STATUS_LINE) {
            parseStatusLine(text);
            state = State.HEADER_LINES;
            return false;
        }
        if (text.isEmpty()) return true;
        parseHeaderLine(text);
        return false;
    }

    private void parseStatusLine(String text) throws HandshakeException {
        // "HTTP/1.x 101" is 12 characters; then " reason", possibly empty
        boolean valid = text.length() >= 12
                && text.startsWith("HTTP/1.")
                && isDigit(text.charAt(7))
                && text.charAt(8) == ' '
                && isDigit(text.charAt(9)) && isDigit(text.charAt(10)) && isDigit(text.charAt(11))
                && (text.length() == 12 || text.charAt(12) == ' ');
        if (!valid) {
            throw new HandshakeException("malformed status line, expected \"HTTP/1.x NNN reason\": " + Quoted.quote(text));
        }
        String reasonPhrase = text.length() > 12 ? text.substring(13) : "";
        int bad = firstForbiddenControl(reasonPhrase);
        if (bad >= 0) {
            throw new HandshakeException("invalid character '" + Quoted.printable(reasonPhrase.charAt(bad))
                    + "' in status line reason: " + Quoted.quote(text));
        }
        status = Integer.parseInt(text, 9, 12, 10);
        reason = reasonPhrase;
    }

    private void parseHeaderLine(String text) throws HandshakeException {
        if (++headerLines > MAX_HEADER_LINES) {
            throw new HandshakeException("response head has more than " + MAX_HEADER_LINES + " header lines");
        }
        char first = text.charAt(0);
        if (first == ' ' || first == '\t') {
            throw new HandshakeException("obsolete line folding is not allowed: " + Quoted.quote(text));
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new HandshakeException("header line has no colon: " + Quoted.quote(text));
        }
        String name = text.substring(0, colon);
        if (name.isEmpty()) {
            throw new HandshakeException("header line has an empty name: " + Quoted.quote(text));
        }
        for (int i = 0; i < name.length(); i++) {
            if (!HeaderTokens.isTchar(name.charAt(i))) {
                throw new HandshakeException("invalid character '" + Quoted.printable(name.charAt(i))
                        + "' in header name " + Quoted.quote(name));
            }
        }
        String value = trimOws(text.substring(colon + 1));
        int bad = firstForbiddenControl(value);
        if (bad >= 0) {
            throw new HandshakeException("invalid character '" + Quoted.printable(value.charAt(bad))
                    + "' in value of header " + name);
        }
        headers.add(name, value);
    }

    /** The index of the first control character other than tab (RFC 7230 field-vchar / SP / HTAB), or -1. */
    private static int firstForbiddenControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F) return i;
        }
        return -1;
    }

    private static String trimOws(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isOws(text.charAt(start))) start++;
        while (end > start && isOws(text.charAt(end - 1))) end--;
        return text.substring(start, end);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
