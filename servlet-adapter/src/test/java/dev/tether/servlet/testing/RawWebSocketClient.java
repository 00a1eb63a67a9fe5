package dev.tether.servlet.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tether.driver.handshake.AcceptKey;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opentest4j.AssertionFailedError;

/**
 * A blocking, raw-socket client for protocol tests: it sends exactly the bytes a test asks for and
 * parses what the server sends back, so malformed requests and frames can be tested. Independent
 * of the adapter. Every read has a timeout; a timeout fails the test.
 */
public final class RawWebSocketClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    /** A response's status line and headers (names case-insensitive, values in order received). */
    public record ResponseHead(String statusLine, int status, Map<String, List<String>> headers) {
        /** The first value of header {@code name}, or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** A frame as the server sent it; server frames are never masked. */
    public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        /** The payload as UTF-8 text. */
        public String text() {
            return new String(payload, UTF_8);
        }
    }

    /** A close frame's status code (1005 when the frame has none) and reason. */
    public record CloseFrame(int code, String reason) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private String key;
    private ResponseHead response;

    private RawWebSocketClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** A plain TCP connection to the URI's port on 127.0.0.1; nothing is sent. */
    public static RawWebSocketClient open(URI uri) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort());
        socket.setTcpNoDelay(true);
        try {
            return new RawWebSocketClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Connects and sends an RFC 6455 upgrade request, then reads the response head. {@code headers}
     * are name, value pairs added to (or, for the same name, replacing) the defaults Host, Upgrade,
     * Connection, Sec-WebSocket-Key and Sec-WebSocket-Version; a null value removes a default.
     */
    public static RawWebSocketClient connect(URI uri, String... headers) throws IOException {
        return connect(uri, pairs(headers), new byte[0]);
    }

    /** As {@link #connect(URI, String...)} with the extra headers in a map. */
    public static RawWebSocketClient connect(URI uri, Map<String, String> headers) throws IOException {
        return connect(uri, headers, new byte[0]);
    }

    /**
     * As {@link #connect(URI, Map)}, with {@code sentWithHead} written in the same write (and so,
     * on loopback, normally the same packet) as the request head.
     */
    public static RawWebSocketClient connect(URI uri, Map<String, String> headers, byte[] sentWithHead)
            throws IOException {
        RawWebSocketClient client = open(uri);
        try {
            client.key = AcceptKey.newKey(RANDOM);
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Host", "127.0.0.1:" + uri.getPort());
            all.put("Upgrade", "websocket");
            all.put("Connection", "Upgrade");
            all.put("Sec-WebSocket-Key", client.key);
            all.put("Sec-WebSocket-Version", "13");
            headers.forEach((name, value) -> {
                all.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
                if (value != null) all.put(name, value);
            });
            StringBuilder head = new StringBuilder("GET ").append(requestTarget(uri)).append(" HTTP/1.1\r\n");
            all.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            byte[] headBytes = head.toString().getBytes(ISO_8859_1);
            byte[] packet = new byte[headBytes.length + sentWithHead.length];
            System.arraycopy(headBytes, 0, packet, 0, headBytes.length);
            System.arraycopy(sentWithHead, 0, packet, headBytes.length, sentWithHead.length);
            client.sendRaw(packet);
            client.readResponseHead(HEAD_TIMEOUT);
            return client;
        } catch (IOException | RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    /** The path and query of {@code uri}, as on a request line. */
    public static String requestTarget(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /**
     * Sends {@code head} as is (ISO-8859-1; it should end with an empty line) and reads the response
     * head. For malformed and hixie-75/76 handshakes; follow with {@link #readExactly} for a body
     * such as hixie-76's 16-byte challenge answer.
     */
    public ResponseHead sendRequestHead(String head) throws IOException {
        sendRaw(head.getBytes(ISO_8859_1));
        return readResponseHead(HEAD_TIMEOUT);
    }

    /** Reads a response head: status line and headers, up to and including the empty line. */
    public ResponseHead readResponseHead(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int matched = 0; // of "\r\n\r\n"
        while (matched < 4) {
            int b = read(deadline);
            if (b < 0) throw new AssertionFailedError("EOF inside the response head: " + bytes.toString(ISO_8859_1));
            bytes.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (bytes.size() > MAX_HEAD_BYTES) throw new AssertionFailedError("response head too long");
        }
        String[] lines = bytes.toString(ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new AssertionFailedError("not an HTTP status line: " + lines[0]);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) throw new AssertionFailedError("malformed header line: " + lines[i]);
            headers.computeIfAbsent(lines[i].substring(0, colon).trim(), n -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        headers.replaceAll((name, values) -> Collections.unmodifiableList(values));
        response = new ResponseHead(lines[0], Integer.parseInt(status[1]), Collections.unmodifiableMap(headers));
        return response;
    }

    /** The last response head read, or null. */
    public ResponseHead response() {
        return response;
    }

    /** The Sec-WebSocket-Key that {@code connect} sent, or null. */
    public String key() {
        return key;
    }

    /** Whether the last response is a 101 whose Sec-WebSocket-Accept matches the key sent. */
    public boolean accepted() {
        return response != null && key != null && response.status() == 101
                && AcceptKey.accept(key).equals(response.header("Sec-WebSocket-Accept"));
    }

    /**
     * Sends one frame: {@code b0} is the first byte as is (FIN, RSV bits, opcode), the length is
     * encoded in the shortest form, and with {@code mask} the payload is masked with a random key.
     */
    public void sendFrame(int b0, byte[] payload, boolean mask) throws IOException {
        sendRaw(frame(b0, payload, mask));
    }

    /** One frame's bytes, as {@link #sendFrame} sends them: to send several frames in one write. */
    public static byte[] frame(int b0, byte[] payload, boolean mask) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(b0);
        int maskBit = mask ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(maskBit | 127);
            long length = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) frame.write((int) (length >>> shift));
        }
        byte[] key = new byte[4];
        if (mask) {
            RANDOM.nextBytes(key);
            frame.write(key, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) frame.write(mask ? payload[i] ^ key[i & 3] : payload[i]);
        return frame.toByteArray();
    }

    /** Sends {@code bytes} as they are. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one frame; fails the test if it is masked or does not arrive in time. */
    public Frame readFrame(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        int b0 = readByte(deadline);
        int b1 = readByte(deadline);
        if ((b1 & 0x80) != 0) throw new AssertionFailedError("the server sent a masked frame");
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (readByte(deadline) << 8) | readByte(deadline);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) length = (length << 8) | readByte(deadline);
        }
        if (length > Integer.MAX_VALUE - 8) throw new AssertionFailedError("frame too long for a test: " + length);
        byte[] payload = readExactly((int) length, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        return new Frame((b0 & 0x80) != 0, (b0 >>> 4) & 7, b0 & 0x0F, payload);
    }

    /**
     * Reads one data message: its first frame and the continuations up to the one with FIN, as one
     * frame with the first frame's opcode and RSV bits and the payloads joined. A server splits a
     * message larger than its {@code sendFrameSize} so. Fails the test if another frame comes between
     * them (read control frames with {@link #readFrame}) or the message does not arrive in time.
     */
    public Frame readMessage(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        Frame first = readFrame(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        if (first.opcode() != 0x1 && first.opcode() != 0x2) {
            throw new AssertionFailedError("expected a text or binary frame, got opcode " + first.opcode());
        }
        if (first.fin()) return first;
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes(first.payload());
        Frame frame;
        do {
            frame = readFrame(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (frame.opcode() != 0x0) {
                throw new AssertionFailedError("expected a continuation frame, got opcode " + frame.opcode());
            }
            payload.writeBytes(frame.payload());
        } while (!frame.fin());
        return new Frame(true, first.rsv(), first.opcode(), payload.toByteArray());
    }

    /** Reads one frame, which must be a close frame, and gives its code and reason. */
    public CloseFrame readCloseFrame(Duration timeout) throws IOException {
        Frame frame = readFrame(timeout);
        if (frame.opcode() != 0x8) throw new AssertionFailedError("expected a close frame, got opcode " + frame.opcode());
        byte[] p = frame.payload();
        if (p.length == 0) return new CloseFrame(1005, "");
        if (p.length == 1) throw new AssertionFailedError("close frame with a 1-byte payload");
        return new CloseFrame(((p[0] & 0xFF) << 8) | (p[1] & 0xFF), new String(p, 2, p.length - 2, UTF_8));
    }

    /** Reads exactly {@code n} bytes. */
    public byte[] readExactly(int n, Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        byte[] bytes = new byte[n];
        int done = 0;
        while (done < n) {
            setTimeout(deadline);
            int read;
            try {
                read = in.read(bytes, done, n - done);
            } catch (SocketTimeoutException e) {
                throw new AssertionFailedError("timed out after " + done + " of " + n + " bytes", e);
            }
            if (read < 0) throw new AssertionFailedError("EOF after " + done + " of " + n + " bytes");
            done += read;
        }
        return bytes;
    }

    /**
     * Waits until the server closes the connection (EOF, or a reset) and returns whatever it sent
     * before; fails the test if the connection stays open past {@code timeout}.
     */
    public byte[] awaitEof(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        while (true) {
            setTimeout(deadline);
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                throw new AssertionFailedError("the server did not close the connection within " + timeout, e);
            } catch (SocketException reset) {
                return rest.toByteArray(); // "Connection reset": closed too
            }
            if (n < 0) return rest.toByteArray();
            rest.write(chunk, 0, n);
        }
    }

    /** Half-closes: sends FIN, keeps reading. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** The raw input, for tests that stream (e.g. read on one thread while writing on another). */
    public InputStream input() {
        return in;
    }

    /** The raw output. */
    public OutputStream output() {
        return out;
    }

    /** Sets the socket read timeout used by {@link #input()}. */
    public void setReadTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
    }

    /** Makes {@link #close()} reset the connection (SO_LINGER 0) instead of closing it in order. */
    public void resetOnClose() throws IOException {
        socket.setSoLinger(true, 0);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private int readByte(long deadline) throws IOException {
        int b = read(deadline);
        if (b < 0) throw new AssertionFailedError("EOF inside a frame");
        return b;
    }

    private int read(long deadline) throws IOException {
        setTimeout(deadline);
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionFailedError("timed out waiting for the server", e);
        }
    }

    private void setTimeout(long deadline) throws SocketException {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionFailedError("timed out waiting for the server");
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(left).toMillis())));
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static Map<String, String> pairs(String... nameValues) {
        if (nameValues.length % 2 != 0) throw new IllegalArgumentException("header names and values must pair up");
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) map.put(nameValues[i], nameValues[i + 1]);
        return map;
    }

    @Override
    public String toString() {
        return "RawWebSocketClient[" + socket.getLocalPort() + "->" + socket.getPort() + "]";
    }
}
