package dev.tether.it.support;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.opentest4j.AssertionFailedError;

/**
 * A blocking TCP client on 127.0.0.1 that writes exactly the bytes a test gives and reads what comes
 * back, each read under a deadline: for the hixie-75/76 handshakes and frames no library speaks any
 * more, and for RFC 6455 frames a library would not send.
 */
public final class RawSocket implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A response head: status line, status code, headers (names case-insensitive, first value kept). */
    public record Head(String statusLine, int status, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** An RFC 6455 frame as received. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawSocket(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void write(String latin1) throws IOException {
        write(latin1.getBytes(ISO_8859_1));
    }

    /** Reads a response head up to and including its empty line. */
    public Head readHead(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = read(deadline);
            if (b < 0) throw new AssertionFailedError("EOF inside the response head: " + bytes.toString(ISO_8859_1));
            bytes.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (bytes.size() > 65536) throw new AssertionFailedError("response head too long");
        }
        String[] lines = bytes.toString(ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) throw new AssertionFailedError("not a status line: " + lines[0]);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) throw new AssertionFailedError("malformed header line: " + lines[i]);
            headers.putIfAbsent(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
        }
        return new Head(lines[0], Integer.parseInt(status[1]), headers);
    }

    /** Reads exactly {@code n} bytes. */
    public byte[] readExactly(int n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] bytes = new byte[n];
        for (int done = 0; done < n; ) {
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

    /** Reads until the server closes the connection; returns what came before. Fails if it stays open. */
    public byte[] readToEof(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
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
                return rest.toByteArray();
            }
            if (n < 0) return rest.toByteArray();
            rest.write(chunk, 0, n);
        }
    }

    /** Sends one masked RFC 6455 frame with FIN set. */
    public void writeFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) frame.write((int) ((long) payload.length >>> shift));
        }
        byte[] key = new byte[4];
        RANDOM.nextBytes(key);
        frame.write(key, 0, 4);
        for (int i = 0; i < payload.length; i++) frame.write(payload[i] ^ key[i & 3]);
        write(frame.toByteArray());
    }

    /** Reads one RFC 6455 frame, which a server must not mask. */
    public Frame readFrame(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
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
        if (length > 1 << 26) throw new AssertionFailedError("frame too long for a test: " + length);
        byte[] payload = readExactly((int) length, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
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

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RawSocket[%d->%d]", socket.getLocalPort(), socket.getPort());
    }
}
