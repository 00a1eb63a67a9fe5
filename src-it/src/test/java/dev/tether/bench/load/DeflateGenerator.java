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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The deflate benchmark's load generator, in its own JVM: {@link LoadGenerator}'s method (one selector
 * thread, non-blocking, frames prepared once and written in runs, a window in flight per connection)
 * with permessage-deflate. Every connection offers {@value Negotiated#OFFER} and fails unless the
 * server agrees ({@link Negotiated}); it sends a pool of distinct {@link TextPool} messages, each
 * compressed once ({@link CompressedFrames}), and inflates and checks every echo ({@link InboundMessages}).
 * Commands on stdin, one result line on stdout each:
 * <ul>
 *   <li>{@code echo <port> <connections> <inflight> <bytes> <warmupSeconds> <seconds> <serverPid>} →
 *       {@code RESULT messages=… seconds=… p50us=… p99us=… slowest=… median=… genCpu=… serverCpu=…
 *       compressed=… wire=… raw=… verified=… ext=…} (compressed, wire and raw over the measured time;
 *       verified: every echo received, warm-up included)</li>
 *   <li>{@code exchange <port> <connections> <window> <bytes> <serverPid>} → {@code EXCHANGED millis=…
 *       messages=… compressed=… ext=…}: opens the connections, {@code window} handshakes at a time, each
 *       sending one message and reading its echo, then keeps them open, idle</li>
 *   <li>{@code closeall} → {@code CLOSED} (with a reset, as {@link LoadGenerator}'s)</li>
 * </ul>
 */
public final class DeflateGenerator {
    private static final int BURST_FRAMES = 64;
    /** Distinct messages per size, at least. */
    private static final int POOL = 64;
    /**
     * Bytes of distinct messages, at least: four times DEFLATE's 32 KiB window, so that a compressor
     * with context takeover never finds a whole earlier message to refer to (64 messages of 64 bytes
     * would all fit in its window, and every echo after the first round would be a back-reference).
     */
    private static final int POOL_BYTES = 4 * 32 * 1024;
    /** Distinct messages above 64 KiB (each is held twice, compressed and not). */
    private static final int LARGE_POOL = 8;

    private final Map<Integer, CompressedFrames> pools = new HashMap<>();
    private final List<SocketChannel> idle = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final byte[] scratch = new byte[64 * 1024];

    private DeflateGenerator() {
    }

    public static void main(String[] args) throws Exception {
        DeflateGenerator generator = new DeflateGenerator();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            String[] a = line.trim().split("\\s+");
            try {
                switch (a[0]) {
                    case "echo" -> System.out.println(generator.echo(Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                            Integer.parseInt(a[3]), Integer.parseInt(a[4]), Double.parseDouble(a[5]), Double.parseDouble(a[6]),
                            Long.parseLong(a[7])));
                    case "exchange" -> System.out.println(generator.exchange(Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                            Integer.parseInt(a[3]), Integer.parseInt(a[4]), Long.parseLong(a[5])));
                    case "closeall" -> {
                        generator.closeAll();
                        System.out.println("CLOSED");
                    }
                    default -> System.out.println("ERROR unknown command " + a[0]);
                }
            } catch (Exception e) {
                // The driver fails at once on ERROR instead of waiting out its timeout.
                System.out.println("ERROR " + e);
            }
            System.out.flush();
        }
    }

    private CompressedFrames frames(int bytes) {
        return pools.computeIfAbsent(bytes, b -> new CompressedFrames(TextPool.messages(b,
                b > 64 * 1024 ? LARGE_POOL : Math.max(POOL, (POOL_BYTES + b - 1) / b))));
    }

    // ---- the echo scenario

    /** One connection's echo state. */
    private static final class Connection {
        final SocketChannel channel;
        final InboundMessages in;
        final long[] sentAt;
        int head;
        int tail;
        int framesToWrite;
        /** The run of frames being written, null between runs. */
        ByteBuffer writing;
        int nextFrame;
        long echoedAtMeasureStart;
        long compressedAtMeasureStart;
        long wireAtMeasureStart;
        long rawAtMeasureStart;

        Connection(SocketChannel channel, InboundMessages in, int inflight, int firstFrame) {
            this.channel = channel;
            this.in = in;
            this.sentAt = new long[inflight];
            this.framesToWrite = inflight;
            this.nextFrame = firstFrame;
        }
    }

    private String echo(int port, int connections, int inflight, int bytes, double warmupSeconds, double seconds,
                        long serverPid) throws IOException {
        CompressedFrames frames = frames(bytes);
        int burst = frames.largestFrame() > 4096 ? 1 : Math.min(BURST_FRAMES, frames.count());
        byte[] request = Handshake.request(port, Negotiated.REQUEST_HEADER);
        List<Connection> all = new ArrayList<>();
        String answer = null;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                Handshake.Upgraded upgraded = Handshake.connect(port, request);
                SocketChannel channel = upgraded.channel();
                Negotiated negotiated;
                try {
                    negotiated = Negotiated.from(upgraded.head());
                    channel.configureBlocking(false);
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
                answer = answer == null ? negotiated.compact() : answer;
                Connection c = new Connection(channel, new InboundMessages(negotiated.serverNoContextTakeover(), inflight, scratch),
                        inflight, i % frames.count());
                all.add(c);
                channel.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, c);
            }
            LatencyHistogram latencies = new LatencyHistogram();
            long measureStart = System.nanoTime() + (long) (warmupSeconds * 1e9);
            long end = measureStart + (long) (seconds * 1e9);
            boolean measuring = false;
            long genCpuAtStart = 0;
            long serverCpuAtStart = 0;
            while (true) {
                long now = System.nanoTime();
                if (!measuring && now >= measureStart) {
                    measuring = true;
                    latencies.reset();
                    for (Connection c : all) {
                        c.echoedAtMeasureStart = c.in.messages;
                        c.compressedAtMeasureStart = c.in.compressedMessages;
                        c.wireAtMeasureStart = c.in.wireBytes;
                        c.rawAtMeasureStart = c.in.rawBytes;
                    }
                    genCpuAtStart = LoadGenerator.ownCpuNanos();
                    serverCpuAtStart = LoadGenerator.cpuNanosOf(serverPid);
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
                        int echoed = read(c.channel, c.in);
                        long at = System.nanoTime();
                        for (int f = 0; f < echoed; f++) {
                            long sent = c.sentAt[c.head];
                            c.head = (c.head + 1) % c.sentAt.length;
                            if (measuring) {
                                latencies.record((at - sent) / 1000);
                            }
                            c.framesToWrite++;
                        }
                    }
                    write(c, frames, burst);
                    key.interestOps(SelectionKey.OP_READ | (c.writing != null || c.framesToWrite > 0 ? SelectionKey.OP_WRITE : 0));
                }
            }
            long wall = System.nanoTime() - measureStart;
            double genCpu = (LoadGenerator.ownCpuNanos() - genCpuAtStart) / (double) wall;
            double serverCpu = (LoadGenerator.cpuNanosOf(serverPid) - serverCpuAtStart) / (double) wall;
            long[] perConnection = new long[all.size()];
            long total = 0;
            long compressed = 0;
            long wire = 0;
            long raw = 0;
            long verified = 0;
            for (int i = 0; i < all.size(); i++) {
                Connection c = all.get(i);
                perConnection[i] = c.in.messages - c.echoedAtMeasureStart;
                total += perConnection[i];
                compressed += c.in.compressedMessages - c.compressedAtMeasureStart;
                wire += c.in.wireBytes - c.wireAtMeasureStart;
                raw += c.in.rawBytes - c.rawAtMeasureStart;
                verified += c.in.messages;
            }
            Arrays.sort(perConnection);
            double secondsMeasured = wall / 1e9;
            return String.format(Locale.ROOT, "RESULT messages=%d seconds=%.3f p50us=%d p99us=%d slowest=%.1f median=%.1f"
                            + " genCpu=%.3f serverCpu=%.3f compressed=%d wire=%d raw=%d verified=%d ext=%s",
                    total, secondsMeasured, latencies.percentile(0.50), latencies.percentile(0.99),
                    perConnection[0] / secondsMeasured, perConnection[perConnection.length / 2] / secondsMeasured, genCpu,
                    serverCpu, compressed, wire, raw, verified, answer);
        } finally {
            for (Connection c : all) {
                c.channel.close();
                c.in.close();
            }
        }
    }

    /** Writes the frames due in runs of at most {@code burst}; remembers where a partial write stopped. */
    private static void write(Connection c, CompressedFrames frames, int burst) throws IOException {
        while (true) {
            if (c.writing == null) {
                if (c.framesToWrite == 0) {
                    return;
                }
                int n = Math.min(c.framesToWrite, burst);
                c.framesToWrite -= n;
                long now = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    c.sentAt[c.tail] = now;
                    c.tail = (c.tail + 1) % c.sentAt.length;
                    c.in.expect(frames.payload((c.nextFrame + i) % frames.count()));
                }
                c.writing = frames.run(c.nextFrame, n);
                c.nextFrame = (c.nextFrame + n) % frames.count();
            }
            c.channel.write(c.writing);
            if (c.writing.hasRemaining()) {
                return; // the socket is full: OP_WRITE brings us back
            }
            c.writing = null;
        }
    }

    /** Reads what is there into {@code in} and returns how many whole messages ended in it. */
    private int read(SocketChannel channel, InboundMessages in) throws IOException {
        int messages = 0;
        while (true) {
            readBuffer.clear();
            int n = channel.read(readBuffer);
            if (n < 0) {
                throw new IOException("the server closed a connection");
            }
            if (n == 0) {
                return messages;
            }
            readBuffer.flip();
            messages += in.read(readBuffer);
        }
    }

    // ---- open, exchange one message each, keep idle

    /** A connection on its way through the handshake and its one message. */
    private static final class Opening {
        final ByteBuffer head = ByteBuffer.allocate(4096);
        final int frame;
        InboundMessages in;
        ByteBuffer writing;

        Opening(int frame) {
            this.frame = frame;
        }
    }

    /**
     * Opens {@code connections}, {@code window} at a time (as {@link LoadGenerator}'s open), each sending
     * one message once the server has agreed to permessage-deflate and reading its echo; they then stay open, idle.
     */
    private String exchange(int port, int connections, int window, int bytes, long serverPid) throws IOException {
        CompressedFrames frames = frames(bytes);
        byte[] request = Handshake.request(port, Negotiated.REQUEST_HEADER);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        long start = System.nanoTime();
        long compressed = 0;
        String answer = null;
        try (Selector selector = Selector.open()) {
            int started = 0;
            int done = 0;
            try {
                while (done < connections) {
                    while (started < connections && started - done < window) {
                        Handshake.startOpening(selector, address, request, new Opening(started % frames.count()));
                        started++;
                    }
                    if (selector.select(10_000) == 0) {
                        throw new IOException("no connection progressed for 10 s: " + done + " of " + connections + " done");
                    }
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        Opening o = (Opening) key.attachment();
                        String answered = advance(key, o, request, frames);
                        if (answer == null && answered != null) {
                            answer = answered;
                        }
                        if (!key.isValid()) { // the echo came back: the connection is idle's now
                            idle.add((SocketChannel) key.channel());
                            compressed += o.in.compressedMessages;
                            o.in.close();
                            done++;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                for (SelectionKey key : selector.keys()) {
                    if (key.isValid()) {
                        key.channel().close();
                        if (((Opening) key.attachment()).in != null) {
                            ((Opening) key.attachment()).in.close();
                        }
                    }
                }
                throw e;
            }
        }
        long wall = System.nanoTime() - start;
        return String.format(Locale.ROOT, "EXCHANGED millis=%d messages=%d compressed=%d ext=%s", wall / 1_000_000,
                connections, compressed, answer);
    }



    /**
     * Takes a connection one step on; cancels its key once the echo has come back whole. Returns the
     * server's extension answer when this step read the 101, else null.
     */
    private String advance(SelectionKey key, Opening o, byte[] request, CompressedFrames frames) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        if (key.isConnectable()) {
            channel.finishConnect();
            Handshake.sendRequest(key, request);
            return null;
        }
        if (o.in == null) {
            if (!o.head.hasRemaining() || channel.read(o.head) < 0) {
                throw new IOException("connection closed or head too long during the handshake");
            }
            if (!Handshake.endsHead(o.head)) {
                return null;
            }
            Handshake.checkSwitched(o.head);
            Negotiated negotiated = Negotiated.from(Handshake.text(o.head));
            o.in = new InboundMessages(negotiated.serverNoContextTakeover(), 1, scratch);
            o.in.expect(frames.payload(o.frame));
            o.writing = frames.run(o.frame, 1);
            writeOpening(key, o);
            return negotiated.compact();
        }
        if (key.isValid() && key.isWritable()) {
            writeOpening(key, o);
        }
        if (key.isValid() && key.isReadable() && read(channel, o.in) > 0) {
            key.cancel();
        }
        return null;
    }

    private static void writeOpening(SelectionKey key, Opening o) throws IOException {
        ((SocketChannel) key.channel()).write(o.writing);
        key.interestOps(SelectionKey.OP_READ | (o.writing.hasRemaining() ? SelectionKey.OP_WRITE : 0));
    }

    /** Closes the idle connections with a reset (linger 0), which leaves no socket in TIME_WAIT. */
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
}
