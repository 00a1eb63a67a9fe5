package dev.tether.bench;

import dev.tether.bench.client.ClientDriver;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The client benchmark: Tether's WebSocket client beside the JDK's {@code java.net.http.WebSocket},
 * Jetty 12.1's {@code WebSocketClient}, OkHttp 5, Java-WebSocket 1.6 and node's {@code ws} client, all
 * against one server, node's {@code ws} echo ({@code src-it/node/bench/ws-echo.js}), pinned to core 0.
 * Each client runs in its own process ({@link dev.tether.bench.client.ClientProcess} with identical JVM
 * flags, or {@code src-it/node/bench/ws-client.js}) pinned to core 1, and only one of them works at a
 * time. Run on demand, never in the test pass (node's {@code ws} must be installed: {@code npm ci
 * --prefix src-it/node}):
 *
 * <pre>mvn -B -pl src-it -am -Pload test-compile exec:exec -Dbench.main=dev.tether.bench.ClientBenchmark [-Dbench.args="--quick"]</pre>
 *
 * <p>Scenarios:
 * <ul>
 *   <li>C1: 64-byte binary echo, 100 connections each keeping 16 messages outstanding (every echo sends
 *       the next): messages per second, latency p50/p99 (send to echo), and CPU;</li>
 *   <li>C2: 1 MiB binary echo, 4 connections × 1 outstanding: MB/s (one way) and CPU;</li>
 *   <li>C3: {@code --connections} (10,000) connections opened 32 handshakes at a time, then idle: the
 *       time to open them all in a fresh process (cold), then the median of {@code --batches} rounds
 *       of closing all and opening again after a warm-up round (warm); per connection, the client's
 *       RSS and heap after full collections (node: V8's heap) and threads, from the cold round.</li>
 * </ul>
 * In C1 and C2 the client processes are started together, warmed up in turn, and then take batches in
 * turn (the order rotating from batch to batch); each figure is the median over batches, and a ratio
 * is the median of the per-batch ratios. In C3 each client has a fresh process, one after another,
 * and ratios are of medians. Ratios compare with the best other Java client (by the same figure) and
 * with node's {@code ws} client; throughput ratios above 1 are better, time, CPU and memory ratios
 * below 1. The server has one core: when its CPU nears 1.00 it, not the client, bounds the
 * throughput, and the client's CPU per message is the figure that tells clients apart.
 *
 * <p>Options: {@code --clients a,b,…} (of {@code tether,jdk,jetty,okhttp,java-websocket,node-ws})
 * {@code --scenarios c1,c2,c3} {@code --batches N} (5) {@code --batch-seconds S} (5)
 * {@code --connections N} (C3's, 10,000) {@code --thread-budget N} (12,000: C3 stops a client whose
 * process has more threads, before it takes the machine's process ids; they are 32,768 here)
 * {@code --quick} (2 batches of 2 s, short warm-ups, 2,000 connections: for trying it out)
 * {@code --profile} (C1 and C2: JFR on Tether's client process over its measured batches, and per
 * scenario a table of where its CPU goes by stage, per message in C1 and per MiB in C2: see
 * {@link ProfileSummary}; every Java client then gets {@link Profiler#JVM_FLAGS}, and the recordings
 * stay in {@code --profile-dir D}, by default {@code src-it/target/profile-client}). Profiling costs
 * the profiled client CPU: the figures of a profiled run are not for publishing.
 * A client that fails, or cannot hold the connections, is reported with the reason, and the run goes on.
 */
public final class ClientBenchmark {
    private static final List<String> ALL_CLIENTS;
    private static final List<String> JAVA_CLIENTS = ClientDriver.KINDS;
    private static final String NODE = "node-ws";
    /** The client a profile records. */
    private static final String TETHER = "tether";
    private static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");
    /** Extra client JVM flags, for profiling and experiments only (e.g. {@code -XX:StartFlightRecording=…}); never in published runs. */
    private static final String EXTRA_CLIENT_FLAGS = System.getenv().getOrDefault("BENCH_CLIENT_FLAGS", "");
    /** Handshakes in progress at once while C3 opens: as LoadBenchmark's, below node's accept backlog (511). */
    private static final int OPEN_WINDOW = 32;

    static {
        List<String> all = new ArrayList<>(JAVA_CLIENTS);
        all.add(NODE);
        ALL_CLIENTS = List.copyOf(all);
    }

    private final PrintStream out = System.out;
    private final Path nodeDir = Path.of("src-it/node").toAbsolutePath();
    private List<String> clients = ALL_CLIENTS;
    private List<String> scenarios = List.of("c1", "c2", "c3");
    private int batches = 5;
    private double batchSeconds = 5;
    private double warmupC1 = 10;
    private double warmupC2 = 10;
    private int connections = 10_000;
    private int openWarmups = 1;
    private int threadBudget = 12_000;
    private double openTimeoutSeconds = 300;
    private double closeTimeoutSeconds = 120;
    /** With --profile: records Tether's client during C1's and C2's measured batches. */
    private Profiler profiler;
    private Path profileDirectory = Path.of("src-it", "target", "profile-client");

    public static void main(String[] args) throws Exception {
        ClientBenchmark bench = new ClientBenchmark();
        Integer connections = null;
        boolean profile = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> bench.clients = List.of(args[++i].split(","));
                case "--scenarios" -> bench.scenarios = List.of(args[++i].split(","));
                case "--batches" -> bench.batches = Math.max(1, Integer.parseInt(args[++i]));
                case "--batch-seconds" -> bench.batchSeconds = Double.parseDouble(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--thread-budget" -> bench.threadBudget = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                case "--profile-dir" -> bench.profileDirectory = Path.of(args[++i]);
                case "--quick" -> {
                    bench.batches = 2;
                    bench.batchSeconds = 2;
                    bench.warmupC1 = 3;
                    bench.warmupC2 = 3;
                    bench.connections = 2000;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (connections != null) {
            bench.connections = connections; // wins over --quick's, wherever it stands
        }
        for (String client : bench.clients) {
            if (!ALL_CLIENTS.contains(client)) {
                throw new IllegalArgumentException("unknown client " + client + "; known: " + ALL_CLIENTS);
            }
        }
        if (profile) {
            bench.profiler = new Profiler(bench.profileDirectory);
        }
        bench.run();
    }

    private void run() throws Exception {
        out.printf(Locale.ROOT, "Machine: %d cores, %s %s, JDK %s, node %s; client JVM flags %s; pinned: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), nodeVersion(), String.join(" ", JVM_FLAGS)
                        + (profiler == null ? "" : " " + String.join(" ", Profiler.JVM_FLAGS) + " (--profile)"),
                ChildProcess.PINNING ? "server (node ws echo) core 0, each client core 1" : "no (taskset missing)");
        out.println("Ratios: vs the best other Java client by the same figure, and vs node's ws client; throughput above 1"
                + " is better, time, CPU and memory below 1.");
        try (Server server = new Server()) {
            if (scenarios.contains("c1") || scenarios.contains("c2")) {
                Map<String, Client> running = new LinkedHashMap<>();
                try {
                    for (String kind : clients) {
                        running.put(kind, new Client(kind));
                    }
                    if (scenarios.contains("c1")) {
                        echoScenario(server, running, "c1", "C1: 64-byte binary echo, 100 connections x 16 in flight", 100, 16,
                                64, warmupC1);
                    }
                    if (scenarios.contains("c2")) {
                        echoScenario(server, running, "c2", "C2: 1 MiB binary echo, 4 connections x 1 in flight", 4, 1,
                                1 << 20, warmupC2);
                    }
                } finally {
                    for (Client c : running.values()) {
                        c.close();
                    }
                }
            }
            if (scenarios.contains("c3")) {
                idleScenario(server);
            }
        }
    }

    // ---- C1 and C2

    /**
     * One client's batch; {@code window} and {@code cost} (for a profile) are null for node's client,
     * which does not report them.
     */
    private record Batch(double messagesPerSecond, double megabytesPerSecond, long p50us, long p99us, double slowestToMedian,
                         double cpu, double serverCpu, ProfileSummary.Window window, ProfileSummary.Cost cost) {
        /** Client CPU microseconds per message. */
        double cpuPerMessage() {
            return cpu * 1e6 / messagesPerSecond;
        }
    }

    private void echoScenario(Server server, Map<String, Client> running, String id, String title, int conns, int inflight,
                              int payload, double warmup) {
        out.println();
        out.println(title + " (warm-up " + warmup + " s each; " + batches + " batches of " + batchSeconds + " s, medians)");
        Map<String, String> failed = new LinkedHashMap<>();
        for (Client c : running.values()) {
            try {
                c.echo(server, conns, inflight, payload, warmup, 1);
            } catch (Exception e) {
                failed.put(c.kind, "warm-up: " + e.getMessage());
            }
        }
        Client profiled = profiler == null || failed.containsKey(TETHER) ? null : running.get(TETHER);
        if (profiled != null) {
            try {
                profiler.start(profiled);
            } catch (Exception e) {
                out.println("profile: could not start recording " + TETHER + " (" + e.getMessage() + "); going on without");
                profiled = null;
            }
        }
        Map<String, List<Batch>> results = new LinkedHashMap<>();
        List<Client> order = new ArrayList<>(running.values());
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < order.size(); i++) {
                Client c = order.get((b + i) % order.size());
                if (failed.containsKey(c.kind)) {
                    continue;
                }
                try {
                    results.computeIfAbsent(c.kind, k -> new ArrayList<>()).add(c.echo(server, conns, inflight, payload, 1, batchSeconds));
                } catch (Exception e) {
                    failed.put(c.kind, "batch " + (b + 1) + ": " + e.getMessage());
                }
            }
        }
        failed.keySet().forEach(results::remove);
        boolean big = payload >= 1 << 20;
        out.printf(Locale.ROOT, "%-15s %10s %8s %8s %8s %8s %10s %8s %11s %19s %11s %19s%n", "client", big ? "MB/s" : "msgs/s",
                "p50 ms", "p99 ms", "slowest", "client", "client CPU", "server", big ? "MB/s" : "msgs/s", big ? "MB/s" : "msgs/s",
                "CPU/msg", "CPU/msg");
        out.printf(Locale.ROOT, "%-15s %10s %8s %8s %8s %8s %10s %8s %11s %19s %11s %19s%n", "", "", "", "", "/median", "CPU",
                "us/msg", "CPU", "vs node-ws", "vs best other Java", "vs node-ws", "vs best other Java");
        ToDoubleFunction<Batch> throughput = big ? Batch::megabytesPerSecond : Batch::messagesPerSecond;
        for (String kind : clients) {
            List<Batch> r = results.get(kind);
            if (r == null) {
                if (failed.containsKey(kind)) {
                    out.printf(Locale.ROOT, "%-15s FAILED (%s)%n", kind, failed.get(kind));
                }
                continue;
            }
            out.printf(Locale.ROOT, "%-15s %10s %8.2f %8.2f %8.2f %8.2f %10.1f %8.2f %11s %19s %11s %19s%n", kind,
                    big ? String.format(Locale.ROOT, "%.1f", median(r, throughput)) : String.format(Locale.ROOT, "%.0f", median(r, throughput)),
                    median(r, x -> x.p50us() / 1000.0), median(r, x -> x.p99us() / 1000.0), median(r, Batch::slowestToMedian),
                    median(r, Batch::cpu),
                    median(r, Batch::cpuPerMessage), median(r, Batch::serverCpu),
                    kind.equals(NODE) ? "" : perBatchRatio(results, kind, NODE),
                    bestOther(results, kind, throughput, true).map(o -> perBatchRatio(results, kind, o) + " " + o).orElse(""),
                    kind.equals(NODE) || !results.containsKey(NODE) ? ""
                            : ratio(median(r, Batch::cpuPerMessage), median(results.get(NODE), Batch::cpuPerMessage)),
                    bestOther(results, kind, Batch::cpuPerMessage, false)
                            .map(o -> ratio(median(r, Batch::cpuPerMessage), median(results.get(o), Batch::cpuPerMessage)) + " " + o)
                            .orElse(""));
        }
        double serverBound = results.values().stream().mapToDouble(r -> median(r, Batch::serverCpu)).max().orElse(0);
        if (serverBound > 0.9) {
            out.printf(Locale.ROOT, "(the server's core was %.0f%% busy at most: near there the server bounds the throughput;"
                    + " compare CPU per message)%n", serverBound * 100);
        }
        if (profiled != null) {
            profile(profiled, id, title, results.get(TETHER), payload);
        }
    }

    /**
     * Stops the recording of Tether's client and prints where its CPU went over all its measured batches
     * together: the samples inside the batches' windows by stage, each stage's share of the user CPU in
     * Java code per message (per MiB for messages of 1 MiB or more), then the JVM's own threads and the
     * kernel. A failure is reported, and the run goes on.
     */
    private void profile(Client client, String id, String title, List<Batch> batches, int payload) {
        boolean big = payload >= 1 << 20;
        out.println("profile of " + TETHER + " (JFR execution samples every 1 ms over its measured batches; us/"
                + (big ? "MiB" : "msg") + ": the stage's share of the samples times the client's user CPU in Java code per "
                + (big ? "MiB echoed" : "message echoed") + ", summed over the batches; the JVM's own threads and the kernel"
                + " from /proc). JFR cannot see inside the JVM's copy stubs (arraycopy, bulk ByteBuffer copies): their time"
                + " goes to a nearby method inlined into the caller's compiled code:");
        try {
            Path recording = profiler.stop(client, id);
            if (batches == null || batches.isEmpty() || batches.get(0).cost() == null) {
                out.println("  no measured batch of " + TETHER + " to match the recording against (" + recording + ")");
                return;
            }
            ProfileSummary.Cost cost = batches.stream().map(Batch::cost).reduce(ProfileSummary.Cost::plus).orElseThrow();
            if (big) {
                cost = new ProfileSummary.Cost(Math.round(cost.messages() * (payload / (double) (1 << 20))), cost.userNanos(),
                        cost.jvmUserNanos(), cost.systemNanos());
            }
            ProfileSummary.read(recording, batches.stream().map(Batch::window).toList())
                    .print(out, title.substring(0, title.indexOf(':')) + " " + TETHER + " (" + recording + ")", cost,
                            ProfileSummary.Side.CLIENT, big ? ProfileSummary.Unit.MIB : ProfileSummary.Unit.MESSAGE);
        } catch (Exception e) {
            out.println("  FAILED (" + e.getMessage() + ")");
        }
    }

    /** The median over batches of this client's throughput divided by the other's in the same batch. */
    private static String perBatchRatio(Map<String, List<Batch>> results, String kind, String other) {
        List<Batch> a = results.get(kind);
        List<Batch> b = results.get(other);
        if (a == null || b == null) {
            return "";
        }
        double[] ratios = new double[Math.min(a.size(), b.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = a.get(i).messagesPerSecond() / b.get(i).messagesPerSecond();
        }
        return String.format(Locale.ROOT, "%.2fx", medianOf(ratios));
    }

    /** The Java client other than {@code kind} with the best median by {@code metric}. */
    private static java.util.Optional<String> bestOther(Map<String, List<Batch>> results, String kind,
                                                        ToDoubleFunction<Batch> metric, boolean higherIsBetter) {
        return results.keySet().stream()
                .filter(k -> !k.equals(kind) && JAVA_CLIENTS.contains(k))
                .max((x, y) -> {
                    int c = Double.compare(median(results.get(x), metric), median(results.get(y), metric));
                    return higherIsBetter ? c : -c;
                });
    }

    private static String ratio(double a, double b) {
        return b > 0 ? String.format(Locale.ROOT, "%.2fx", a / b) : "";
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> metric) {
        return medianOf(values.stream().mapToDouble(metric).toArray());
    }

    private static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    // ---- C3

    /** One client's C3: opened of wanted, open times, per-connection memory and threads; why it stopped, if it did. */
    private record Idle(int opened, double coldSeconds, double warmSeconds, double cpuPerOpenUs, double rssKiB,
                        double heapKiB, double threads, double closeSeconds, String problem) {
    }

    private void idleScenario(Server server) {
        out.println();
        out.println("C3: " + connections + " idle connections, opened " + OPEN_WINDOW + " handshakes at a time (fresh client"
                + " process each: a cold open, memory after it, closing all; then " + openWarmups + " warm-up round and the"
                + " median of " + batches + " rounds of opening and closing all again)");
        Map<String, Idle> rows = new LinkedHashMap<>();
        for (String kind : clients) {
            rows.put(kind, idleRun(server, kind));
        }
        out.printf(Locale.ROOT, "%-15s %11s %9s %9s %10s %9s %9s %9s %8s %11s %19s %11s %19s%n", "client", "opened", "cold s",
                "warm s", "CPU us", "RSS KiB", "heap KiB", "threads", "close s", "warm open", "warm open", "RSS", "RSS");
        out.printf(Locale.ROOT, "%-15s %11s %9s %9s %10s %9s %9s %9s %8s %11s %19s %11s %19s%n", "", "", "", "", "per open",
                "per conn", "per conn", "per conn", "(cold)", "vs node-ws", "vs best other Java", "vs node-ws",
                "vs best other Java");
        Map<String, Idle> complete = new LinkedHashMap<>();
        rows.forEach((kind, row) -> {
            if (row.problem() == null) {
                complete.put(kind, row);
            }
        });
        Idle node = complete.get(NODE);
        rows.forEach((kind, row) -> {
            if (row.opened() == 0) {
                out.printf(Locale.ROOT, "%-15s FAILED (%s)%n", kind, row.problem());
                return;
            }
            boolean whole = row.problem() == null;
            out.printf(Locale.ROOT, "%-15s %11s %9.2f %9s %10.0f %9.1f %9.1f %9.2f %8.2f %11s %19s %11s %19s%n", kind,
                    row.opened() + (whole ? "" : "/" + connections + "*"), row.coldSeconds(),
                    whole ? String.format(Locale.ROOT, "%.2f", row.warmSeconds()) : "-", row.cpuPerOpenUs(), row.rssKiB(),
                    row.heapKiB(), row.threads(), row.closeSeconds(),
                    whole && node != null && !kind.equals(NODE) ? ratio(row.warmSeconds(), node.warmSeconds()) : "",
                    whole ? bestOtherIdle(complete, kind, Idle::warmSeconds).map(o -> ratio(row.warmSeconds(), complete.get(o).warmSeconds()) + " " + o).orElse("") : "",
                    node != null && !kind.equals(NODE) ? ratio(row.rssKiB(), node.rssKiB()) : "",
                    bestOtherIdle(complete, kind, Idle::rssKiB).map(o -> ratio(row.rssKiB(), complete.get(o).rssKiB()) + " " + o).orElse(""));
        });
        rows.forEach((kind, row) -> {
            if (row.problem() != null && row.opened() > 0) {
                out.printf(Locale.ROOT, "* %s: %s (its figures are per connection of the %d it opened)%n", kind, row.problem(), row.opened());
            }
        });
    }

    /** The complete Java client other than {@code kind} with the lowest {@code metric}. */
    private static java.util.Optional<String> bestOtherIdle(Map<String, Idle> rows, String kind, ToDoubleFunction<Idle> metric) {
        return rows.keySet().stream()
                .filter(k -> !k.equals(kind) && JAVA_CLIENTS.contains(k))
                .min((x, y) -> Double.compare(metric.applyAsDouble(rows.get(x)), metric.applyAsDouble(rows.get(y))));
    }

    private Idle idleRun(Server server, String kind) {
        try (Client c = new Client(kind)) {
            long heap0 = c.heapAfterGc();
            long[] proc0 = c.rssAndThreads();
            Map<String, String> cold = c.open(server, connections);
            int opened = Integer.parseInt(cold.get("opened"));
            long heap1 = c.heapAfterGc();
            long[] proc1 = c.rssAndThreads();
            Map<String, String> closed = c.closeAll();
            String problem = cold.get("error");
            if (problem == null) {
                problem = closed.get("error");
            }
            server.awaitNoConnections();
            double perConn = Math.max(1, opened);
            double coldSeconds = Long.parseLong(cold.get("millis")) / 1000.0;
            double cpuPerOpen = Long.parseLong(cold.get("cpuMillis")) * 1000.0 / perConn;
            double warm = Double.NaN;
            if (problem == null) {
                List<Double> times = new ArrayList<>();
                List<Double> cpus = new ArrayList<>();
                for (int i = 0; i < openWarmups + batches && problem == null; i++) {
                    Map<String, String> round = c.open(server, connections);
                    Map<String, String> roundClosed = c.closeAll();
                    server.awaitNoConnections();
                    problem = round.get("error") != null ? "warm round: " + round.get("error") : roundClosed.get("error");
                    if (i >= openWarmups) {
                        times.add(Long.parseLong(round.get("millis")) / 1000.0);
                        cpus.add(Long.parseLong(round.get("cpuMillis")) * 1000.0 / connections);
                    }
                }
                if (problem == null) {
                    warm = medianOf(times.stream().mapToDouble(Double::doubleValue).toArray());
                    cpuPerOpen = medianOf(cpus.stream().mapToDouble(Double::doubleValue).toArray());
                }
            }
            return new Idle(opened, coldSeconds, warm, cpuPerOpen, (proc1[0] - proc0[0]) / 1024.0 / perConn,
                    (heap1 - heap0) / 1024.0 / perConn, (proc1[1] - proc0[1]) / perConn,
                    Long.parseLong(closed.get("millis")) / 1000.0, problem);
        } catch (Exception e) {
            try {
                server.awaitNoConnections();
            } catch (Exception again) {
                e.addSuppressed(again);
            }
            return new Idle(0, 0, 0, 0, 0, 0, 0, 0, e.getMessage());
        }
    }

    // ---- processes

    /** The same flags for every client JVM (with --profile, {@link Profiler#JVM_FLAGS} too). */
    private List<String> clientFlags() {
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        if (profiler != null) {
            flags.addAll(Profiler.JVM_FLAGS);
        }
        if (!EXTRA_CLIENT_FLAGS.isBlank()) {
            flags.addAll(List.of(EXTRA_CLIENT_FLAGS.trim().split("\\s+")));
        }
        return flags;
    }

    private List<String> node(String script) {
        if (!Files.isDirectory(nodeDir.resolve("node_modules").resolve("ws"))) {
            throw new IllegalStateException("node's ws is not installed: run `npm ci --prefix src-it/node` from the"
                    + " repository root");
        }
        return List.of("node", "--expose-gc", nodeDir.resolve("bench").resolve(script).toString());
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

    private static Map<String, String> fields(String reply) {
        Map<String, String> f = new LinkedHashMap<>();
        int error = reply.indexOf(" error=");
        if (error >= 0) {
            f.put("error", reply.substring(error + " error=".length()));
            reply = reply.substring(0, error);
        }
        for (String pair : reply.trim().split(" ")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2) {
                f.put(kv[0], kv[1]);
            }
        }
        return f;
    }

    /** node's ws echo, on core 0. */
    private final class Server extends ChildProcess {
        final int port;

        Server() throws Exception {
            super("bench-client-", "server", pinned(0, node("ws-echo.js")));
            this.port = Integer.parseInt(await("READY", 60));
        }

        /** Waits (60 s at most) until the server holds no connection, so the next client starts from nothing. */
        void awaitNoConnections() throws Exception {
            send("idle", "IDLE", 60); // answered when the last connection has closed
        }
    }

    /** One client library's process, on core 1. */
    private final class Client extends ChildProcess {
        final String kind;

        Client(String kind) throws Exception {
            super("bench-client-", kind, pinned(1, kind.equals(NODE) ? node("ws-client.js")
                    : java(clientFlags(), "dev.tether.bench.client.ClientProcess", kind)));
            this.kind = kind;
            await("READY", 60);
        }

        Batch echo(Server s, int conns, int inflight, int payload, double warmup, double seconds) throws Exception {
            Map<String, String> f = fields(send(String.format(Locale.ROOT, "echo %d %d %d %d %.1f %.1f %d", s.port, conns, inflight,
                    payload, warmup, seconds, s.pid()), "RESULT", warmup + seconds + 150));
            if (f.containsKey("error")) {
                throw new IllegalStateException(f.get("errors") + " errors, the first: " + f.get("error"));
            }
            double secs = Double.parseDouble(f.get("seconds"));
            double messages = Long.parseLong(f.get("messages")) / secs;
            boolean counted = f.containsKey("userNs"); // a Java client's; node's leaves them out
            return new Batch(messages, messages * payload / 1e6, Long.parseLong(f.get("p50us")), Long.parseLong(f.get("p99us")),
                    Double.parseDouble(f.get("slowest")) / Math.max(1e-9, Double.parseDouble(f.get("median"))),
                    Double.parseDouble(f.get("cpu")), Double.parseDouble(f.get("serverCpu")),
                    counted ? new ProfileSummary.Window(Long.parseLong(f.get("fromEpochUs")), Long.parseLong(f.get("toEpochUs")))
                            : null,
                    counted ? new ProfileSummary.Cost(Long.parseLong(f.get("messages")), Long.parseLong(f.get("userNs")),
                            Long.parseLong(f.get("jvmUserNs")), Long.parseLong(f.get("systemNs"))) : null);
        }

        Map<String, String> open(Server s, int conns) throws Exception {
            return fields(send(String.format(Locale.ROOT, "open %d %d %d %.0f %d", s.port, conns, OPEN_WINDOW, openTimeoutSeconds,
                    threadBudget), "OPENED", openTimeoutSeconds + 60));
        }

        Map<String, String> closeAll() throws Exception {
            return fields(send(String.format(Locale.ROOT, "closeall %.0f", closeTimeoutSeconds), "CLOSED", closeTimeoutSeconds + 60));
        }

        long heapAfterGc() throws Exception {
            return Long.parseLong(fields(send("mem", "MEM", 60)).get("heap"));
        }

        /** VmRSS in bytes and the thread count, from /proc. */
        long[] rssAndThreads() throws IOException {
            long[] status = procStatus("VmRSS:", "Threads:");
            return new long[] {status[0] * 1024, status[1]};
        }
    }
}
