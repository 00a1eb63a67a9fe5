package dev.tether.it.support;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.AssertionFailedError;

/**
 * Streams one binary message of any size through an echo endpoint over a plain socket, and checks
 * the echo as it comes back, never holding the message: one thread sends it in fragments of a fixed
 * size (masked frames made on the fly from a {@link StreamPattern}) while the caller's thread reads
 * the echo and compares every byte with the pattern at its offset. The echo must come back as one
 * binary message of the same length (the server may cut it into other frames); pings are answered.
 * Then a clean close (1000). Everything runs under one deadline: when it passes, the socket is
 * closed, which ends both threads, and the call fails saying how far it got.
 */
public final class StreamingEchoClient {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int READ_CHUNK = 256 * 1024;

    /** What came back and how fast. */
    public record Result(long bytes, long nanos, long framesSent, long framesReceived, long largestFrame,
                         long pingsAnswered, int closeCode) {
        /** Message bytes per second through the echo (sent and verified), in MB (10^6) per second. */
        public double megabytesPerSecond() {
            return bytes / (nanos / 1e9) / 1e6;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d bytes in %.2f s (%.0f MB/s): %,d frames sent, %,d received"
                    + " (largest %,d bytes), %d pings answered, closed %d", bytes, nanos / 1e9, megabytesPerSecond(),
                    framesSent, framesReceived, largestFrame, pingsAnswered, closeCode);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private final long deadline;
    private final long messageBytes;
    private final int fragmentBytes;
    private final StreamPattern pattern;
    /** Written by the sender, read for failure messages. */
    private volatile long sent;
    private volatile long framesSent;
    private long received;

    private StreamingEchoClient(int port, long messageBytes, int fragmentBytes, long seed, Duration timeout)
            throws IOException {
        if (fragmentBytes <= 0 || fragmentBytes % 8 != 0) {
            throw new IllegalArgumentException("the fragment size must be a positive multiple of 8: " + fragmentBytes);
        }
        this.deadline = System.nanoTime() + timeout.toNanos();
        this.messageBytes = messageBytes;
        this.fragmentBytes = fragmentBytes;
        this.pattern = new StreamPattern(seed);
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    /**
     * Opens a WebSocket to {@code ws://127.0.0.1:port/path}, streams a binary message of
     * {@code messageBytes} in fragments of {@code fragmentBytes} (a multiple of 8) while checking the
     * echo, then closes with 1000; all within {@code timeout}. Fails with an {@link AssertionFailedError}
     * that says what went wrong and where.
     */
    public static Result echo(int port, String path, long messageBytes, int fragmentBytes, long seed, Duration timeout)
            throws Exception {
        StreamingEchoClient client = new StreamingEchoClient(port, messageBytes, fragmentBytes, seed, timeout);
        try {
            return client.run(port, path);
        } finally {
            client.socket.close();
        }
    }

    private Result run(int port, String path) throws Exception {
        handshake(port, path);
        long start = System.nanoTime();
        CompletableFuture<Void> sender = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                send();
                sender.complete(null);
            } catch (Throwable e) {
                sender.completeExceptionally(e);
            }
        }, "stream-sender");
        thread.setDaemon(true);
        thread.start();
        long[] frames = new long[3]; // data frames received, largest, pings answered
        try {
            readEcho(frames);
        } catch (Throwable e) {
            // Whether the sender had failed by itself, before the close below ends it.
            String sending = sender.isCompletedExceptionally() ? "; the sender failed: " + cause(sender) : "";
            socket.close(); // ends the sender too
            throw new AssertionFailedError(e.getMessage() + " (sent " + progress(sent) + ", echo verified "
                    + progress(received) + sending + ")", e);
        }
        long nanos = System.nanoTime() - start;
        try {
            sender.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new AssertionFailedError("the sender failed after the whole echo arrived: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionFailedError("the sender did not finish although the whole echo arrived");
        }
        int closeCode = closeHandshake(frames);
        return new Result(received, nanos, framesSent, frames[0], frames[1], frames[2], closeCode);
    }

    private String progress(long bytes) {
        return String.format(Locale.ROOT, "%,d of %,d bytes", bytes, messageBytes);
    }

