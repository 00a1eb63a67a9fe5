package dev.tether.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * S5's generator side, SSE under churn: steady subscribers read the server's ticks (events whose data
 * is {@code <publish time in epoch microseconds> <number>}) and note how late each arrives, while as
 * many churning subscribers are reset (SO_LINGER 0, then close: the server sees an RST, not a FIN) and
 * subscribe again every second. One selector thread does it all without blocking; churners are opened
 * {@code window} at a time (connect until the response head), below every server's accept backlog, so
 * no connection attempt is dropped and retried a second later. Every subscriber asks in HTTP/1.1, as
 * browsers do: the stream is chunked, and the steady subscribers read the ticks' data lines and pass
 * over the chunks' framing (a chunk holds whole events: the server writes each event at once).
 */
final class SseChurn {
    private static final byte[] REQUEST = "GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final long ROUND_NANOS = 1_000_000_000L;

    private final InetSocketAddress address;
    private final Selector selector;
    private final LatencyHistogram lateness = new LatencyHistogram();
    private final Set<SocketChannel> churners = new HashSet<>();
    private long maxLatenessMicros;
    private long ticks;
    private long steadyEnded;
    private long resets;
    private long opened;
    private long failures;
    /** Per tick number, how late it reached its first and its last steady subscriber (µs; 0: not yet). */
    private long[] firstArrival = new long[64];
    private long[] lastArrival = new long[64];
    /** Churners connecting or waiting for their head. */
    private int opening;

    private SseChurn(int port) throws IOException {
        this.address = new InetSocketAddress("127.0.0.1", port);
        this.selector = Selector.open();
    }

    /**
     * A steady subscriber past its response head: parses events line by line (LF or CRLF). A chunk's
     * size line is a line without a field it knows, and the CRLF after a chunk's data a blank line with
     * no data before it: both are passed over.
     */
    private static final class Reader {
        final SocketChannel channel;
        final StringBuilder line = new StringBuilder(64);
        long publishedMicros = -1;
        int tick = -1;

        Reader(SocketChannel channel) {
            this.channel = channel;
        }
    }

    /** A churning subscriber: its head until it has come, then whatever the server sends, discarded. */
    private static final class Churner {
        final ByteBuffer head = ByteBuffer.allocate(4096);
        boolean open;
    }

    /**
     * Runs S5 for {@code seconds} of churn, then reads the steady subscribers for {@code graceSeconds}
     * more (the last ticks may still be on their way), resets the churners and closes the steady
     * subscribers. {@code churners} are subscribed anew each second, each round {@code window} at a
     * time; what a round has not opened within its second is reset with the rest.
     *
     * @return {@code RESULT ticks=… p50us=… p99us=… maxus=… steadyEnded=… resets=… opened=… failures=…
     *         genCpu=… serverCpu=…}: ticks received by steady subscribers and their lateness (receipt −
     *         publish), steady subscribers the server ended, churners reset while open, churners whose
     *         response head came, churn connections that failed before it; and over the ticks, how late
     *         each first reached a steady subscriber ({@code firstP50us=… firstMaxus=…}) and how long after
     *         that it reached the last ({@code spanP50us=… spanMaxus=…})
     */
    static String run(List<SocketChannel> steady, int port, int churners, int window, double seconds, double graceSeconds,
                      long serverPid) throws IOException {
        SseChurn churn = new SseChurn(port);
        try {
            return churn.run(steady, churners, window, seconds, graceSeconds, serverPid);
        } finally {
            churn.resetChurners();
            for (SocketChannel s : steady) {
                s.close();
            }
            churn.selector.close();
        }
    }

