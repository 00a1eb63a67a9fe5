package dev.tether.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The broker benchmark's load process (pinned to its own core by the driver): the subscribers of every
 * setup, WebSocket ({@code /topic}) and SSE ({@code /events}), and the publisher, all on one selector
 * thread. The publisher sends its messages over a WebSocket of its own to one node's {@code /control},
 * which broadcasts each as it is; every message carries its sequence number and the
 * {@link System#nanoTime()} at which it was written, so sending and receiving are timed by one clock, this
 * process's. A message is in flight from its sending until every subscriber of the setup has received it
 * (each subscriber receives in order, so messages finish in order). Commands on stdin, one line on stdout
 * each:
 * <ul>
 *   <li>{@code open <setup> <ws|sse> <port> <count> <nodeIndex>} → {@code OPENED millis=…}: subscribers on
 *       the node at {@code port} ({@code nodeIndex} 0 for the node the publisher talks to, 1 for another);</li>
 *   <li>{@code control <setup> <port>} → {@code CONTROL}: the publisher's connection for the setup;</li>
 *   <li>{@code run <setup> <ws|sse> <paced|max> <rate> <window> <warmupSeconds> <seconds> <pids>} →
 *       {@code RESULT published=… delivered=… seconds=… p50us=… p99us=… p50us0=… p99us0=… p50us1=… p99us1=…
 *       genCpu=… cpu.<label>=… lettuce.<label>=… core.<n>=…}: first one message at a time until one reaches every
 *       subscriber (subscriptions settle), then messages at {@code rate} per second ({@code paced}) or as fast
 *       as {@code window} in flight allow ({@code max}) for the warm-up and the measured seconds, then
 *       nothing more until every message has arrived. {@code pids} is {@code label=pid,…} (or {@code -}):
 *       the CPU of each over the measured seconds, and of its threads named {@code lettuce*}; and how busy each
 *       core was (every process, and interrupts);</li>
 *   <li>{@code close <setup> <ws|sse>} → {@code CLOSED}: that setup's subscribers.</li>
 * </ul>
 * Latencies are publish (written to the control socket) to receipt (read from the subscriber's socket);
 * one thread reads all the subscribers, so a message's last receipts include the time it took to read
 * the others. A message not received by every subscriber within {@value #LOSS_SECONDS} s, one received
 * twice, or a {@code FAIL} from the node ends the run with an error.
 */
public final class BroadcastGenerator {
    private static final int RING = 1 << 16;
    /** The message: "w,<seq>,<nanos>," (or "e,…" for the event topic), padded to this many bytes. */
    private static final int PAYLOAD = 64;
    /** Paced runs keep at most this many in flight; past it the publisher falls behind its rate. */
    private static final int PACED_CAP = 4096;
    private static final int LOSS_SECONDS = 10;
    private static final long LOSS_NANOS = LOSS_SECONDS * 1_000_000_000L;
    private static final byte[] MASK = {0x12, 0x34, 0x56, 0x78};

    private final Selector selector;
    private final Map<String, Setup> setups = new HashMap<>();
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);

    // ---- the run under way
    private Setup current;
    private boolean currentWs;
    private long nextSeq;
    private long firstCounted;
    private long oldest;
    private final int[] counts = new int[RING];
    private final long[] sentAt = new long[RING];
    private int expected;
    private boolean measuring;
    private long deliveries;
    private final LatencyHistogram all = new LatencyHistogram();
    private final LatencyHistogram[] byNode = {new LatencyHistogram(), new LatencyHistogram()};

    private BroadcastGenerator() throws IOException {
        selector = Selector.open();
    }

    public static void main(String[] args) throws Exception {
        BroadcastGenerator generator = new BroadcastGenerator();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            try {
                System.out.println(generator.command(line.trim().split("\\s+")));
            } catch (Exception e) {
                // the driver fails at once on ERROR instead of waiting out its timeout; one line
                System.out.println("ERROR " + String.valueOf(e).replace('\n', ' '));
            }
            System.out.flush();
        }
        for (Setup setup : generator.setups.values()) {
            setup.closeAll();
        }
    }

    private String command(String[] a) throws IOException {
        switch (a[0]) {
            case "open" -> {
                Setup setup = setups.computeIfAbsent(a[1], Setup::new);
                long start = System.nanoTime();
                open(setup, a[2].equals("ws"), Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]));
                return "OPENED millis=" + (System.nanoTime() - start) / 1_000_000;
            }
            case "control" -> {
                Setup setup = setups.computeIfAbsent(a[1], Setup::new);
                if (setup.control != null) {
                    throw new IllegalStateException("setup " + a[1] + " has its control connection already");
                }
                int port = Integer.parseInt(a[2]);
                setup.control = new Control(setup, Handshake.connect(port, Handshake.request(port, "/control", "")).channel());
                register(setup.control);
                return "CONTROL";
            }
            case "run" -> {
                Setup setup = setups.get(a[1]);
                if (setup == null || setup.control == null) {
                    throw new IllegalStateException("setup " + a[1] + " has no control connection");
                }
                return run(setup, a[2].equals("ws"), a[3].equals("max"), Double.parseDouble(a[4]), Integer.parseInt(a[5]),
                        Double.parseDouble(a[6]), Double.parseDouble(a[7]), a[8]);
            }
            case "close" -> {
                Setup setup = setups.get(a[1]);
                if (setup != null) {
                    setup.close(a[2].equals("ws"));
                }
                return "CLOSED";
            }
            default -> throw new IllegalArgumentException("unknown command " + a[0]);
        }
    }

    // ---- connections

    /** One setup's connections. */
    private static final class Setup {
        final String name;
        final List<Subscriber> ws = new ArrayList<>();
        final List<Subscriber> sse = new ArrayList<>();
        Control control;

        Setup(String name) {
            this.name = name;
        }

        void close(boolean webSocket) {
            List<Subscriber> subscribers = webSocket ? ws : sse;
            for (Subscriber s : subscribers) {
                reset(s.channel);
            }
            subscribers.clear();
        }

        void closeAll() {
            close(true);
            close(false);
            if (control != null) {
                reset(control.channel);
            }
        }

        /** A close with a reset (linger 0), which leaves no socket in TIME_WAIT (see LoadGenerator.closeAll). */
        private static void reset(SocketChannel channel) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A connection the selector reads: a subscriber or the publisher's control connection. */
    private abstract static class Connection {
        final Setup setup;
        final SocketChannel channel;

        Connection(Setup setup, SocketChannel channel) {
            this.setup = setup;
            this.channel = channel;
        }
    }

    private abstract static class Subscriber extends Connection {
        final boolean webSocket;
        final int node;

        Subscriber(Setup setup, SocketChannel channel, boolean webSocket, int node) {
            super(setup, channel);
            this.webSocket = webSocket;
            this.node = node;
        }

        /** Reads {@code bytes}, handing each whole message to {@code generator}. */
        abstract void read(ByteBuffer bytes, BroadcastGenerator generator, long now) throws IOException;
    }

    private void open(Setup setup, boolean webSocket, int port, int count, int node) throws IOException {
        List<Subscriber> list = webSocket ? setup.ws : setup.sse;
        for (int i = 0; i < count; i++) {
            Subscriber s;
            if (webSocket) {
                // Opened while nothing is published: the node sends nothing after its 101 yet.
                s = new WebSocketSubscriber(setup, Handshake.connect(port, Handshake.request(port, "/topic", "")).channel(), node);
            } else {
                s = openEventStream(setup, port, node);
            }
            list.add(s);
            register(s);
        }
    }

    private void register(Connection c) throws IOException {
        c.channel.configureBlocking(false);
        c.channel.register(selector, SelectionKey.OP_READ, c);
    }

    /** Subscribes to /events over HTTP/1.0, so the stream is not chunked; bytes read past the head go to the parser. */
    private EventStreamSubscriber openEventStream(Setup setup, int port, int node) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.write(ByteBuffer.wrap("GET /events HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1)));
            ByteBuffer head = ByteBuffer.allocate(4096);
            int end;
            while ((end = headEnd(head)) < 0) {
                if (!head.hasRemaining() || channel.read(head) < 0) {
                    throw new IOException("SSE subscription refused or closed");
                }
            }
            String text = new String(head.array(), 0, end, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 200") && !text.startsWith("HTTP/1.0 200")) {
                throw new IOException("SSE subscription refused: " + text);
            }
            EventStreamSubscriber s = new EventStreamSubscriber(setup, channel, node);
            s.read(ByteBuffer.wrap(head.array(), end, head.position() - end), this, System.nanoTime());
            return s;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The index just past the blank line ending the head read into {@code b}, or -1. */
    private static int headEnd(ByteBuffer b) {
        for (int i = 3; i < b.position(); i++) {
            if (b.get(i - 3) == '\r' && b.get(i - 2) == '\n' && b.get(i - 1) == '\r' && b.get(i) == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /** Reads a node's WebSocket frames (unmasked) and keeps the first bytes of each message. */
    private static final class FrameReader {
        private final byte[] header = new byte[10];
        private int headerFilled;
        private int headerNeed = 2;
        private long payloadLeft;
        private boolean fin;
        private boolean control;
        final byte[] message = new byte[256];
        int messageLength;

        /** Reads all of {@code bytes}; calls {@code whole} for each message it ends. */
        void read(ByteBuffer bytes, MessageSink whole) throws IOException {
            while (bytes.hasRemaining()) {
                if (payloadLeft > 0) {
                    int n = (int) Math.min(payloadLeft, bytes.remaining());
                    if (!control) {
                        int keep = Math.min(n, message.length - messageLength);
                        bytes.get(message, messageLength, keep);
                        messageLength += keep;
                        bytes.position(bytes.position() + n - keep);
                    } else {
                        bytes.position(bytes.position() + n);
                    }
                    payloadLeft -= n;
                    if (payloadLeft == 0) {
                        frameEnded(whole);
                    }
                    continue;
                }
                header[headerFilled++] = bytes.get();
                if (headerFilled == 2) {
                    if ((header[1] & 0x80) != 0) {
                        throw new IOException("the node masked a frame");
                    }
                    int len = header[1] & 0x7F;
                    headerNeed = len == 126 ? 4 : len == 127 ? 10 : 2;
                }
                if (headerFilled == headerNeed) {
                    long len = header[1] & 0x7F;
                    if (len == 126) {
                        len = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
                    } else if (len == 127) {
                        len = ByteBuffer.wrap(header, 2, 8).getLong();
                    }
                    headerFilled = 0;
                    headerNeed = 2;
                    fin = (header[0] & 0x80) != 0;
                    int opcode = header[0] & 0x0F;
                    if (opcode == 8) {
                        throw new IOException("the node closed the connection");
                    }
                    control = opcode >= 8;
                    if (!control && opcode != 0) {
                        messageLength = 0;
                    }
                    payloadLeft = len;
                    if (len == 0) {
                        frameEnded(whole);
                    }
                }
            }
        }

        private void frameEnded(MessageSink whole) throws IOException {
            if (!control && fin) {
                whole.message(message, messageLength);
            }
        }
    }

    private interface MessageSink {
        void message(byte[] bytes, int length) throws IOException;
    }

    private static final class WebSocketSubscriber extends Subscriber {
        private final FrameReader frames = new FrameReader();

        WebSocketSubscriber(Setup setup, SocketChannel channel, int node) {
            super(setup, channel, true, node);
        }

        @Override
        void read(ByteBuffer bytes, BroadcastGenerator generator, long now) throws IOException {
            frames.read(bytes, (message, length) -> generator.received(this, message, 0, length, now));
        }
    }

    /** Reads an event stream line by line; an event's data line is the message. */
    private static final class EventStreamSubscriber extends Subscriber {
        private final byte[] line = new byte[256];
        private int lineLength;
        private final byte[] data = new byte[256];
        private int dataLength = -1;

        EventStreamSubscriber(Setup setup, SocketChannel channel, int node) {
            super(setup, channel, false, node);
        }

        @Override
        void read(ByteBuffer bytes, BroadcastGenerator generator, long now) throws IOException {
            while (bytes.hasRemaining()) {
                byte b = bytes.get();
                if (b == '\r') {
                    continue;
                }
                if (b != '\n') {
                    if (lineLength < line.length) {
                        line[lineLength++] = b;
                    }
                    continue;
                }
                if (lineLength == 0) { // the blank line: the event is dispatched
                    if (dataLength >= 0) {
                        generator.received(this, data, 0, dataLength, now);
                    }
                    dataLength = -1;
                } else if (lineLength >= 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':') {
                    int from = lineLength > 5 && line[5] == ' ' ? 6 : 5;
                    dataLength = lineLength - from;
                    System.arraycopy(line, from, data, 0, dataLength);
                }
                lineLength = 0;
            }
        }
    }

    /** The publisher's connection to a node's /control: masked text frames out, FAIL messages in. */
    private static final class Control extends Connection {
        final FrameReader frames = new FrameReader();
        final ByteBuffer out = ByteBuffer.allocate(256 * 1024);

        Control(Setup setup, SocketChannel channel) {
            super(setup, channel);
        }

        boolean hasRoom() {
            return out.remaining() >= 2 + 4 + PAYLOAD;
        }

        /** Appends a masked text frame of {@code payload}. */
        void append(byte[] payload) {
            out.put((byte) 0x81).put((byte) (0x80 | payload.length)).put(MASK);
            for (int i = 0; i < payload.length; i++) {
                out.put((byte) (payload[i] ^ MASK[i & 3]));
            }
        }

        /** Writes what is queued; true if all of it went. */
        boolean flush() throws IOException {
            out.flip();
            try {
                channel.write(out);
                return !out.hasRemaining();
            } finally {
                out.compact();
            }
        }

        boolean pending() {
            return out.position() > 0;
        }
    }

    // ---- the run

    private String run(Setup setup, boolean webSocket, boolean max, double rate, int window, double warmup, double seconds,
                       String pids) throws IOException {
        List<Subscriber> subscribers = webSocket ? setup.ws : setup.sse;
        if (subscribers.isEmpty()) {
            throw new IllegalStateException("setup " + setup.name + " has no " + (webSocket ? "WebSocket" : "SSE") + " subscribers");
        }
        if (window < 1 || window > PACED_CAP) {
            throw new IllegalArgumentException("window must be 1 to " + PACED_CAP + ": " + window);
        }
        current = setup;
        currentWs = webSocket;
        expected = subscribers.size();
        measuring = false;
        try {
            settle(setup, webSocket);
            return measure(setup, webSocket, max, rate, window, warmup, seconds, pids);
        } finally {
            current = null;
        }
    }

    /**
     * Sends one message at a time until one reaches every subscriber (at most 30 s): the nodes' joins and
     * subscriptions to Redis are then in place. Earlier messages are not counted.
     */
    private void settle(Setup setup, boolean webSocket) throws IOException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            long probe = nextSeq;
            firstCounted = probe;
            oldest = probe;
            publish(setup, webSocket, System.nanoTime());
            long wait = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < wait && counts[slot(probe)] < expected) {
                poll(setup, 10);
            }
            firstCounted = probe + 1;
            oldest = probe + 1; // a probe that some subscribers never get is no loss
            if (counts[slot(probe)] == expected) {
                return;
            }
        }
        throw new IOException("no message reached all " + expected + " subscribers of " + setup.name + " within 30 s");
    }

    private String measure(Setup setup, boolean webSocket, boolean max, double rate, int window, double warmup,
                           double seconds, String pids) throws IOException {
        Map<String, Long> pidByLabel = pids(pids);
        long start = System.nanoTime();
        long measureStart = start + (long) (warmup * 1e9);
        long end = measureStart + (long) (seconds * 1e9);
        long publishedFromStart = 0;
        long seqAtMeasure = 0;
        long genCpu = 0;
        long[] coresAtStart = new long[0];
        Map<String, long[]> cpuAtStart = new LinkedHashMap<>();
        int cap = max ? window : PACED_CAP;
        double nanosPerMessage = max ? 0 : 1e9 / rate;
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now >= measureStart) {
                measuring = true;
                all.reset();
                byNode[0].reset();
                byNode[1].reset();
                deliveries = 0;
                seqAtMeasure = nextSeq;
                genCpu = LoadGenerator.ownCpuNanos();
                pidByLabel.forEach((label, pid) -> cpuAtStart.put(label, cpuNanos(pid)));
                coresAtStart = coreBusyNanos();
            }
            if (now >= end) {
                break;
            }
            long due = max ? Long.MAX_VALUE : (long) ((now - start) / nanosPerMessage) + 1;
            while (publishedFromStart < due && nextSeq - oldest < cap && setup.control.hasRoom()) {
                publish(setup, webSocket, System.nanoTime());
                publishedFromStart++;
            }
            // paced: until the next message is due (at least 1 ms, so that a publisher held back by its cap does not spin)
            long timeoutMillis = max ? 10 : Math.max(1, (long) ((start + due * nanosPerMessage - System.nanoTime()) / 1e6));
            poll(setup, Math.min(timeoutMillis, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
        long wall = System.nanoTime() - measureStart;
        double genCpuCores = (LoadGenerator.ownCpuNanos() - genCpu) / (double) wall;
        StringBuilder cpu = new StringBuilder();
        pidByLabel.forEach((label, pid) -> {
            long[] before = cpuAtStart.get(label);
            long[] after = cpuNanos(pid);
            cpu.append(String.format(Locale.ROOT, " cpu.%s=%.3f lettuce.%s=%.3f", label, (after[0] - before[0]) / (double) wall,
                    label, (after[1] - before[1]) / (double) wall));
        });
        long[] coresAtEnd = coreBusyNanos();
        for (int core = 0; core < Math.min(coresAtStart.length, coresAtEnd.length); core++) {
            cpu.append(String.format(Locale.ROOT, " core.%d=%.3f", core, (coresAtEnd[core] - coresAtStart[core]) / (double) wall));
        }
        long published = nextSeq - seqAtMeasure;
        long delivered = deliveries;
        measuring = false;
        drain(setup);
        double secs = wall / 1e9;
        return String.format(Locale.ROOT, "RESULT published=%d delivered=%d seconds=%.3f p50us=%d p99us=%d p50us0=%d p99us0=%d"
                        + " p50us1=%d p99us1=%d genCpu=%.3f%s", published, delivered, secs, all.percentile(0.50),
                all.percentile(0.99), byNode[0].percentile(0.50), byNode[0].percentile(0.99), byNode[1].percentile(0.50),
                byNode[1].percentile(0.99), genCpuCores, cpu);
    }

    /** Waits (bounded by the loss timeout) until every message sent has reached every subscriber. */
    private void drain(Setup setup) throws IOException {
        while (oldest < nextSeq) {
            poll(setup, 10);
        }
        if (setup.control.pending() && !setup.control.flush()) {
            throw new IOException("the node did not take the publisher's messages");
        }
    }

    private static int slot(long seq) {
        return (int) (seq & (RING - 1));
    }

    private final byte[] payload = new byte[PAYLOAD];

    /** Queues the next message on the control connection and writes what it can. */
    private void publish(Setup setup, boolean webSocket, long now) throws IOException {
        long seq = nextSeq++;
        int i = slot(seq);
        counts[i] = 0;
        sentAt[i] = now;
        Arrays.fill(payload, (byte) 'x');
        byte[] head = ((webSocket ? "w," : "e,") + seq + "," + now + ",").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, payload, 0, head.length);
        setup.control.append(payload);
        setup.control.flush();
    }

    /** One select (at most {@code timeoutMillis}, 0 for none): reads what arrived, writes what the control has queued. */
    private void poll(Setup setup, long timeoutMillis) throws IOException {
        SelectionKey controlKey = setup.control.channel.keyFor(selector);
        controlKey.interestOps(SelectionKey.OP_READ | (setup.control.pending() ? SelectionKey.OP_WRITE : 0));
        if (timeoutMillis <= 0) {
            selector.selectNow();
        } else {
            selector.select(timeoutMillis);
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            Connection c = (Connection) key.attachment();
            if (key.isValid() && key.isWritable() && c instanceof Control control) {
                control.flush();
            }
            if (key.isValid() && key.isReadable()) {
                readAll(c);
            }
        }
        if (oldest < nextSeq && System.nanoTime() - sentAt[slot(oldest)] > LOSS_NANOS) {
            throw new IOException("message " + oldest + " reached " + counts[slot(oldest)] + " of " + expected
                    + " subscribers of " + setup.name + " in " + LOSS_SECONDS + " s");
        }
    }

    private void readAll(Connection c) throws IOException {
        while (true) {
            in.clear();
            int n = c.channel.read(in);
            if (n < 0) {
                throw new IOException((c instanceof Control ? "the control connection" : "a subscriber") + " of " + c.setup.name
                        + " was closed by the node");
            }
            if (n == 0) {
                return;
            }
            in.flip();
            long now = System.nanoTime();
            if (c instanceof Subscriber s) {
                s.read(in, this, now);
            } else {
                ((Control) c).frames.read(in, (message, length) -> {
                    throw new IOException("the node answered the publisher: " + new String(message, 0, length, StandardCharsets.UTF_8));
                });
            }
        }
    }

    /** A subscriber's message: "w,<seq>,<nanos>,…" or "e,<seq>,<nanos>,…". */
    private void received(Subscriber s, byte[] message, int offset, int length, long now) throws IOException {
        if (s.setup != current || s.webSocket != currentWs) {
            throw new IOException("a message reached a subscriber outside the run (" + s.setup.name + ")");
        }
        int at = offset + 2;
        long seq = 0;
        for (; at < offset + length && message[at] != ','; at++) {
            seq = seq * 10 + (message[at] - '0');
        }
        long stamp = 0;
        for (at++; at < offset + length && message[at] != ','; at++) {
            stamp = stamp * 10 + (message[at] - '0');
        }
        if (length < 4 || at >= offset + length || message[offset] != (s.webSocket ? 'w' : 'e')) {
            throw new IOException("not a benchmark message: " + new String(message, offset, length, StandardCharsets.ISO_8859_1));
        }
        if (seq < firstCounted) {
            return; // sent before the subscriptions settled
        }
        if (seq >= nextSeq) {
            throw new IOException("message " + seq + " was never sent");
        }
        int i = slot(seq);
        if (++counts[i] > expected) {
            throw new IOException("message " + seq + " reached a subscriber twice");
        }
        while (oldest < nextSeq && counts[slot(oldest)] >= expected) {
            oldest++;
        }
        if (measuring) {
            long micros = (now - stamp) / 1000;
            all.record(micros);
            byNode[s.node].record(micros);
            deliveries++;
        }
    }

    // ---- CPU

    /**
     * Each core's busy time (user, nice, system, irq, softirq: every process on it, and the kernel's
     * interrupt work, such as the loopback's packets) from /proc/stat, in nanoseconds; empty where unreadable.
     */
    static long[] coreBusyNanos() {
        List<Long> cores = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                        + Long.parseLong(f[7]);
                cores.add(ticks * 10_000_000L);
            }
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
        return cores.stream().mapToLong(Long::longValue).toArray();
    }

    private static Map<String, Long> pids(String spec) {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (!spec.equals("-")) {
            for (String pair : spec.split(",")) {
                String[] kv = pair.split("=", 2);
                pids.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return pids;
    }

    /**
     * A process's user + system CPU time, and that of its threads whose name starts with {@code lettuce}
     * (Lettuce's event loops: Redis I/O, and what runs in their callbacks), in nanoseconds, from /proc.
     */
    static long[] cpuNanos(long pid) {
        long total = LoadGenerator.cpuNanosOf(pid);
        long lettuce = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("lettuce")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    lettuce += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended: its figures are what they were
        }
        return new long[] {total, lettuce};
    }
}
