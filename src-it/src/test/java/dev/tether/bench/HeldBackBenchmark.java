package dev.tether.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What a server spends while it holds reading back (issue 24 §1b), on demand: peers that flood the
 * echo with pings and never read the pongs, until the server's output to them is backed up and it
 * stops reading from them (and their own writes stall). Then the server's CPU is measured over a
 * window in which nothing moves: a server that holds back for free uses none of it.
 *
 * <pre>mvn -B -pl src-it -am -Pload test-compile exec:exec -Dbench.main=dev.tether.bench.HeldBackBenchmark</pre>
 *
 * Options: {@code --peers N} (8), {@code --seconds S} (10, the window). Servers: Tether on Jetty, on
 * Tomcat (its own upgrade route), on Tomcat over the portable servlet route
 * ({@code -Ddev.tether.servlet.portableUpgradeOnTomcat=true}), and the containers' own stacks.
 */
public final class HeldBackBenchmark {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private HeldBackBenchmark() {
    }

    private record Server(String name, String kind, List<String> properties) {
    }

    public static void main(String[] args) throws Exception {
        int peers = 8;
        double seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("usage: HeldBackBenchmark [--peers N] [--seconds S]");
            }
        }
        List<Server> servers = List.of(
                new Server("tether-jetty", "tether-jetty", List.of()),
                new Server("tether-tomcat", "tether-tomcat", List.of()),
                new Server("tether-tomcat-portable", "tether-tomcat", List.of("-Ddev.tether.servlet.portableUpgradeOnTomcat=true")),
                new Server("jetty-own", "jetty-own", List.of()),
                new Server("tomcat-own", "tomcat-own", List.of()));
        System.out.printf("%d peers flood /echo with pings and read nothing; server CPU over %.0f s once every peer is held back%n%n",
                peers, seconds);
        System.out.printf("%-24s %12s %14s %12s%n", "server", "cores used", "pings sent", "held back");
        for (Server server : servers) {
            try (ServerProcess process = new ServerProcess(server.name(), server.kind(), server.properties(), List.of())) {
                measure(server.name(), process, peers, seconds);
            }
        }
    }

    private static void measure(String name, ServerProcess server, int peers, double seconds) throws Exception {
        List<SocketChannel> channels = new ArrayList<>();
        try {
            long pings = 0;
            int heldBack = 0;
            for (int i = 0; i < peers; i++) {
                SocketChannel channel = connect(server.port);
                channels.add(channel);
                long sent = floodUntilHeldBack(channel);
                if (sent >= 0) {
                    heldBack++;
                    pings += sent;
                }
            }
            long before = cpuTicks(server.pid());
            long start = System.nanoTime();
            // The window: the peers wait to be able to write again; a server that reads one wakes it early.
            int resumed;
            try (Selector selector = Selector.open()) {
                for (SocketChannel channel : channels) {
                    channel.register(selector, SelectionKey.OP_WRITE);
                }
                resumed = selector.select((long) (seconds * 1000));
            }
            double window = (System.nanoTime() - start) / 1e9;
            long used = cpuTicks(server.pid()) - before;
            double cores = used / (double) TICKS_PER_SECOND / window;
            System.out.printf("%-24s %12.3f %14d %9d/%d%s%n", name, cores, pings, heldBack, peers,
                    resumed > 0 ? "  (the server read again after " + Math.round(window * 10) / 10.0 + " s)" : "");
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
    }

    /**
     * Sends pings until the socket takes no more for a second (the server no longer reads): the pings
     * sent, or -1 if it still took them after a minute.
     */
    private static long floodUntilHeldBack(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        ByteBuffer ping = pingFrame();
        long sent = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_WRITE);
            while (System.nanoTime() < deadline) {
                if (channel.write(ping) > 0) {
                    if (!ping.hasRemaining()) {
                        ping.rewind();
                        sent++;
                    }
                    continue;
                }
                selector.selectedKeys().clear();
                if (selector.select(1000) == 0) {
                    return sent; // a second without room to write
                }
            }
        }
        return -1;
    }

    /** A masked ping with a 125-byte payload, the largest a control frame may carry. */
    private static ByteBuffer pingFrame() {
        ByteBuffer frame = ByteBuffer.allocate(2 + 4 + 125);
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        frame.put((byte) 0x89).put((byte) (0x80 | 125)).put(mask);
        for (int i = 0; i < 125; i++) {
            frame.put((byte) ('a' ^ mask[i % 4]));
        }
        return frame.flip();
    }

    private static SocketChannel connect(int port) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        channel.write(ByteBuffer.wrap(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
        ByteBuffer head = ByteBuffer.allocate(4096);
        while (!new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            if (!head.hasRemaining() || channel.read(head) < 0) {
                throw new IOException("the handshake failed");
            }
        }
        if (!new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
            throw new IOException("not switched: " + new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1));
        }
        return channel;
    }

    /** utime + stime of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