    private String run(List<SocketChannel> steady, int churnerCount, int window, double seconds, double graceSeconds,
                       long serverPid) throws IOException {
        for (SocketChannel s : steady) {
            s.register(selector, SelectionKey.OP_READ, new Reader(s));
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        long genCpu = LoadGenerator.ownCpuNanos();
        long serverCpu = LoadGenerator.cpuNanosOf(serverPid);
        long start = System.nanoTime();
        long churnEnd = start + (long) (seconds * 1e9);
        long end = churnEnd + (long) (graceSeconds * 1e9);
        long nextRound = start;
        int toOpen = 0;
        boolean churning = true;
        for (long now; (now = System.nanoTime()) < end; ) {
            if (churning && now >= churnEnd) {
                churning = false;
                resetChurners();
                toOpen = 0;
            } else if (churning && now >= nextRound) {
                resetChurners();
                toOpen = churnerCount;
                nextRound += ROUND_NANOS;
            }
            for (; toOpen > 0 && opening < window; toOpen--) {
                startChurner();
            }
            long until = churning ? Math.min(nextRound, churnEnd) : end;
            selector.select(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                if (key.attachment() instanceof Reader r) {
                    read(key, r, buffer);
                } else {
                    advanceChurner(key, (Churner) key.attachment(), buffer);
                }
            }
        }
        long wall = System.nanoTime() - start;
        return String.format(Locale.ROOT, "RESULT ticks=%d p50us=%d p99us=%d maxus=%d steadyEnded=%d resets=%d opened=%d"
                        + " failures=%d genCpu=%.3f serverCpu=%.3f %s", ticks, lateness.percentile(0.50),
                lateness.percentile(0.99), maxLatenessMicros, steadyEnded, resets, opened, failures,
                (LoadGenerator.ownCpuNanos() - genCpu) / (double) wall,
                (LoadGenerator.cpuNanosOf(serverPid) - serverCpu) / (double) wall, spread());
    }

    // ---- steady subscribers

    private void read(SelectionKey key, Reader r, ByteBuffer buffer) throws IOException {
        buffer.clear();
        int n;
        try {
            n = r.channel.read(buffer);
        } catch (IOException reset) {
            n = -1;
        }
        if (n < 0) {
            steadyEnded++;
            key.cancel();
            return;
        }
        long now = epochMicros();
        buffer.flip();
        while (buffer.hasRemaining()) {
            char c = (char) (buffer.get() & 0xFF);
            if (c == '\r') {
                continue;
            }
            if (c != '\n') {
                r.line.append(c);
                continue;
            }
            if (r.line.length() == 0) { // the blank line: the event is whole
                if (r.publishedMicros >= 0) {
                    long late = now - r.publishedMicros;
                    lateness.record(late);
                    maxLatenessMicros = Math.max(maxLatenessMicros, late);
                    ticks++;
                    perTick(r.tick, late);
                    r.publishedMicros = -1;
                }
            } else if (r.line.indexOf("data: ") == 0) {
                int space = r.line.indexOf(" ", 6);
                r.publishedMicros = Long.parseLong(r.line.substring(6, space < 0 ? r.line.length() : space));
                r.tick = space < 0 ? -1 : Integer.parseInt(r.line.substring(space + 1));
            }
            r.line.setLength(0);
        }
    }

    /** Notes a tick's lateness at one subscriber: its first and last arrival. */
    private void perTick(int tick, long late) {
        if (tick < 0 || tick >= 100_000) {
            return;
        }
        if (tick >= firstArrival.length) {
            int size = Math.max(tick + 1, firstArrival.length * 2);
            firstArrival = java.util.Arrays.copyOf(firstArrival, size);
            lastArrival = java.util.Arrays.copyOf(lastArrival, size);
        }
        if (firstArrival[tick] == 0 || late < firstArrival[tick]) {
            firstArrival[tick] = Math.max(1, late);
        }
        lastArrival[tick] = Math.max(lastArrival[tick], late);
    }

    /**
     * Over the ticks, the median and the largest of: how late a tick's first arrival was (the server
     * began writing it late) and how much later its last one came (the time to write it to everyone).
     */
    private String spread() {
        List<Long> first = new ArrayList<>();
        List<Long> span = new ArrayList<>();
        for (int i = 0; i < firstArrival.length; i++) {
            if (firstArrival[i] > 0) {
                first.add(firstArrival[i]);
                span.add(lastArrival[i] - firstArrival[i]);
            }
        }
        if (first.isEmpty()) {
            return "firstP50us=0 firstMaxus=0 spanP50us=0 spanMaxus=0";
        }
        first.sort(null);
        span.sort(null);
        return "firstP50us=" + first.get(first.size() / 2) + " firstMaxus=" + first.get(first.size() - 1)
                + " spanP50us=" + span.get(span.size() / 2) + " spanMaxus=" + span.get(span.size() - 1);
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    // ---- churning subscribers

    private void startChurner() {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            boolean connected = channel.connect(address);
            channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, new Churner());
            churners.add(channel);
            opening++;
        } catch (IOException e) {
            failures++;
            closeQuietly(channel);
        }
    }

    private void advanceChurner(SelectionKey key, Churner c, ByteBuffer buffer) {
        SocketChannel channel = (SocketChannel) key.channel();
        try {
            if (key.isConnectable()) {
                channel.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            if (key.isWritable()) {
                channel.write(ByteBuffer.wrap(REQUEST)); // 70 bytes to a fresh socket: written at once
                key.interestOps(SelectionKey.OP_READ);
                return;
            }
            if (!c.open) {
                if (!c.head.hasRemaining() || channel.read(c.head) < 0) {
                    throw new IOException("the subscription was refused or closed");
                }
                if (Handshake.endsHead(c.head)) {
                    String head = new String(c.head.array(), 0, c.head.position(), StandardCharsets.ISO_8859_1);
                    if (!head.startsWith("HTTP/1.1 200") && !head.startsWith("HTTP/1.0 200")) {
                        throw new IOException("the subscription was refused: " + head.lines().findFirst().orElse(""));
                    }
                    c.open = true;
                    opening--;
                    opened++;
                }
                return;
            }
            buffer.clear();
            if (channel.read(buffer) < 0) {
                throw new IOException("the server ended a churning subscription");
            }
        } catch (IOException e) {
            failures++;
            if (!c.open) {
                opening--;
            }
            key.cancel();
            churners.remove(channel);
            closeQuietly(channel);
        }
    }

    /** Resets every churner, open or still opening: linger 0, so the close sends an RST. */
    private void resetChurners() {
        for (SocketChannel channel : churners) {
            SelectionKey key = channel.keyFor(selector);
            if (key != null && key.attachment() instanceof Churner c && c.open) {
                resets++;
            }
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException notConnected) {
                // closed without a reset then
            }
            closeQuietly(channel);
        }
        churners.clear();
        opening = 0;
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // going anyway
        }
    }
}
