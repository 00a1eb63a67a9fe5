package dev.tether.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The load generator, in its own JVM (pinned to its own core by the driver). One selector thread
 * drives every connection without blocking; frames are masked once and written in bursts, so the
 * generator stays far from saturating its core. Commands on stdin, one result line on stdout each:
 * <ul>
 *   <li>{@code echo <port> <connections> <inflight> <payloadBytes> <text|binary> <warmupSeconds> <seconds> <serverPid>}
 *       → {@code RESULT messages=… seconds=… p50us=… p99us=… slowest=… median=… genCpu=… serverCpu=…} and the server's
 *       {@link ProcessCounters} over the window ({@code serverUserNs=… serverSystemNs=… serverReads=… serverWrites=…
 *       serverWaits=… serverPreemptions=…}), the user CPU of the server JVM's own threads over it ({@code serverJvmUserNs=…}:
 *       GC, JIT compilers, VM and JFR threads, see {@link JvmThreads}) and the window in wall-clock time
 *       ({@code fromEpochUs=… toEpochUs=…}, to match a profile's samples against)</li>
 *   <li>{@code open <port> <connections> <window> <serverPid>} → {@code OPENED millis=… genCpu=… serverCpu=…}
 *       (the connections stay open, idle)</li>
 *   <li>{@code closeall} → {@code CLOSED}</li>
 *   <li>{@code sseopen <port> <count> [1.0|1.1]} → {@code SSEOPENED millis=…}: subscribes to /sse that many times,
 *       in HTTP/1.0 (the stream is not chunked; the default) or HTTP/1.1 (chunked, as browsers ask)</li>
 *   <li>{@code ssecount <seconds> <serverPid>} → {@code RESULT events=… seconds=… slowest=… median=… genCpu=… serverCpu=…}:
 *       counts the events every subscription receives, then closes them</li>
 *   <li>{@code ssechurn <port> <churners> <window> <seconds> <graceSeconds> <serverPid>} → {@code RESULT ticks=…
 *       p50us=… p99us=… maxus=… …}: the subscriptions stay and measure how late the server's ticks reach them
 *       while {@code churners} more are reset and subscribe again every second (see {@link SseChurn}), then
 *       they are closed</li>
 *   <li>{@code churn <count>} → {@code CHURNED closed=…}: the {@code count} oldest open connections leave,
 *       every other one with a Close frame and a FIN, the rest with a reset (the soak then opens as many)</li>
 * </ul>
 */
public final class LoadGenerator {
    private static final int BURST_FRAMES = 64;

    private final List<SocketChannel> idle = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();

    /** An SSE subscription: counts events by the blank line that ends each. */
    private static final class Subscriber {
        final SocketChannel channel;
        long events;
        boolean lastWasNewline;

        Subscriber(SocketChannel channel) {
            this.channel = channel;
        }

        /** Lines may end in LF or CRLF (Jetty's EventSourceServlet): a CR is passed over. */
        void count(ByteBuffer bytes) {
            while (bytes.hasRemaining()) {
                byte b = bytes.get();
                if (b == '\r') {
                    continue;
                }
                boolean newline = b == '\n';
                if (newline && lastWasNewline) {
                    events++;
                }
                lastWasNewline = newline;
            }
        }
    }

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        LoadGenerator generator = new LoadGenerator();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            try {
                run(generator, line.trim().split("\\s+"));
            } catch (Exception e) {
                // The driver fails at once on ERROR instead of waiting out its timeout.
                System.out.println("ERROR " + e);
            }
            System.out.flush();
        }
    }

    private static void run(LoadGenerator generator, String[] a) throws Exception {
        switch (a[0]) {
            case "echo" -> System.out.println(generator.echo(Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                    Integer.parseInt(a[3]), Integer.parseInt(a[4]), a[5].equals("text"), Double.parseDouble(a[6]),
                    Double.parseDouble(a[7]), Long.parseLong(a[8])));
            case "open" -> System.out.println(generator.open(Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                    Integer.parseInt(a[3]), Long.parseLong(a[4])));
            case "closeall" -> {
                generator.closeAll();
                System.out.println("CLOSED");
            }
            case "churn" -> System.out.println("CHURNED closed=" + generator.churn(Integer.parseInt(a[1])));
            case "sseopen" -> System.out.println("SSEOPENED millis=" + generator.sseOpen(Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                    a.length > 3 ? a[3] : "1.0"));
            case "ssecount" -> System.out.println(generator.sseCount(Double.parseDouble(a[1]), Long.parseLong(a[2])));
            case "ssechurn" -> System.out.println(generator.sseChurn(Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                    Integer.parseInt(a[3]), Double.parseDouble(a[4]), Double.parseDouble(a[5]), Long.parseLong(a[6])));
            default -> System.out.println("ERROR unknown command " + a[0]);
        }
    }

    // ---- connections

    /** One client connection's echo state. */
    private static final class Connection {
        final SocketChannel channel;
        final ByteBuffer in;
        final long[] sentAt;
        int head;
        int tail;
        int framesToWrite;
        int burstOffset;
        int burstFrames;
        long echoed;
        long echoedAtMeasureStart;
        // Incremental reading of server frames: header bytes wanted, then payload bytes to skip.
        final byte[] header = new byte[10];
        int headerFilled;
        int headerNeed = 2;
        long payloadLeft;
        boolean fin;

        Connection(SocketChannel channel, int inflight, int readBuffer) {
            this.channel = channel;
            this.sentAt = new long[inflight];
            this.in = ByteBuffer.allocateDirect(readBuffer);
        }
    }

    /** A client frame: FIN, the opcode, the mask bit, the length, a fixed mask key and the masked payload. */
    private static byte[] maskedFrame(int payloadBytes, boolean text) {
        byte[] payload = new byte[payloadBytes];
        Random random = new Random(7);
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + random.nextInt(26));
        }
        int lengthBytes = payloadBytes < 126 ? 0 : payloadBytes <= 0xFFFF ? 2 : 8;
        ByteBuffer frame = ByteBuffer.allocate(2 + lengthBytes + 4 + payloadBytes);
        frame.put((byte) (0x80 | (text ? 1 : 2)));
        if (lengthBytes == 0) {
            frame.put((byte) (0x80 | payloadBytes));
        } else if (lengthBytes == 2) {
            frame.put((byte) (0x80 | 126)).putShort((short) payloadBytes);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(payloadBytes);
        }
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        frame.put(mask);
        for (int i = 0; i < payloadBytes; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.array();
    }

    // ---- the echo scenario

    private String echo(int port, int connections, int inflight, int payloadBytes, boolean text,
                        double warmupSeconds, double seconds, long serverPid) throws IOException {
        byte[] frame = maskedFrame(payloadBytes, text);
        int burst = frame.length > 4096 ? 1 : BURST_FRAMES;
        ByteBuffer burstBytes = ByteBuffer.allocateDirect(frame.length * burst);
        for (int i = 0; i < burst; i++) {
            burstBytes.put(frame);
        }
        Selector selector = Selector.open();
        List<Connection> all = new ArrayList<>();
        int readBuffer = Math.max(64 * 1024, Math.min(frame.length * 2, 4 << 20));
        for (int i = 0; i < connections; i++) {
            SocketChannel channel = Handshake.connect(port, Handshake.request(port, "")).channel();
            channel.configureBlocking(false);
            Connection c = new Connection(channel, inflight, readBuffer);
            channel.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, c);
            c.framesToWrite = inflight;
            all.add(c);
        }
        LatencyHistogram latencies = new LatencyHistogram();
        long start = System.nanoTime();
        long measureStart = start + (long) (warmupSeconds * 1e9);
        long end = measureStart + (long) (seconds * 1e9);
        boolean measuring = false;
        long genCpuAtStart = 0;
        long serverCpuAtStart = 0;
        ProcessCounters serverAtStart = ProcessCounters.of(serverPid);
        long serverJvmAtStart = JvmThreads.userNanos(serverPid);
        long fromEpochUs = 0;
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now >= measureStart) {
                measuring = true;
                latencies.reset();
                for (Connection c : all) {
                    c.echoedAtMeasureStart = c.echoed;
                }
                genCpuAtStart = ownCpuNanos();
                serverCpuAtStart = cpuNanosOf(serverPid);
                serverAtStart = ProcessCounters.of(serverPid);
                serverJvmAtStart = JvmThreads.userNanos(serverPid);
                fromEpochUs = epochMicros();
            }
            if (now >= end) {
                break;
            }
            selector.select(100);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Connection c = (Connection) key.attachment();
                if (key.isReadable()) {
                    int frames = readFrames(c);
                    long at = System.nanoTime();
                    for (int f = 0; f < frames; f++) {
                        long sent = c.sentAt[c.head];
                        c.head = (c.head + 1) % c.sentAt.length;
                        if (measuring) {
                            latencies.record((at - sent) / 1000);
                        }
                        c.framesToWrite++;
                    }
                    c.echoed += frames;
                }
                if (c.framesToWrite > 0 || c.burstFrames > 0) {
                    write(c, burstBytes, frame.length, burst);
                }
                key.interestOps(SelectionKey.OP_READ | (c.burstFrames > 0 || c.framesToWrite > 0 ? SelectionKey.OP_WRITE : 0));
            }
        }
        long wall = System.nanoTime() - measureStart;
        double genCpu = (ownCpuNanos() - genCpuAtStart) / (double) wall;
        double serverCpu = (cpuNanosOf(serverPid) - serverCpuAtStart) / (double) wall;
        ProcessCounters server = ProcessCounters.of(serverPid).since(serverAtStart);
        long serverJvm = JvmThreads.userNanos(serverPid) - serverJvmAtStart;
        long toEpochUs = epochMicros();
        long[] perConnection = new long[all.size()];
        long total = 0;
        for (int i = 0; i < all.size(); i++) {
            perConnection[i] = all.get(i).echoed - all.get(i).echoedAtMeasureStart;
            total += perConnection[i];
        }
        for (Connection c : all) {
            c.channel.close();
        }
        selector.close();
        Arrays.sort(perConnection);
        double secondsMeasured = wall / 1e9;
        return String.format(Locale.ROOT,
                "RESULT messages=%d seconds=%.3f p50us=%d p99us=%d slowest=%.1f median=%.1f genCpu=%.3f serverCpu=%.3f"
                        + " serverUserNs=%d serverSystemNs=%d serverReads=%d serverWrites=%d serverWaits=%d serverPreemptions=%d"
                        + " serverJvmUserNs=%d fromEpochUs=%d toEpochUs=%d",
                total, secondsMeasured, latencies.percentile(0.50), latencies.percentile(0.99),
                perConnection[0] / secondsMeasured, perConnection[perConnection.length / 2] / secondsMeasured, genCpu, serverCpu,
                server.userNanos(), server.systemNanos(), server.readCalls(), server.writeCalls(), server.waits(),
                server.preemptions(), serverJvm, fromEpochUs, toEpochUs);
    }

    /** Wall-clock time in microseconds since the epoch (the clock JFR's event times are given in). */
    private static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** Writes the frames due, from the burst buffer; remembers where a partial write stopped. */
    private static void write(Connection c, ByteBuffer burstBytes, int frameLength, int burst) throws IOException {
        while (true) {
            if (c.burstFrames == 0) {
                if (c.framesToWrite == 0) {
                    return;
                }
                c.burstFrames = Math.min(c.framesToWrite, burst);
                c.framesToWrite -= c.burstFrames;
                c.burstOffset = 0;
                long now = System.nanoTime();
                for (int i = 0; i < c.burstFrames; i++) {
                    c.sentAt[c.tail] = now;
                    c.tail = (c.tail + 1) % c.sentAt.length;
                }
            }
            ByteBuffer view = burstBytes.duplicate();
            view.position(c.burstOffset).limit(c.burstFrames * frameLength);
            int n = c.channel.write(view);
            c.burstOffset += n;
            if (c.burstOffset < c.burstFrames * frameLength) {
                return; // the socket is full: OP_WRITE brings us back
            }
            c.burstFrames = 0;
        }
    }

    /**
     * Reads what is there and returns how many whole messages ended in it: a server may fragment an
     * echo (Jetty sends 1 MiB as 64 KiB frames), so only a frame with FIN ends one.
     */
    private static int readFrames(Connection c) throws IOException {
        int frames = 0;
        while (true) {
            c.in.clear();
            int n = c.channel.read(c.in);
            if (n < 0) {
                throw new IOException("the server closed a connection");
            }
            if (n == 0) {
                return frames;
            }
            c.in.flip();
            while (c.in.hasRemaining()) {
                if (c.payloadLeft > 0) {
                    int skip = (int) Math.min(c.payloadLeft, c.in.remaining());
                    c.in.position(c.in.position() + skip);
                    c.payloadLeft -= skip;
                    if (c.payloadLeft == 0 && c.fin) {
                        frames++;
                    }
                    continue;
                }
                c.header[c.headerFilled++] = c.in.get();
                if (c.headerFilled == 2) {
                    int len = c.header[1] & 0x7F;
                    c.headerNeed = len == 126 ? 4 : len == 127 ? 10 : 2;
                }
                if (c.headerFilled == c.headerNeed) {
                    long len = c.header[1] & 0x7F;
                    if (len == 126) {
                        len = ((c.header[2] & 0xFF) << 8) | (c.header[3] & 0xFF);
                    } else if (len == 127) {
                        len = ByteBuffer.wrap(c.header, 2, 8).getLong();
                    }
                    c.headerFilled = 0;
                    c.headerNeed = 2;
                    c.fin = (c.header[0] & 0x80) != 0;
                    if (len == 0) {
                        if (c.fin) {
                            frames++;
                        }
                    } else {
                        c.payloadLeft = len;
                    }
                }
            }
        }
    }

    // ---- SSE fan-out

    /**
     * Subscribes {@code connections} times to /sse in HTTP/{@code version}: 1.0, so the stream is not
     * chunked (S4 counts events by their blank lines), or 1.1, as browsers ask (S5 reads its ticks' data
     * lines and passes over the chunks' framing).
     */
    private long sseOpen(int port, int connections, String version) throws IOException {
        if (!version.equals("1.0") && !version.equals("1.1")) {
            throw new IllegalArgumentException("HTTP/1.0 or HTTP/1.1, not " + version);
        }
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.write(ByteBuffer.wrap(("GET /sse HTTP/" + version + "\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1)));
            ByteBuffer head = ByteBuffer.allocate(4096);
            while (!Handshake.endsHead(head)) {
                if (!head.hasRemaining() || channel.read(head) < 0) {
                    throw new IOException("SSE subscription refused or closed");
                }
            }
            String text = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 200") && !text.startsWith("HTTP/1.0 200")) {
                throw new IOException("SSE subscription refused: " + text);
            }
            channel.configureBlocking(false);
            subscribers.add(new Subscriber(channel));
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Reads every subscription for {@code seconds}, counting events, then closes them all. */
    private String sseCount(double seconds, long serverPid) throws IOException {
        Selector selector = Selector.open();
        for (Subscriber s : subscribers) {
            s.channel.register(selector, SelectionKey.OP_READ, s);
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        long genCpu = ownCpuNanos();
        long serverCpu = cpuNanosOf(serverPid);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            selector.select(100);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Subscriber s = (Subscriber) key.attachment();
                buffer.clear();
                if (s.channel.read(buffer) < 0) {
                    key.cancel();
                    continue;
                }
                buffer.flip();
                s.count(buffer);
            }
        }
        long wall = System.nanoTime() - start;
        long total = 0;
        long[] per = new long[subscribers.size()];
        for (int i = 0; i < per.length; i++) {
            per[i] = subscribers.get(i).events;
            total += per[i];
            subscribers.get(i).channel.close();
        }
        subscribers.clear();
        selector.close();
        Arrays.sort(per);
        double secs = wall / 1e9;
        return String.format(Locale.ROOT, "RESULT events=%d seconds=%.3f slowest=%.1f median=%.1f genCpu=%.3f serverCpu=%.3f",
                total, secs, per[0] / secs, per[per.length / 2] / secs,
                (ownCpuNanos() - genCpu) / (double) wall, (cpuNanosOf(serverPid) - serverCpu) / (double) wall);
    }

    /** S5: the subscriptions measure the ticks' lateness while others churn; see {@link SseChurn}. */
    private String sseChurn(int port, int churners, int window, double seconds, double graceSeconds, long serverPid)
            throws IOException {
        List<SocketChannel> steady = new ArrayList<>();
        for (Subscriber s : subscribers) {
            steady.add(s.channel);
        }
        subscribers.clear();
        return SseChurn.run(steady, port, churners, window, seconds, graceSeconds, serverPid);
    }

    // ---- idle connections

    /**
     * Opens {@code connections} WebSocket connections, {@code window} handshakes at a time, without
     * blocking: enough at once to keep the server's core busy, so the time measures the server's
     * handshake work and not one round trip after another (which would add the generator's own time
     * and every wake-up on both sides to each connection).
     */
    private String open(int port, int connections, int window, long serverPid) throws IOException {
        byte[] request = Handshake.request(port, "");
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        long genCpu = ownCpuNanos();
        long serverCpu = cpuNanosOf(serverPid);
        long start = System.nanoTime();
        try (Selector selector = Selector.open()) {
            int started = 0;
            int opened = 0;
            try {
                while (opened < connections) {
                    while (started < connections && started - opened < window) {
                        Handshake.startOpening(selector, address, request, ByteBuffer.allocate(4096));
                        started++;
                    }
                    if (selector.select(10_000) == 0) {
                        throw new IOException("no handshake progressed for 10 s: " + opened + " of " + connections + " open");
                    }
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        if (advanceHandshake(key, request)) {
                            idle.add((SocketChannel) key.channel());
                            opened++;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                closeHandshakesInProgress(selector, e);
                throw e;
            }
        }
        long wall = System.nanoTime() - start;
        return String.format(Locale.ROOT, "OPENED millis=%d genCpu=%.3f serverCpu=%.3f", wall / 1_000_000,
                (ownCpuNanos() - genCpu) / (double) wall, (cpuNanosOf(serverPid) - serverCpu) / (double) wall);
    }

    /** Takes a handshake one step on; true once the server has switched protocols (the key is then cancelled). */
    private static boolean advanceHandshake(SelectionKey key, byte[] request) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        if (key.isConnectable()) {
            channel.finishConnect();
            Handshake.sendRequest(key, request);
            return false;
        }
        ByteBuffer head = (ByteBuffer) key.attachment();
        if (!head.hasRemaining() || channel.read(head) < 0) {
            throw new IOException("connection closed or head too long during the handshake");
        }
        if (!Handshake.endsHead(head)) {
            return false;
        }
        Handshake.checkSwitched(head);
        key.cancel();
        return true;
    }

    /** Closes the handshakes still in progress (valid keys); the open ones are idle's, for closeall's reset. */
    private static void closeHandshakesInProgress(Selector selector, Exception cause) {
        for (SelectionKey key : selector.keys()) {
            if (key.isValid()) {
                try {
                    key.channel().close();
                } catch (IOException again) {
                    cause.addSuppressed(again);
                }
            }
        }
    }



    /**
     * Closes the idle connections with a reset (linger 0), which leaves no socket in TIME_WAIT. Closed
     * normally, 20,000 of them expired together a minute later, and the kernel did that work on the
     * server's core: whichever S4 server came first after S3 ran at a third of its rate.
     */
    private void closeAll() {
        for (SocketChannel c : idle) {
            try {
                c.setOption(StandardSocketOptions.SO_LINGER, 0);
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        idle.clear();
    }

    /** A client's Close frame, code 1001 (going away), masked with a zero key. */
    private static final byte[] CLOSE_GOING_AWAY = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE9};

    /**
     * The oldest {@code count} open connections leave as clients do: half say goodbye (a Close frame,
     * then their FIN, not waiting for the answer), half vanish (a reset).
     */
    private int churn(int count) {
        int closing = Math.min(count, idle.size());
        List<SocketChannel> leaving = new ArrayList<>(idle.subList(0, closing));
        idle.subList(0, closing).clear();
        for (int i = 0; i < leaving.size(); i++) {
            SocketChannel c = leaving.get(i);
            try {
                if (i % 2 == 0) {
                    c.write(ByteBuffer.wrap(CLOSE_GOING_AWAY)); // 8 bytes into an idle socket: written at once
                    c.shutdownOutput();
                } else {
                    c.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
                c.close();
            } catch (IOException ignored) {
                // leaving anyway
            }
        }
        return closing;
    }

    // ---- CPU

    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** User + system CPU time of a process from /proc, in nanoseconds (clock ticks are 10 ms). */
    static long cpuNanosOf(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
