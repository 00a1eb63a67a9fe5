package dev.tether.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The permessage-deflate benchmark (RFC 7692): Tether on embedded Jetty 12.1 and Tomcat 11 beside
 * Jetty's and Tomcat's own WebSocket stacks and node's {@code ws}, every one of them with
 * permessage-deflate negotiated, by {@link LoadBenchmark}'s method: each server in its own JVM (or
 * node) with identical flags, pinned to core 0; one generator JVM
 * ({@link dev.tether.bench.load.DeflateGenerator}) pinned to core 1; warm-up first, then batches in
 * turn on every server; figures are medians over batches, ratios medians of the per-batch ratios, and
 * the server's and the generator's CPU are printed beside them. Run on demand, never in the test pass
 * (node's {@code ws} must be installed: {@code npm ci --prefix src-it/node}):
 *
 * <pre>mvn -B -pl src-it -am -Pload test-compile exec:exec -Dbench.main=dev.tether.bench.DeflateBenchmark [-Dbench.args="--quick"]</pre>
 *
 * <p>The servers: Tether's echo with {@code PerMessageDeflate.defaults()} ({@code tether-jetty},
 * {@code tether-tomcat}); the containers' own JSR-356 echo ({@code jetty-own}, {@code tomcat-own}),
 * which agree to permessage-deflate without being configured; node's {@code ws} with
 * {@code perMessageDeflate: true}, its defaults ({@code node-ws}). Variants of Tether's: {@code -t0}
 * (threshold 0: every message compressed, however small), {@code -nct} (no context takeover either
 * way) and {@code -uncapped} (no cap on compression contexts, which is 1,024 by default).
 *
 * <p>The generator offers {@code permessage-deflate; client_no_context_takeover} and checks, on every
 * connection, that the 101 agreed to permessage-deflate, failing the run otherwise; the answers are
 * printed first. It sends a pool of distinct, deterministic JSON-like messages per size (at least 64,
 * and at least 128 KiB of them, four DEFLATE windows, so that a server with context takeover never
 * finds a whole earlier message to refer to; 8 of prose for 1 MiB), each compressed once with a
 * fresh raw DEFLATE stream; it inflates every echo that
 * arrives with RSV1 as the server's context takeover requires and compares every echo, compressed or
 * not, byte for byte with the message sent.
 *
 * <ul>
 *   <li>D1: 64-byte JSON-like text echo, 100 connections × 16 in flight: messages per second,
 *       latency p50/p99 (send to echo), CPU. Tether's and {@code ws}'s threshold (1,024 bytes) sends
 *       such messages uncompressed while Jetty and Tomcat compress every message: the table shows,
 *       per server, the share of echoes that arrived compressed and the wire ratio, and has a row
 *       {@code tether-jetty-t0} to compare like with like.</li>
 *   <li>D2: 16 KiB JSON-like text echo, as D1.</li>
 *   <li>D3: 1 MiB prose echo, 4 connections × 2 in flight: MB/s of uncompressed payload.</li>
 *   <li>In D1–D3, the wire ratio: payload bytes on the wire from server to client over the
 *       uncompressed bytes they carry.</li>
 *   <li>D4: memory per connection, one fresh server at a time: {@code --connections} connections (10,000),
 *       opened 32 handshakes at a time, each echoing one 16 KiB message so that its compression
 *       contexts exist; RSS ({@code VmRSS} from {@code /proc}) and live heap after full collections,
 *       each minus the server's before opening, per connection. zlib's state is native memory taken
 *       with malloc, outside the heap and unseen by the JVM's native memory tracking: RSS is the figure
 *       that holds it. Unlike {@link LoadBenchmark}'s S3, the server JVMs pre-touch their heap
 *       ({@code -XX:+AlwaysPreTouch}, all alike), so that a JVM's RSS grows only by memory outside its
 *       heap, not by heap pages G1 happens to touch for the first time; the total per connection is
 *       RSS plus live heap (node's RSS holds its heap). Tether's variants {@code -nct} and
 *       {@code -uncapped} run beside the defaults. The JSR-356 echo runs with the containers' default
 *       message buffers, but a 16 KiB text buffer (Tomcat refuses a larger message than its buffer,
 *       8 KiB by default).</li>
 *   <li>{@code soak} (only when asked for): Tether on Jetty, with context takeover and without:
 *       {@code --rounds} (5) rounds of opening {@code --connections} connections as in D4 and closing them
 *       all with a reset; after each open and each close (once the server has closed every connection),
 *       RSS and live heap over the fresh server's, and the compression contexts in use; then RSS once
 *       more after glibc was asked to give back what it keeps for reuse ({@code jcmd
 *       System.trim_native_heap}). It is healthy when the contexts are 0 after every close and the
 *       trimmed RSS of the last round is no new high (within 8 MiB of the highest before it): the
 *       first rounds raise it while the JIT and the container's pools warm up.</li>
 * </ul>
 *
 * <p>Options: {@code --servers a,b,…} (D1–D3's; D1 adds {@code tether-jetty-t0} when {@code tether-jetty}
 * is there) {@code --memory-servers a,b,…} (D4's; by default the servers with Tether's {@code -nct}
 * beside each Tether server and {@code tether-jetty-uncapped}) {@code --soak-servers a,b,…}
 * {@code --scenarios d1,d2,d3,d4,soak} (default d1,d2,d3,d4) {@code --batches N} (5)
 * {@code --batch-seconds S} (4) {@code --connections N} (10,000) {@code --rounds R} (5) {@code --quick}
 * (2 batches of 1.5 s, 1 s warm-ups, 2,000 connections, 3 soak rounds: for trying it out). Warm-ups are
 * 8 s for D1 and D2 and 5 s for D3; the default scenarios are sized for about 11 minutes, {@code --quick} for under 3.
 */
public final class DeflateBenchmark {
    private static final List<String> ALL_SERVERS = List.of("tether-jetty", "jetty-own", "tether-tomcat", "tomcat-own",
            ServerProcess.NODE);
    private static final String THRESHOLD_0 = "tether-jetty-t0";
    private static final int OPEN_WINDOW = 32;
    private static final int MEMORY_MESSAGE = 16 * 1024;
    /**
     * D4's and the soak's server flags: the heap pre-touched, so that RSS grows only by memory outside
     * the Java heap (zlib's state, direct buffers, stacks) and not by heap pages G1 touches for the first
     * time (which would add to every round of the soak until the whole heap had been touched); JSR-356 on
     * its default buffers but a text buffer that takes the message.
     */
    private static final List<String> MEMORY_PROPERTIES = List.of("-XX:+AlwaysPreTouch", "-Dbench.idle=true",
            "-Dbench.textBuffer=" + MEMORY_MESSAGE);

    private final PrintStream out = System.out;
    /** Servers that failed during the run, and why: left out of what follows, and shown as failed. */
    private final Map<String, String> failed = new LinkedHashMap<>();
    private List<String> servers = ALL_SERVERS;
    private List<String> memoryServers;
    private List<String> soakServers = List.of("tether-jetty", "tether-jetty-nct");
    private List<String> scenarios = List.of("d1", "d2", "d3", "d4");
    private int batches = 5;
    private double batchSeconds = 4;
    private double warmupSmall = 8;
    private double warmupLarge = 5;
    private int connections = 10_000;
    private int rounds = 5;

    public static void main(String[] args) throws Exception {
        DeflateBenchmark bench = new DeflateBenchmark();
        Integer connections = null;
        Integer rounds = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--servers" -> bench.servers = List.of(args[++i].split(","));
                case "--memory-servers" -> bench.memoryServers = List.of(args[++i].split(","));
                case "--soak-servers" -> bench.soakServers = List.of(args[++i].split(","));
                case "--scenarios" -> bench.scenarios = List.of(args[++i].split(","));
                case "--batches" -> bench.batches = Math.max(1, Integer.parseInt(args[++i]));
                case "--batch-seconds" -> bench.batchSeconds = Double.parseDouble(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Math.max(1, Integer.parseInt(args[++i]));
                case "--quick" -> {
                    bench.batches = 2;
                    bench.batchSeconds = 1.5;
                    bench.warmupSmall = 1;
                    bench.warmupLarge = 1;
                    bench.connections = 2000;
                    bench.rounds = 3;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (connections != null) {
            bench.connections = connections; // wins over --quick's, wherever it stands
        }
        if (rounds != null) {
            bench.rounds = rounds;
        }
        bench.run();
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        out.printf(Locale.ROOT, "Machine: %d cores, %s %s, JDK %s; Jetty %s, Tomcat %s, node %s, ws %s; server flags %s;"
                        + " pinned: %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), org.eclipse.jetty.util.Jetty.VERSION,
                org.apache.catalina.util.ServerInfo.getServerNumber(), nodeVersion(), wsVersion(),
                String.join(" ", ServerProcess.JVM_FLAGS),
                ChildProcess.PINNING ? "servers core 0, generator core 1" : "no (taskset missing)");
        out.println("Every connection offers `permessage-deflate; client_no_context_takeover` and fails the run unless the"
                + " server agrees; every echo is checked byte for byte against the message sent (inflated where RSV1 is set).");
        try (Generator generator = new Generator()) {
            if (scenarios.contains("d1") || scenarios.contains("d2") || scenarios.contains("d3")) {
                long at = System.nanoTime();
                echoScenarios(generator);
                out.printf(Locale.ROOT, "(the echo scenarios took %.1f min)%n", (System.nanoTime() - at) / 60e9);
            }
            if (scenarios.contains("d4")) {
                long at = System.nanoTime();
                memoryScenario(generator);
                out.printf(Locale.ROOT, "(D4 took %.1f min)%n", (System.nanoTime() - at) / 60e9);
            }
            if (scenarios.contains("soak")) {
                soakScenario(generator);
            }
        }
        out.printf(Locale.ROOT, "%nRun took %.1f min.%n", (System.nanoTime() - start) / 60e9);
    }

    // ---- D1, D2, D3

    private record Batch(double messagesPerSecond, double megabytesPerSecond, long p50us, long p99us,
                         double slowestToMedian, double genCpu, double serverCpu, double compressedShare, double wireRatio,
                         long verified) {
    }

    private void echoScenarios(Generator generator) throws Exception {
        List<ServerProcess> running = new ArrayList<>();
        ServerProcess threshold0 = null;
        try {
            for (String name : servers) {
                running.add(server(name, List.of()));
            }
            if (scenarios.contains("d1") && servers.contains("tether-jetty")) {
                threshold0 = server(THRESHOLD_0, List.of());
            }
            List<ServerProcess> d1 = new ArrayList<>(running);
            if (threshold0 != null) {
                d1.add(d1.indexOf(running.get(servers.indexOf("tether-jetty"))) + 1, threshold0);
            }
            negotiation(generator, scenarios.contains("d1") ? d1 : running);
            if (scenarios.contains("d1")) {
                echoScenario(generator, d1, "D1: 64-byte JSON-like text echo, 100 connections x 16 in flight", 100, 16, 64,
                        warmupSmall);
                if (threshold0 != null) {
                    threshold0.close();
                    threshold0 = null;
                }
            }
            if (scenarios.contains("d2")) {
                echoScenario(generator, running, "D2: 16 KiB JSON-like text echo, 100 connections x 16 in flight", 100, 16,
                        16 * 1024, warmupSmall);
            }
            if (scenarios.contains("d3")) {
                echoScenario(generator, running, "D3: 1 MiB prose text echo, 4 connections x 2 in flight", 4, 2, 1 << 20,
                        warmupLarge);
            }
        } finally {
            if (threshold0 != null) {
                threshold0.close();
            }
            for (ServerProcess s : running) {
                s.close();
            }
        }
    }

    /** What each server answered to the offer, on one connection echoing one 64-byte message. */
    private void negotiation(Generator generator, List<ServerProcess> running) throws Exception {
        out.println();
        out.println("Negotiated: each server's Sec-WebSocket-Extensions answer, spaces left out (one connection, one 64-byte echo)");
        for (ServerProcess s : running) {
            Map<String, String> f = generator.exchange(s, 1, 64);
            generator.closeAll();
            out.printf(Locale.ROOT, "%-22s %s (64-byte echo %s)%n", s.name, f.get("ext"),
                    f.get("compressed").equals("1") ? "compressed" : "uncompressed");
        }
    }

    private void echoScenario(Generator generator, List<ServerProcess> running, String title, int connections, int inflight,
                              int payload, double warmup) throws Exception {
        out.println();
        out.println(title + " (warm-up " + warmup + " s each; " + batches + " batches of " + batchSeconds + " s, medians)");
        long verified = 0;
        for (ServerProcess s : running) {
            Batch batch = echoUnlessFailed(generator, s, connections, inflight, payload, warmup, 1);
            verified += batch == null ? 0 : batch.verified();
        }
        Map<String, List<Batch>> results = new LinkedHashMap<>();
        for (int b = 0; b < batches; b++) {
            for (ServerProcess s : running) {
                Batch batch = echoUnlessFailed(generator, s, connections, inflight, payload, 1, batchSeconds);
                if (batch != null) {
                    verified += batch.verified();
                    results.computeIfAbsent(s.name, k -> new ArrayList<>()).add(batch);
                }
            }
        }
        out.printf(Locale.ROOT, "%-22s %10s %8s %8s %8s %9s %7s %7s %11s %9s %12s %13s%n", "server", "msgs/s", "MB/s",
                "p50 ms", "p99 ms", "slow/med", "srv CPU", "gen CPU", "compressed", "wire/raw", "vs jetty-own", "vs tomcat-own");
        for (ServerProcess s : running) {
            List<Batch> r = results.get(s.name);
            if (failed.containsKey(s.name)) {
                out.printf(Locale.ROOT, "%-22s FAILED: %s%n", s.name, failed.get(s.name));
                continue;
            }
            out.printf(Locale.ROOT, "%-22s %10.0f %8.1f %8.2f %8.2f %9.2f %7.2f %7.2f %10.0f%% %9.3f %12s %13s%n", s.name,
                    Figures.median(r, Batch::messagesPerSecond), Figures.median(r, Batch::megabytesPerSecond),
                    Figures.median(r, b -> b.p50us() / 1000.0), Figures.median(r, b -> b.p99us() / 1000.0),
                    Figures.median(r, Batch::slowestToMedian), Figures.median(r, Batch::serverCpu),
                    Figures.median(r, Batch::genCpu), 100 * Figures.median(r, Batch::compressedShare),
                    Figures.median(r, Batch::wireRatio), ratio(results, s.name, "jetty-own"),
                    ratio(results, s.name, "tomcat-own"));
        }
        out.printf(Locale.ROOT, "(compressed: share of echoes with RSV1; wire/raw: server-to-client payload bytes on the wire"
                + " over the bytes they carry; echo content checked on every message: %,d, warm-ups included)%n", verified);
    }

    /**
     * One batch on {@code s}, or null when it failed now or before: a server that fails (one of the
     * containers' own ran out of heap) is shown as failed, with the first error in its log, and left
     * out of the rest of the run, instead of ending the run for all.
     */
    private Batch echoUnlessFailed(Generator generator, ServerProcess s, int connections, int inflight, int payload,
                                   double warmup, double seconds) throws IOException {
        if (failed.containsKey(s.name)) {
            return null;
        }
        try {
            return generator.echo(s, connections, inflight, payload, warmup, seconds);
        } catch (Exception e) {
            failed.put(s.name, e.getMessage() + "; its log: " + s.firstError());
            return null;
        }
    }

    private String ratio(Map<String, List<Batch>> results, String server, String anchor) {
        List<Batch> a = results.get(server);
        List<Batch> b = results.get(anchor);
        return a == null || b == null || server.equals(anchor) || failed.containsKey(anchor) ? ""
                : Figures.perBatchRatio(a, b, Batch::messagesPerSecond);
    }

    // ---- D4

    private void memoryScenario(Generator generator) throws Exception {
        out.println();
        out.printf(Locale.ROOT, "D4: memory per connection, %,d connections each echoing one 16 KiB message (fresh server each,"
                + " JVMs with the heap pre-touched; RSS = VmRSS, so outside the Java heap for a JVM and everything for node;"
                + " heap = live heap after GC (node: V8's); both minus the server's before opening)%n", connections);
        record Row(double openSeconds, double compressedShare, double rss, double heap, String contexts, String answer) {
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        Map<String, String> failedHere = new LinkedHashMap<>(); // each runs on a fresh server: only this scenario's failures
        for (String name : memoryServers()) {
            try (ServerProcess s = server(name, MEMORY_PROPERTIES)) {
                long heapBefore = s.liveHeap();
                long rssBefore = s.rssBytes();
                Map<String, String> f;
                try {
                    f = generator.exchange(s, connections, MEMORY_MESSAGE);
                } catch (IllegalStateException e) {
                    failedHere.put(name, e.getMessage() + "; its log: " + s.firstError());
                    generator.closeAll();
                    continue;
                }
                long heapAfter = s.liveHeap();
                long rssAfter = s.rssBytes();
                String contexts = name.startsWith("tether-") ? s.send("contexts", "CONTEXTS", 60) : "";
                generator.closeAll();
                rows.put(name, new Row(Long.parseLong(f.get("millis")) / 1000.0,
                        Long.parseLong(f.get("compressed")) / (double) connections,
                        (rssAfter - rssBefore) / 1024.0 / connections, (heapAfter - heapBefore) / 1024.0 / connections,
                        contexts, f.get("ext")));
            }
        }
        out.printf(Locale.ROOT, "%-22s %9s %11s %13s %14s %15s %15s %9s  %s%n", "server", "open s", "compressed",
                "RSS KiB/conn", "heap KiB/conn", "total KiB/conn", "total vs own", "contexts", "answer");
        failedHere.forEach((name, why) -> out.printf(Locale.ROOT, "%-22s FAILED: %s%n", name, why));
        rows.forEach((name, row) -> {
            String own = name.contains("tomcat") ? "tomcat-own" : name.contains("jetty") ? "jetty-own" : null;
            Row ownRow = own == null || own.equals(name) ? null : rows.get(own);
            double total = total(name, row.rss(), row.heap());
            out.printf(Locale.ROOT, "%-22s %9.2f %10.0f%% %13.1f %14.1f %15.1f %15s %9s  %s%n", name, row.openSeconds(),
                    100 * row.compressedShare(), row.rss(), row.heap(), total, ownRow == null ? ""
                            : String.format(Locale.ROOT, "%.2fx", total / total(own, ownRow.rss(), ownRow.heap())),
                    row.contexts(), row.answer());
        });
        out.println("(open s: opening all and echoing one message each, 32 at a time; compressed: share of those echoes that"
                + " arrived compressed; zlib's state is native memory from malloc, in RSS, outside the heap and unseen by the"
                + " JVM's native memory tracking; total: RSS + heap for a JVM, RSS for node; contexts: Tether's compression"
                + " contexts in use, whose default cap is 1,024, past which a connection sends uncompressed)");
    }

    /** A JVM's RSS here is outside its (pre-touched) heap, so its live heap adds to it; node's RSS holds its heap. */
    private static double total(String name, double rss, double heap) {
        return name.equals(ServerProcess.NODE) ? rss : rss + heap;
    }

    /** D4's servers: by default, the servers with Tether's variants beside each Tether server. */
    private List<String> memoryServers() {
        if (memoryServers != null) {
            return memoryServers;
        }
        List<String> kinds = new ArrayList<>();
        for (String name : servers) {
            kinds.add(name);
            if (name.startsWith("tether-")) {
                kinds.add(name + "-nct");
            }
            if (name.equals("tether-jetty")) {
                kinds.add(name + "-uncapped");
            }
        }
        return kinds;
    }

    // ---- soak

    private void soakScenario(Generator generator) throws Exception {
        for (String name : soakServers) {
            if (!name.startsWith("tether-")) {
                throw new IllegalArgumentException("the soak runs Tether's servers only (it asks for contexts in use): " + name);
            }
            out.println();
            out.printf(Locale.ROOT, "Soak, %s: %d rounds of %,d connections each echoing one 16 KiB message, then all closed"
                    + " with a reset (MiB over the fresh server's; heap after GC)%n", name, rounds, connections);
            out.printf(Locale.ROOT, "%5s %9s %12s %13s %14s %13s %14s %15s %12s%n", "round", "open s", "RSS open", "heap open",
                    "contexts open", "RSS closed", "heap closed", "contexts closed", "RSS trimmed");
            try (ServerProcess s = server(name, MEMORY_PROPERTIES)) {
                long heap0 = s.liveHeap();
                long rss0 = s.rssBytes();
                double[] closed = new double[rounds];
                double[] trimmed = new double[rounds];
                boolean contextsReturned = true;
                String answer = null;
                for (int round = 1; round <= rounds; round++) {
                    Map<String, String> f = generator.exchange(s, connections, MEMORY_MESSAGE);
                    answer = f.get("ext");
                    double heapOpen = (s.liveHeap() - heap0) / 1048576.0;
                    double rssOpen = (s.rssBytes() - rss0) / 1048576.0;
                    String contextsOpen = s.send("contexts", "CONTEXTS", 60);
                    generator.closeAll();
                    String stillOpen = s.send("idle", "IDLE", 90);
                    if (!stillOpen.equals("open=0")) {
                        throw new IllegalStateException(name + " still holds connections 60 s after they were reset: " + stillOpen);
                    }
                    String contextsClosed = s.send("contexts", "CONTEXTS", 60);
                    double heapClosed = (s.liveHeap() - heap0) / 1048576.0;
                    double rssClosed = (s.rssBytes() - rss0) / 1048576.0;
                    contextsReturned &= contextsClosed.equals("0");
                    closed[round - 1] = rssClosed;
                    s.trimNativeHeap();
                    trimmed[round - 1] = (s.rssBytes() - rss0) / 1048576.0;
                    out.printf(Locale.ROOT, "%5d %9.2f %12.1f %13.1f %14s %13.1f %14.1f %15s %12.1f%n", round,
                            Long.parseLong(f.get("millis")) / 1000.0, rssOpen, heapOpen, contextsOpen, rssClosed, heapClosed,
                            contextsClosed, trimmed[round - 1]);
                }
                verdict(answer, contextsReturned, closed, trimmed);
            }
        }
    }

    /**
     * Healthy: no compression context left after any close, and RSS after a close, once glibc has
     * given back what it kept for reuse ({@code RSS trimmed}), no new high in the last round: no more
     * than 8 MiB above the highest of the rounds before. The first rounds raise it while the JIT and
     * the container's pools warm up, then it stays; memory that every round leaves behind would set a
     * new high each time. RSS before the trim is printed too: malloc keeps what zlib freed for reuse.
     */
    private void verdict(String answer, boolean contextsReturned, double[] closed, double[] trimmed) {
        double tolerance = 8;
        int last = closed.length - 1;
        double earlierHigh = Arrays.stream(trimmed, 0, Math.max(1, last)).max().orElse(0);
        boolean noNewHigh = last == 0 || trimmed[last] - earlierHigh <= tolerance;
        out.printf(Locale.ROOT, "answer %s; contexts 0 after every close: %s; RSS after close, last round vs round 1: %+.1f MiB;"
                        + " trimmed, last round vs the highest before: %+.1f MiB (%s within %.0f MiB) -> %s%n", answer,
                contextsReturned ? "yes" : "NO", closed[last] - closed[0], last == 0 ? 0 : trimmed[last] - earlierHigh,
                noNewHigh ? "no new high:" : "GROWING: not", tolerance,
                contextsReturned && noNewHigh ? (last == 0 ? "healthy so far (one round)" : "healthy") : "NOT HEALTHY");
    }

    // ---- processes

    /**
     * A server by its name here: BenchServer's kind, with Tether's deflate configuration from the
     * suffix ({@code -t0}, {@code -nct}, {@code -uncapped}, none for the defaults), or node's ws with
     * {@code --deflate}. The containers' own stacks need no switch.
     */
    private static ServerProcess server(String name, List<String> properties) throws Exception {
        if (name.equals(ServerProcess.NODE)) {
            return new ServerProcess(name, name, properties, List.of("--deflate"));
        }
        if (name.equals("jetty-own") || name.equals("tomcat-own")) {
            return new ServerProcess(name, name, properties, List.of());
        }
        for (String container : List.of("tether-jetty", "tether-tomcat")) {
            if (name.startsWith(container)) {
                String config = switch (name.substring(container.length())) {
                    case "" -> "defaults";
                    case "-t0" -> "threshold0";
                    case "-nct" -> "no-takeover";
                    case "-uncapped" -> "uncapped";
                    default -> throw new IllegalArgumentException("unknown server " + name);
                };
                return new ServerProcess(name, container, properties, List.of("--deflate", config));
            }
        }
        throw new IllegalArgumentException("unknown server " + name);
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return v;
        } catch (IOException e) {
            return "missing";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String wsVersion() {
        try {
            String json = Files.readString(Path.of("src-it/node/node_modules/ws/package.json"));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "missing";
        }
    }

    private static final class Generator extends ChildProcess {
        Generator() throws IOException {
            super("bench-", "generator", pinned(1, java(List.of("-Xms1g", "-Xmx2g", "-XX:+UseG1GC"),
                    "dev.tether.bench.load.DeflateGenerator")));
        }

        Batch echo(ServerProcess s, int connections, int inflight, int payload, double warmup, double seconds) throws Exception {
            Map<String, String> f = Figures.fields(send(String.format(Locale.ROOT, "echo %d %d %d %d %.1f %.1f %d", s.port,
                    connections, inflight, payload, warmup, seconds, s.pid()), "RESULT", (long) (warmup + seconds) + 120));
            double secs = Double.parseDouble(f.get("seconds"));
            long messages = Long.parseLong(f.get("messages"));
            double rate = messages / secs;
            return new Batch(rate, rate * payload / 1e6, Long.parseLong(f.get("p50us")), Long.parseLong(f.get("p99us")),
                    Double.parseDouble(f.get("slowest")) / Math.max(1e-9, Double.parseDouble(f.get("median"))),
                    Double.parseDouble(f.get("genCpu")), Double.parseDouble(f.get("serverCpu")),
                    Long.parseLong(f.get("compressed")) / (double) Math.max(1, messages),
                    Long.parseLong(f.get("wire")) / (double) Math.max(1, Long.parseLong(f.get("raw"))),
                    Long.parseLong(f.get("verified")));
        }

        /** Opens {@code connections} that each echo one message of {@code bytes}, and keeps them open. */
        Map<String, String> exchange(ServerProcess s, int connections, int bytes) throws Exception {
            return Figures.fields(send(String.format(Locale.ROOT, "exchange %d %d %d %d %d", s.port, connections, OPEN_WINDOW,
                    bytes, s.pid()), "EXCHANGED", 600));
        }

        void closeAll() throws Exception {
            send("closeall", "CLOSED", 120);
        }
    }
}