    private static String cause(CompletableFuture<?> future) {
        try {
            future.getNow(null);
            return "none";
        } catch (Exception e) {
            return String.valueOf(e.getCause());
        }
    }

    // ---------------------------------------------------------------- handshake

    private void handshake(int port, String path) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(ISO_8859_1));
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = readByte("the response head");
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 65536) throw new AssertionFailedError("response head too long");
        }
        String text = head.toString(ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 101")) {
            throw new AssertionFailedError("the server did not upgrade: " + text.lines().findFirst().orElse(""));
        }
        String accept = accept(key);
        boolean accepted = text.lines().anyMatch(line -> line.regionMatches(true, 0, "Sec-WebSocket-Accept:", 0, 21)
                && line.substring(21).trim().equals(accept));
        if (!accepted) throw new AssertionFailedError("wrong or missing Sec-WebSocket-Accept:\n" + text);
        boolean extension = text.lines().anyMatch(line -> line.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25));
        if (extension) throw new AssertionFailedError("the server agreed to an extension none was offered:\n" + text);
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- sending

    /** The message in masked frames of {@code fragmentBytes}: binary first, continuations after, FIN on the last. */
    private void send() throws IOException {
        byte[] frame = new byte[14 + fragmentBytes];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long offset = 0;
        do {
            int length = (int) Math.min(fragmentBytes, messageBytes - offset);
            boolean fin = offset + length == messageBytes;
            int key = random.nextInt();
            int at = header(frame, offset == 0 ? 0x2 : 0x0, fin, length, key);
            pattern.fill(offset, frame, at, length, maskWord(key));
            synchronized (writeLock) {
                out.write(frame, 0, at + length);
            }
            offset += length;
            sent = offset;
            framesSent++;
        } while (offset < messageBytes);
        out.flush();
    }

    /** Writes a masked frame's header into {@code frame}; returns its length (where the payload starts). */
    private static int header(byte[] frame, int opcode, boolean fin, long length, int key) {
        frame[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        int at;
        if (length < 126) {
            frame[1] = (byte) (0x80 | length);
            at = 2;
        } else if (length <= 0xFFFF) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
            at = 4;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) frame[2 + i] = (byte) (length >>> (56 - 8 * i));
            at = 10;
        }
        for (int i = 0; i < 4; i++) frame[at + i] = (byte) (key >>> (24 - 8 * i));
        return at + 4;
    }

    /** The masking key as the little-endian word XORed into each 8 payload bytes (key bytes 0-3, twice). */
    private static long maskWord(int key) {
        long k = Integer.reverseBytes(key) & 0xFFFFFFFFL;
        return k | (k << 32);
    }

    /** One small masked frame (a pong or the close), between the sender's data frames. */
    private void sendControl(int opcode, byte[] payload) throws IOException {
        byte[] frame = new byte[14 + payload.length];
        int key = ThreadLocalRandom.current().nextInt();
        int at = header(frame, opcode, true, payload.length, key);
        for (int i = 0; i < payload.length; i++) frame[at + i] = (byte) (payload[i] ^ (key >>> (24 - 8 * (i & 3))));
        write(Arrays.copyOf(frame, at + payload.length));
    }

    private void write(byte[] bytes) throws IOException {
        synchronized (writeLock) {
            out.write(bytes);
            out.flush();
        }
    }

    // ---------------------------------------------------------------- the echo

    /** Reads frames until the echoed message is complete, checking each byte as it arrives. */
    private void readEcho(long[] frames) throws IOException {
        byte[] chunk = new byte[READ_CHUNK];
        byte[] expected = new byte[READ_CHUNK + 8];
        boolean inMessage = false;
        while (true) {
            DataFrame frame = nextDataFrame(frames, inMessage);
            inMessage = true;
            if (received + frame.length > messageBytes) {
                throw new AssertionFailedError(String.format(Locale.ROOT, "the echo is longer than the message: a frame of"
                        + " %,d bytes after %,d", frame.length, received));
            }
            for (long left = frame.length; left > 0; ) {
                int n = read(chunk, (int) Math.min(left, chunk.length), "the echo");
                pattern.bytesAt(received, expected, n);
                int differs = Arrays.mismatch(chunk, 0, n, expected, 0, n);
                if (differs >= 0) {
                    throw new AssertionFailedError(String.format(Locale.ROOT, "the echo differs from byte %,d on (%,d bytes"
                            + " into a frame of %,d); what the echo holds from there, frame by frame, by where its bytes are"
                            + " in the message:%s", received + differs, frame.length - left + differs, frame.length,
                            diagnose(chunk, differs, n, left - n, frames)));
                }
                received += n;
                left -= n;
            }
            if (frame.fin) {
                if (received != messageBytes) {
                    throw new AssertionFailedError(String.format(Locale.ROOT, "the echoed message ended after %,d bytes",
                            received));
                }
                return;
            }
        }
    }

    private record DataFrame(boolean fin, long length) {
    }

    /** Reads frame headers, answering pings, to the next data frame of the echoed message. */
    private DataFrame nextDataFrame(long[] frames, boolean inMessage) throws IOException {
        while (true) {
            int b0 = readByte("a frame header");
            int b1 = readByte("a frame header");
            int opcode = b0 & 0x0F;
            if ((b0 & 0x70) != 0) throw new AssertionFailedError("RSV bits set though no extension was agreed: " + b0);
            if ((b1 & 0x80) != 0) throw new AssertionFailedError("the server masked a frame");
            long length = payloadLength(b1 & 0x7F);
            if (opcode >= 0x8) {
                byte[] payload = readFully((int) length, "a control frame");
                if (opcode == 0x9) {
                    sendControl(0xA, payload);
                    frames[2]++;
                } else if (opcode == 0x8) {
                    throw new AssertionFailedError("the server closed before the echo was complete: " + closeText(payload));
                }
                continue;
            }
            if (opcode != (inMessage ? 0x0 : 0x2)) {
                throw new AssertionFailedError("frame with opcode " + opcode + (inMessage ? " inside" : " to start")
                        + " the echoed binary message");
            }
            frames[0]++;
            frames[1] = Math.max(frames[1], length);
            return new DataFrame((b0 & 0x80) != 0, length);
        }
    }

    /**
     * Once the echo differs: reads the rest of the frame and up to 8 frames after it (while the
     * deadline allows) and says, for each, which of the message's bytes it holds: in place, the
     * message's bytes from elsewhere (a part sent twice, too early, or a buffer overwritten by later
     * input), or bytes that are nowhere near in the message.
     */
    private String diagnose(byte[] chunk, int differs, int n, long restOfFrame, long[] frames) {
        StringBuilder report = new StringBuilder();
        long offset = received + differs;
        try {
            byte[] frame = new byte[(int) Math.min(n - differs + restOfFrame, 4 << 20)];
            System.arraycopy(chunk, differs, frame, 0, n - differs);
            int have = n - differs + readInto(frame, n - differs, frame.length - (n - differs));
            report.append(describe(frame, have, offset));
            offset += n - differs + restOfFrame;
            for (int i = 0; i < 8 && offset < messageBytes; i++) {
                DataFrame next = nextDataFrame(frames, true);
                byte[] bytes = new byte[(int) Math.min(next.length, 4 << 20)];
                report.append(describe(bytes, readInto(bytes, 0, bytes.length), offset));
                offset += next.length;
                if (next.fin) break;
            }
        } catch (Throwable e) {
            report.append("\n  then: ").append(e.getMessage());
        }
        return report.toString();
    }

    private int readInto(byte[] bytes, int at, int length) throws IOException {
        for (int done = 0; done < length; ) {
            int from = at + done;
            setTimeout("the echo");
            int n = readOrTimeout(() -> in.read(bytes, from, length - (from - at)), "the echo");
            if (n < 0) throw new AssertionFailedError("the connection ended inside a frame");
            done += n;
        }
        return length;
    }

    /** The runs of {@code bytes[0, n)}, echoed at message offset {@code at}, by where in the message they come from. */
    private String describe(byte[] bytes, int n, long at) {
        StringBuilder runs = new StringBuilder(String.format(Locale.ROOT, "%n  at %,d, %,d bytes:", at, n));
        byte[] source = new byte[n + 8];
        int i = 0;
        for (int shown = 0; i < n && shown < 6; shown++) {
            long here = at + i;
            int inPlace = matching(bytes, i, n, here, source);
            if (inPlace >= Math.min(8, n - i)) {
                runs.append(String.format(Locale.ROOT, " %,d in place;", inPlace));
                i += inPlace;
                continue;
            }
            int aligned = i + (int) ((8 - (here & 7)) & 7);
            long from = aligned + 8 > n ? -1
                    : pattern.locate(StreamPattern.wordAt(bytes, aligned), (at + aligned) >>> 3, 4L << 20);
            if (from < 0) {
                runs.append(String.format(Locale.ROOT, " then %,d bytes from nowhere within 32 MiB;", n - i));
                return runs.toString();
            }
            long start = from - (aligned - i);
            int run = Math.max(aligned - i, matching(bytes, i, n, start, source));
            runs.append(String.format(Locale.ROOT, " %,d from the message's offset %,d (%+,d);", run, start, start - here));
            i += Math.max(1, run);
        }
        if (i < n) runs.append(String.format(Locale.ROOT, " …%,d more", n - i));
        return runs.toString();
    }

    /** How many of {@code bytes[from, n)} equal the message's bytes from {@code offset} on. */
    private int matching(byte[] bytes, int from, int n, long offset, byte[] scratch) {
        if (offset < 0) return 0;
        pattern.bytesAt(offset, scratch, n - from);
        int differs = Arrays.mismatch(bytes, from, n, scratch, 0, n - from);
        return differs < 0 ? n - from : differs;
    }

    /** Sends close 1000 and reads to the server's close and the end of the connection; returns the server's code. */
    private int closeHandshake(long[] frames) throws IOException {
        sendControl(0x8, new byte[] {0x03, (byte) 0xE8});
        while (true) {
            int b0 = readByte("the server's close");
            int b1 = readByte("the server's close");
            long length = payloadLength(b1 & 0x7F);
            if (length > 125 || (b0 & 0x0F) < 0x8) {
                throw new AssertionFailedError("a data frame after the echo, opcode " + (b0 & 0x0F) + ", " + length + " bytes");
            }
            byte[] payload = readFully((int) length, "the server's close");
            if ((b0 & 0x0F) == 0x8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                setTimeout("the end of the connection");
                int more;
                try {
                    more = readOrTimeout(in::read, "the end of the connection after the close");
                } catch (java.net.SocketException reset) {
                    more = -1; // a reset after the close handshake ends the connection too
                }
                if (more >= 0) throw new AssertionFailedError("bytes after the server's close");
                return code;
            }
            if ((b0 & 0x0F) == 0x9) frames[2]++; // a ping in between is not answered any more: we have closed
        }
    }

    private static String closeText(byte[] payload) {
        if (payload.length < 2) return "no code";
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        return code + " " + new String(payload, 2, payload.length - 2, java.nio.charset.StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- reading under the deadline

    private long payloadLength(int seven) throws IOException {
        if (seven < 126) return seven;
        if (seven == 126) return (readByte("a length") << 8) | readByte("a length");
        long length = 0;
        for (int i = 0; i < 8; i++) length = (length << 8) | readByte("a length");
        if (length < 0) throw new AssertionFailedError("a frame length with its top bit set");
        return length;
    }

    private byte[] readFully(int n, String what) throws IOException {
        byte[] bytes = new byte[n];
        for (int done = 0; done < n; ) {
            int at = done;
            setTimeout(what);
            int read = readOrTimeout(() -> in.read(bytes, at, n - at), what);
            if (read < 0) throw new AssertionFailedError("the connection ended inside " + what);
            done += read;
        }
        return bytes;
    }

    private int read(byte[] into, int max, String what) throws IOException {
        setTimeout(what);
        int n = readOrTimeout(() -> in.read(into, 0, max), what);
        if (n < 0) throw new AssertionFailedError("the connection ended inside " + what);
        return n;
    }

    private int readByte(String what) throws IOException {
        setTimeout(what);
        int b = readOrTimeout(in::read, what);
        if (b < 0) throw new AssertionFailedError("the connection ended inside " + what);
        return b;
    }

    private interface Read {
        int read() throws IOException;
    }

    private static int readOrTimeout(Read read, String what) throws IOException {
        try {
            return read.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionFailedError("timed out reading " + what, e);
        }
    }

    private void setTimeout(String what) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionFailedError("timed out reading " + what);
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))));
    }
}
