package dev.tether.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The load benchmark: Tether on embedded Jetty 12.1 and Tomcat 11 beside Jetty's and Tomcat's own
 * WebSocket stacks and node's {@code ws}, and beside floors that show what is out of any library's reach:
 * {@code jvm-floor} (S1, S2, S3), the smallest WebSocket echo a JVM can run, on plain NIO without a
 * container or a library ({@link dev.tether.bench.server.JvmFloorEcho}), and S3's {@code jetty-floor} and
 * {@code tomcat-floor}, each container's handshake and upgraded connection with nothing of a WebSocket
 * library kept ({@link dev.tether.bench.server.UpgradeFloor}). Each server in its own JVM (or node) with identical flags,
 * pinned to core 0; one load generator JVM pinned to core 1. JVMs are warmed up first, then batches
 * run in turn on every server, and each figure is the median over batches (ratios: median of the
 * per-batch ratios; S3, whose servers run one at a time, the ratio of the medians). Run on demand,
 * never in the test pass:
 *
 * <pre>mvn -B -pl src-it -am -Pload test-compile exec:exec [-Dbench.args="--quick"]</pre>
 *
 * Options: {@code --servers a,b,…} (S1's and S2's; by default Tether on both containers, both containers' own
 * stacks and {@code node-ws}, and in S2 also {@code jvm-floor}: it is the yardstick of S2's target, and costs
 * S2 one more server's turn; given, the same servers run both) {@code --sse-servers a,b,…} {@code --idle-servers a,b,…} (S3's; by default
 * the servers plus {@code jetty-floor} after {@code jetty-own} and {@code tomcat-floor} after {@code tomcat-own})
 * {@code --scenarios s1,s2,s3,s4,s5} {@code --batches N}
 * {@code --batch-seconds S} {@code --quick} (2 batches of 2 s, short warm-up: for trying it out); S5's
 * {@code --churn-servers a,b,…} {@code --steady N} {@code --churners N} {@code --tick-ms T} {@code --churn-window N} (churners connecting at once);
 * {@code --profile} (S1 and S2: JFR on the Tether servers over the measured batches, and per server a table of
 * where the CPU per message goes, by stage: see {@link ProfileSummary}; the recordings stay in
 * {@code --profile-dir D}, by default {@code src-it/target/profile}). Profiling costs the profiled servers
 * CPU: the throughput figures of a profiled run are not for publishing.
 * {@code --idle-connections N} {@code --histograms DIR} (S3 writes each server's class
 * histogram of live objects, {@code jcmd GC.class_histogram}, before and after its cold open, to
 * {@code DIR/<server>-before.txt} and {@code -after.txt}: what an idle connection holds, class by class; JVM servers only)
 * {@code --heap-dumps} (with {@code --histograms}: also a heap dump after the cold open, {@code DIR/<server>.hprof},
 * to find who holds what).
 */
public final class LoadBenchmark {
    private static final List<String> ALL_SERVERS = List.of("tether-jetty", "jetty-own", "tether-tomcat", "tomcat-own", "node-ws");
    /** No container, no library: the smallest WebSocket echo on plain NIO (see {@link dev.tether.bench.server.JvmFloorEcho}). */
    private static final String JVM_FLOOR = "jvm-floor";
    /**
     * Handshakes the generator keeps in progress while opening S3's connections: enough to keep the
     * server's core busy, and below every server's accept backlog (Jetty's default is the JDK's 50,
     * Tomcat's 100, node's 511). A full backlog drops connection attempts, and each one dropped costs
     * the client a 1 s SYN retransmission: with 64, 1,800 of them made the open times erratic.
     */
    private static final int OPEN_WINDOW = 32;

    private final PrintStream out = System.out;
    private List<String> servers = ALL_SERVERS;
    /** Whether --servers gave {@link #servers}: then S1 and S2 run exactly those. */
    private boolean serversGiven;
    private List<String> scenarios = List.of("s1", "s2", "s3", "s4", "s5");
    /** S3's servers; null for {@link #servers} with each container's upgrade floor beside its own stack. */
    private List<String> idleServers;
    private List<String> sseServers = List.of("tether-jetty", "jetty-own", "jetty-async", "tether-tomcat");
    private int subscribers = 1000;
    /** S5's servers: Tether's broadcaster on each container. */
    private List<String> churnServers = List.of("tether-jetty", "tether-tomcat");
    private int steady = 500;
    private int churners = 500;
    private int tickMillis = 100;
    /** S5's churners connecting at once: by default below every server's accept backlog (see {@link #OPEN_WINDOW}). */
    private int churnWindow = OPEN_WINDOW;
    private int batches = 5;
    private double batchSeconds = 5;
    private double warmupS1 = 20;
    private double warmupS2 = 10;
    private int idleConnections = 10_000;
    private int openWarmups = 2;
    /** With --profile: records the Tether servers during S1's and S2's measured batches. */
    private Profiler profiler;
    private java.nio.file.Path profileDirectory = java.nio.file.Path.of("src-it", "target", "profile");
    /** Where S3 writes class histograms of its servers; null for none. */
    private Path histograms;
    /** With {@link #histograms}: S3 also dumps each server's heap after its cold open. */
    private boolean heapDumps;

    public static void main(String[] args) throws Exception {
        LoadBenchmark bench = new LoadBenchmark();
        boolean profile = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--servers" -> {
                    bench.servers = List.of(args[++i].split(","));
                    bench.serversGiven = true;
                }
                case "--sse-servers" -> bench.sseServers = List.of(args[++i].split(","));
                case "--idle-servers" -> bench.idleServers = List.of(args[++i].split(","));
                case "--scenarios" -> bench.scenarios = List.of(args[++i].split(","));
                case "--batches" -> bench.batches = Math.max(1, Integer.parseInt(args[++i]));
                case "--batch-seconds" -> bench.batchSeconds = Double.parseDouble(args[++i]);
                case "--idle-connections" -> bench.idleConnections = Integer.parseInt(args[++i]);
                case "--subscribers" -> bench.subscribers = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                case "--profile-dir" -> bench.profileDirectory = java.nio.file.Path.of(args[++i]);
                case "--churn-servers" -> bench.churnServers = List.of(args[++i].split(","));
                case "--steady" -> bench.steady = Integer.parseInt(args[++i]);
                case "--churners" -> bench.churners = Integer.parseInt(args[++i]);
                case "--tick-ms" -> bench.tickMillis = Integer.parseInt(args[++i]);
                case "--churn-window" -> bench.churnWindow = Integer.parseInt(args[++i]);
                case "--histograms" -> bench.histograms = Path.of(args[++i]);
                case "--heap-dumps" -> bench.heapDumps = true;
                case "--quick" -> {
                    bench.batches = 2;
                    bench.batchSeconds = 2;
                    bench.warmupS1 = 3;
                    bench.warmupS2 = 3;
                    bench.idleConnections = 2000;
                    bench.openWarmups = 1;
                    bench.subscribers = 200;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (profile) {
            bench.profiler = new Profiler(bench.profileDirectory);
        }
        bench.run();
    }

    private void run() throws Exception {
        out.printf(Locale.ROOT, "Machine: %d cores, %s %s, JDK %s; server flags %s; pinned: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), String.join(" ", ServerProcess.JVM_FLAGS)
                        + (profiler == null ? "" : " " + String.join(" ", Profiler.JVM_FLAGS) + " (--profile)"), ChildProcess.PINNING ? "servers core 0, generator core 1" : "no (taskset missing)");
        try (Generator generator = new Generator()) {
            if (scenarios.contains("s1") || scenarios.contains("s2")) {
                List<ServerProcess> running = new ArrayList<>();
                try {
                    Set<String> kinds = new LinkedHashSet<>();
                    for (String id : List.of("s1", "s2")) {
                        if (scenarios.contains(id)) {
                            kinds.addAll(echoServers(id));
                        }
                    }
                    for (String kind : kinds) {
                        running.add(server(kind, false));
                    }
                    if (scenarios.contains("s1")) {
                        echoScenario(generator, echoServers(running, "s1"), "s1",
                                "S1: 64-byte text echo, 100 connections x 16 in flight", 100, 16, 64, true, warmupS1);
                    }
                    if (scenarios.contains("s2")) {
                        echoScenario(generator, echoServers(running, "s2"), "s2",
                                "S2: 1 MiB binary echo, 4 connections x 2 in flight", 4, 2, 1 << 20, false, warmupS2);
                    }
                } finally {
                    for (ServerProcess s : running) {
                        s.close();
                    }
                }
            }
            if (scenarios.contains("s3")) {
                idleScenario(generator);
            }
            if (scenarios.contains("s4")) {
                sseScenario(generator);
            }
            if (scenarios.contains("s5")) {
                churnScenario(generator);
            }
        }
    }

    // ---- S1 and S2

    /** The servers of S1 or S2: those of --servers, or by default {@link #ALL_SERVERS} and in S2 {@link #JVM_FLOOR} too. */
    private List<String> echoServers(String scenario) {
        if (serversGiven || !scenario.equals("s2")) {
            return servers;
        }
        List<String> kinds = new ArrayList<>(servers);
        kinds.add(JVM_FLOOR);
        return kinds;
    }

    /** Of the servers running, those of {@code scenario}. */
    private List<ServerProcess> echoServers(List<ServerProcess> running, String scenario) {
        List<String> kinds = echoServers(scenario);
        return running.stream().filter(s -> kinds.contains(s.name)).toList();
    }

    private record Batch(double messagesPerSecond, double megabytesPerSecond, long p50us, long p99us,
                         double slowestToMedian, double genCpu, double serverCpu, PerMessage server,
                         ProfileSummary.Window window, ProfileSummary.Cost cost) {
    }

    /** What one echoed message cost the server: CPU (µs, user and kernel), system calls and context switches. */
    private record PerMessage(double userMicros, double systemMicros, double reads, double writes, double waits,
                              double preemptions) {
    }

    private void echoScenario(Generator generator, List<ServerProcess> running, String id, String title, int connections,
                              int inflight, int payload, boolean text, double warmup) throws Exception {
        out.println();
        out.println(title + " (warm-up " + warmup + " s each; " + batches + " batches of " + batchSeconds + " s, medians)");
        for (ServerProcess s : running) {
            generator.echo(s, connections, inflight, payload, text, warmup, 1);
        }
        List<ServerProcess> profiled = profiler == null ? List.of()
                : running.stream().filter(s -> s.name.startsWith("tether-")).toList();
        for (ServerProcess s : profiled) {
            profiler.start(s);
        }
        Map<String, List<Batch>> results = new LinkedHashMap<>();
        for (int b = 0; b < batches; b++) {
            for (ServerProcess s : running) {
                results.computeIfAbsent(s.name, k -> new ArrayList<>())
                        .add(generator.echo(s, connections, inflight, payload, text, 1, batchSeconds));
            }
        }
        // The floor's column only when it ran: without it, the table is as it always was.
        boolean floor = results.containsKey(JVM_FLOOR);
        out.printf(Locale.ROOT, "%-14s %12s %10s %8s %8s %14s %10s %10s %14s %14s%s%n", "server", "msgs/s", "MB/s",
                "p50 ms", "p99 ms", "slowest/median", "server CPU", "gen CPU", "vs jetty-own", "vs tomcat-own",
                floor ? String.format(Locale.ROOT, " %14s", "vs " + JVM_FLOOR) : "");
        for (Map.Entry<String, List<Batch>> e : results.entrySet()) {
            List<Batch> r = e.getValue();
            out.printf(Locale.ROOT, "%-14s %12.0f %10.1f %8.2f %8.2f %14.2f %10.2f %10.2f %14s %14s%s%n", e.getKey(),
                    median(r, Batch::messagesPerSecond), median(r, Batch::megabytesPerSecond),
                    median(r, b -> b.p50us() / 1000.0), median(r, b -> b.p99us() / 1000.0),
                    median(r, Batch::slowestToMedian), median(r, Batch::serverCpu), median(r, Batch::genCpu),
                    ratio(results, e.getKey(), "jetty-own"), ratio(results, e.getKey(), "tomcat-own"),
                    floor ? String.format(Locale.ROOT, " %14s", ratio(results, e.getKey(), JVM_FLOOR)) : "");
        }
        out.println("per message echoed, on the server (medians over batches): CPU in user and kernel mode, read and"
                + " write system calls, context switches (waits: a thread blocked; preemptions: one was descheduled)");
        out.printf(Locale.ROOT, "%-14s %10s %10s %10s %10s %10s %12s%n", "server", "user us", "kernel us", "reads",
                "writes", "waits", "preemptions");
        for (Map.Entry<String, List<Batch>> e : results.entrySet()) {
            List<Batch> r = e.getValue();
            out.printf(Locale.ROOT, "%-14s %10.2f %10.2f %10.3f %10.3f %10.3f %12.3f%n", e.getKey(),
                    median(r, b -> b.server().userMicros()), median(r, b -> b.server().systemMicros()),
                    median(r, b -> b.server().reads()), median(r, b -> b.server().writes()),
                    median(r, b -> b.server().waits()), median(r, b -> b.server().preemptions()));
        }
        if (!profiled.isEmpty()) {
            profile(id, title, profiled, results);
        }
    }

    /**
     * Stops the profiled servers' recordings and prints, per server, where its CPU per message went
     * over all measured batches together: the samples inside the batches' windows by stage, each
     * stage's share of the user CPU in Java code per message, then the JVM's own threads and the kernel.
     */
    private void profile(String id, String title, List<ServerProcess> profiled, Map<String, List<Batch>> results)
            throws Exception {
        out.println("profile (JFR execution samples every 1 ms over the measured batches; us/msg: the stage's share of"
                + " the samples times the user CPU per message in Java code, summed over the batches; the JVM's own"
                + " threads and the kernel from /proc). JFR cannot see inside the JVM's copy stubs (arraycopy, bulk"
                + " ByteBuffer copies): their time goes to a nearby method inlined into the caller's compiled code, so"
                + " with large payloads (S2) one stage may carry another's copying (a trial put binary copies in UTF-8):");
        for (ServerProcess s : profiled) {
            java.nio.file.Path recording = profiler.stop(s, id);
            List<Batch> batches = results.get(s.name);
            ProfileSummary.Cost cost = batches.stream().map(Batch::cost).reduce(ProfileSummary.Cost::plus).orElseThrow();
            ProfileSummary.read(recording, batches.stream().map(Batch::window).toList())
                    .print(out, title.substring(0, title.indexOf(':')) + " " + s.name + " (" + recording + ")", cost,
                            ProfileSummary.Side.SERVER, ProfileSummary.Unit.MESSAGE);
        }
    }

    /** The median over batches of this server's throughput divided by the other's in the same batch. */
    private static String ratio(Map<String, List<Batch>> results, String server, String anchor) {
        List<Batch> a = results.get(server);
        List<Batch> b = results.get(anchor);
        if (a == null || b == null || server.equals(anchor)) {
            return "";
        }
        return Figures.perBatchRatio(a, b, Batch::messagesPerSecond);
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> metric) {
        return Figures.median(values, metric);
    }

    // ---- S3

    /** One S3 open: wall time, and each process's CPU over it as a fraction of one core. */
    private record Opened(double seconds, double genCpu, double serverCpu) {
    }

    /**
     * S3. Each server is fresh: its first open is cold (and the memory figures are taken after it);
     * then it is warmed up with {@link #openWarmups} more rounds of opening and closing everything
     * (on one core the JIT is still compiling the handshake path after 10,000 handshakes), and the
     * warm figure is the median of {@link #batches} further rounds. The servers run one after another
     * (each holds 10,000 connections), so the ratio is of the medians. Memory is also given as a
     * ratio to the same container's own stack, and on each container beside its floor
     * ({@code jetty-floor}, {@code tomcat-floor}): the container's handshake and an upgraded connection
     * that no library keeps anything for, the least any library on that container can hold and the
     * fastest it can open, so that what Tether itself adds per connection is the difference, and the
     * floor's open time against node's is what the container alone costs.
     */
    private void idleScenario(Generator generator) throws Exception {
        out.println();
        out.println("S3: " + idleConnections + " idle connections, opened " + OPEN_WINDOW + " handshakes at a time (fresh"
                + " server each: memory and a cold open; then " + openWarmups + " warm-up rounds and the median of "
                + batches + " rounds of closing all and opening again; CPU of the median round)");
        out.printf(Locale.ROOT, "%-14s %12s %12s %14s %11s %11s %16s %16s %13s%n", "server", "open cold s", "open warm s",
                "warm vs jetty", "server CPU", "gen CPU", "RSS KiB/conn", "heap KiB/conn", "vs own stack");
        record Row(Opened cold, Opened warm, double rss, double heap) {
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String kind : idleServers()) {
            try (ServerProcess s = server(kind, true)) {
                long heapBefore = s.liveHeap();
                long rssBefore = s.rssBytes();
                histogram(s, kind + "-before.txt");
                Opened cold = generator.open(s, idleConnections);
                long heapAfter = s.liveHeap();
                long rssAfter = s.rssBytes();
                histogram(s, kind + "-after.txt");
                heapDump(s, kind + ".hprof");
                generator.closeAll();
                for (int i = 0; i < openWarmups; i++) {
                    generator.open(s, idleConnections);
                    generator.closeAll();
                }
                List<Opened> rounds = new ArrayList<>();
                for (int i = 0; i < batches; i++) {
                    rounds.add(generator.open(s, idleConnections));
                    generator.closeAll();
                }
                rounds.sort(Comparator.comparingDouble(Opened::seconds));
                rows.put(kind, new Row(cold, rounds.get(rounds.size() / 2),
                        (rssAfter - rssBefore) / 1024.0 / idleConnections, (heapAfter - heapBefore) / 1024.0 / idleConnections));
            }
        }
        Row jetty = rows.get("jetty-own");
        rows.forEach((kind, row) -> {
            String ownKind = kind.contains("tomcat") ? "tomcat-own" : kind.contains("jetty") ? "jetty-own" : null;
            Row own = ownKind == null ? null : rows.get(ownKind);
            out.printf(Locale.ROOT, "%-14s %12.2f %12.2f %14s %11.2f %11.2f %16.1f %16.1f %13s%n", kind,
                    row.cold().seconds(), row.warm().seconds(), jetty == null || kind.equals("jetty-own") ? ""
                            : String.format(Locale.ROOT, "%.2fx", row.warm().seconds() / jetty.warm().seconds()),
                    row.warm().serverCpu(), row.warm().genCpu(), row.rss(), row.heap(), own == null || own == row ? ""
                            : String.format(Locale.ROOT, "%.3f/%.3fx", row.rss() / own.rss(), row.heap() / own.heap()));
        });
        Row node = rows.get(ServerProcess.NODE);
        for (String container : List.of("Jetty", "Tomcat")) {
            String tetherKind = "tether-" + container.toLowerCase(Locale.ROOT);
            String floorKind = container.toLowerCase(Locale.ROOT) + "-floor";
            Row tether = rows.get(tetherKind);
            Row floor = rows.get(floorKind);
            if (tether != null && floor != null) {
                out.printf(Locale.ROOT, "Tether's own share on %s (%s - %s): RSS %.1f KiB, heap %.1f KiB per connection%n",
                        container, tetherKind, floorKind, tether.rss() - floor.rss(), tether.heap() - floor.heap());
            }
            if (floor != null && (tether != null || node != null)) {
                List<String> ratios = new ArrayList<>();
                if (tether != null) {
                    ratios.add(String.format(Locale.ROOT, "%s / %s %.2fx", tetherKind, floorKind,
                            tether.warm().seconds() / floor.warm().seconds()));
                }
                if (node != null) {
                    ratios.add(String.format(Locale.ROOT, "%s / %s %.2fx", floorKind, ServerProcess.NODE,
                            floor.warm().seconds() / node.warm().seconds()));
                }
                out.println("Warm open time on " + container + ": " + String.join(", ", ratios));
            }
        }
    }

    /** With {@code --histograms}, the server's live objects by class ({@code jcmd GC.class_histogram}) in {@code file}. */
    private void histogram(ServerProcess s, String file) throws IOException, InterruptedException {
        if (histograms == null || s.name.equals(ServerProcess.NODE)) {
            return; // node's is not a JVM
        }
        Files.createDirectories(histograms);
        Path output = histograms.resolve(file);
        jcmd(s, output, "GC.class_histogram");
    }

    /** Runs {@code jcmd <server> command…} with its output in {@code output}. */
    private static void jcmd(ServerProcess s, Path output, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(s.pid())));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + command[0] + " failed for " + s.name + ": see " + output);
        }
    }

    /** With {@code --histograms} and {@code --heap-dumps}, the server's live objects ({@code jcmd GC.heap_dump}) in {@code file}. */
    private void heapDump(ServerProcess s, String file) throws IOException, InterruptedException {
        if (histograms == null || !heapDumps || s.name.equals(ServerProcess.NODE)) {
            return;
        }
        Path dump = histograms.toAbsolutePath().resolve(file);
        Files.deleteIfExists(dump);
        jcmd(s, histograms.resolve(file + ".log"), "GC.heap_dump", dump.toString());
    }

    private List<String> idleServers() {
        if (idleServers != null) {
            return idleServers;
        }
        List<String> kinds = new ArrayList<>(servers);
        for (String container : List.of("jetty", "tomcat")) {
            int own = kinds.indexOf(container + "-own");
            if (own >= 0 && !kinds.contains(container + "-floor")) {
                kinds.add(own + 1, container + "-floor");
            }
        }
        return kinds;
    }

    // ---- S4

    /**
     * SSE fan-out: each server (fresh) takes {@code subscribers} subscriptions, then publishes 100-byte
     * events as fast as it can for a batch while the generator counts what arrives. On Jetty, Tether's
     * broadcaster beside Jetty's own EventSourceServlet ({@code jetty-own}) and a plain blocking async
     * servlet ({@code jetty-async}).
     */
    private void sseScenario(Generator generator) throws Exception {
        out.println();
        out.println("S4: SSE fan-out, " + subscribers + " subscribers, 100-byte events (" + batches + " batches of "
                + batchSeconds + " s after a warm-up batch, medians)");
        out.printf(Locale.ROOT, "%-14s %14s %16s %10s %10s %16s%n", "server", "events/s", "slowest/median", "server CPU",
                "gen CPU", "vs jetty-own");
        record Row(double[] rates, double fairness, double serverCpu, double genCpu) {
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String kind : sseServers) {
            try (ServerProcess s = server(kind, false)) {
                double[] perBatch = new double[batches];
                double[] fairness = new double[batches];
                double[] serverCpu = new double[batches];
                double[] genCpu = new double[batches];
                for (int b = -1; b < batches; b++) { // batch -1 warms up
                    generator.send("sseopen " + s.port + " " + subscribers, "SSEOPENED", 300);
                    s.tell("publish " + batchSeconds);
                    String reply = generator.send(String.format(Locale.ROOT, "ssecount %.1f %d", batchSeconds + 0.5, s.pid()),
                            "RESULT", (long) batchSeconds + 120);
                    s.await("PUBLISHED", (long) batchSeconds + 120);
                    if (b < 0) {
                        continue;
                    }
                    Map<String, String> f = fields(reply);
                    perBatch[b] = Long.parseLong(f.get("events")) / Double.parseDouble(f.get("seconds"));
                    fairness[b] = Double.parseDouble(f.get("slowest")) / Math.max(1e-9, Double.parseDouble(f.get("median")));
                    serverCpu[b] = Double.parseDouble(f.get("serverCpu"));
                    genCpu[b] = Double.parseDouble(f.get("genCpu"));
                }
                rows.put(kind, new Row(perBatch, medianOf(fairness), medianOf(serverCpu), medianOf(genCpu)));
            }
        }
        Row anchor = rows.get("jetty-own");
        rows.forEach((kind, row) -> {
            String ratio = "";
            if (anchor != null && !kind.equals("jetty-own")) {
                double[] r = new double[batches];
                for (int i = 0; i < batches; i++) {
                    r[i] = row.rates()[i] / anchor.rates()[i];
                }
                ratio = String.format(Locale.ROOT, "%.2fx", medianOf(r));
            }
            out.printf(Locale.ROOT, "%-14s %14.0f %16.2f %10.2f %10.2f %16s%n", kind, medianOf(row.rates()),
                    row.fairness(), row.serverCpu(), row.genCpu(), ratio);
        });
    }

    // ---- S5

    /** How long S5's steady subscribers go on reading after the last tick: later than this counts as missed. */
    private static final double CHURN_GRACE_SECONDS = 2;

    /**
     * SSE under churn (issue 25): each server (fresh) takes {@link #steady} subscribers that stay (in
     * HTTP/1.1, as browsers ask: the stream is chunked), then publishes a tick every {@link #tickMillis}
     * ms for a batch, each carrying its publish time, while {@link #churners} more subscribers are reset
     * (an RST, as a client that vanishes) and subscribe again every second, {@link #churnWindow} connecting
     * at a time. Lateness is receipt − publish over every tick each steady subscriber got (server and
     * generator read the same clock); a tick not received within {@value #CHURN_GRACE_SECONDS} s of the
     * batch's end is missed. Medians over batches for p50 and p99, the worst batch for max.
     */
    private void churnScenario(Generator generator) throws Exception {
        out.println();
        out.println("S5: SSE under churn, " + steady + " steady subscribers, " + churners + " more reset (RST) and"
                + " subscribing again every second, a tick every " + tickMillis + " ms (" + batches + " batches of "
                + batchSeconds + " s after a warm-up batch; p50, p99 medians, max the worst)");
        out.printf(Locale.ROOT, "%-14s %10s %10s %10s %12s %12s %14s %14s %10s%n", "server", "p50 ms", "p99 ms", "max ms",
                "ticks missed", "resets/s", "churn fails", "slowest pub ms", "server CPU");
        List<String> spreads = new ArrayList<>();
        for (String kind : churnServers) {
            try (ServerProcess s = server(kind, false)) {
                int n = Math.max(1, batches);
                double[] p50 = new double[n];
                double[] p99 = new double[n];
                double[] resetsPerSecond = new double[n];
                double[] serverCpu = new double[n];
                double[] firstP50 = new double[n];
                double[] spanP50 = new double[n];
                double firstMax = 0;
                double spanMax = 0;
                double max = 0;
                double slowestPublish = 0;
                long missed = 0;
                long expected = 0;
                long failures = 0;
                for (int b = -1; b < batches; b++) { // batch -1 warms up
                    generator.send("sseopen " + s.port + " " + steady + " 1.1", "SSEOPENED", 300);
                    s.tell(String.format(Locale.ROOT, "tick %.1f %d %d", batchSeconds, tickMillis, steady));
                    String reply = generator.send(String.format(Locale.ROOT, "ssechurn %d %d %d %.1f %.1f %d", s.port, churners,
                            churnWindow, batchSeconds, CHURN_GRACE_SECONDS, s.pid()), "RESULT",
                            batchSeconds + CHURN_GRACE_SECONDS + 120);
                    Map<String, String> ticked = fields(s.await("TICKED", batchSeconds + 120));
                    if (b < 0) {
                        continue;
                    }
                    Map<String, String> f = fields(reply);
                    p50[b] = Long.parseLong(f.get("p50us")) / 1000.0;
                    p99[b] = Long.parseLong(f.get("p99us")) / 1000.0;
                    max = Math.max(max, Long.parseLong(f.get("maxus")) / 1000.0);
                    long due = Long.parseLong(ticked.get("ticks")) * steady;
                    expected += due;
                    missed += due - Long.parseLong(f.get("ticks"));
                    failures += Long.parseLong(f.get("failures"));
                    resetsPerSecond[b] = Long.parseLong(f.get("resets")) / batchSeconds;
                    serverCpu[b] = Double.parseDouble(f.get("serverCpu"));
                    slowestPublish = Math.max(slowestPublish, Long.parseLong(ticked.get("slowestPublishUs")) / 1000.0);
                    firstP50[b] = Long.parseLong(f.get("firstP50us")) / 1000.0;
                    firstMax = Math.max(firstMax, Long.parseLong(f.get("firstMaxus")) / 1000.0);
                    spanP50[b] = Long.parseLong(f.get("spanP50us")) / 1000.0;
                    spanMax = Math.max(spanMax, Long.parseLong(f.get("spanMaxus")) / 1000.0);
                }
                out.printf(Locale.ROOT, "%-14s %10.2f %10.2f %10.2f %12s %12.0f %14d %14.2f %10.2f%n", kind, medianOf(p50),
                        medianOf(p99), max, missed + "/" + expected, medianOf(resetsPerSecond), failures, slowestPublish,
                        medianOf(serverCpu));
                spreads.add(String.format(Locale.ROOT, "%-14s %16.2f %16.2f %16.2f %16.2f", kind, medianOf(firstP50),
                        firstMax, medianOf(spanP50), spanMax));
            }
        }
        out.println("where a tick's lateness comes from: how late it reached its first steady subscriber (the server"
                + " began writing it late), and how much later its last one (writing it to everyone took that long)");
        out.printf(Locale.ROOT, "%-14s %16s %16s %16s %16s%n", "server", "first p50 ms", "first max ms", "span p50 ms",
                "span max ms");
        spreads.forEach(out::println);
    }

    private static double medianOf(double[] values) {
        return Figures.medianOf(values);
    }

    private static Map<String, String> fields(String reply) {
        return Figures.fields(reply);
    }

    // ---- processes

    /**
     * A server with the same flags as every other (with --profile, every server also gets
     * {@link Profiler#JVM_FLAGS}); the idle scenario adds the switch that keeps the
     * JSR-356 echo on default message buffers. (The jetty-async kind serves only /sse: a plain blocking
     * async servlet.)
     */
    private ServerProcess server(String kind, boolean idle) throws Exception {
        List<String> flags = new ArrayList<>(ServerProcess.JVM_FLAGS);
        if (profiler != null) {
            flags.addAll(Profiler.JVM_FLAGS);
        }
        return new ServerProcess(kind, kind, flags, idle ? List.of("-Dbench.idle=true") : List.of(), List.of());
    }

    private static final class Generator extends ChildProcess {
        Generator() throws IOException {
            super("bench-", "generator", pinned(1, java(List.of("-Xms1g", "-Xmx2g", "-XX:+UseG1GC"), "dev.tether.bench.load.LoadGenerator")));
        }

        Batch echo(ServerProcess s, int connections, int inflight, int payload, boolean text, double warmup, double seconds) throws Exception {
            String reply = send(String.format(Locale.ROOT, "echo %d %d %d %d %s %.1f %.1f %d", s.port, connections, inflight,
                    payload, text ? "text" : "binary", warmup, seconds, s.pid()), "RESULT", (long) (warmup + seconds) + 120);
            Map<String, String> f = fields(reply);
            double secs = Double.parseDouble(f.get("seconds"));
            double messages = Long.parseLong(f.get("messages")) / secs;
            double count = Math.max(1, Long.parseLong(f.get("messages")));
            return new Batch(messages, messages * payload / 1e6, Long.parseLong(f.get("p50us")), Long.parseLong(f.get("p99us")),
                    Double.parseDouble(f.get("slowest")) / Math.max(1e-9, Double.parseDouble(f.get("median"))),
                    Double.parseDouble(f.get("genCpu")), Double.parseDouble(f.get("serverCpu")),
                    new PerMessage(Long.parseLong(f.get("serverUserNs")) / count / 1000, Long.parseLong(f.get("serverSystemNs")) / count / 1000,
                            Long.parseLong(f.get("serverReads")) / count, Long.parseLong(f.get("serverWrites")) / count,
                            Long.parseLong(f.get("serverWaits")) / count, Long.parseLong(f.get("serverPreemptions")) / count),
                    new ProfileSummary.Window(Long.parseLong(f.get("fromEpochUs")), Long.parseLong(f.get("toEpochUs"))),
                    new ProfileSummary.Cost(Long.parseLong(f.get("messages")), Long.parseLong(f.get("serverUserNs")),
                            Long.parseLong(f.get("serverJvmUserNs")), Long.parseLong(f.get("serverSystemNs"))));
        }

        Opened open(ServerProcess s, int connections) throws Exception {
            String reply = send(String.format(Locale.ROOT, "open %d %d %d %d", s.port, connections, OPEN_WINDOW, s.pid()),
                    "OPENED", 600);
            Map<String, String> f = fields(reply);
            return new Opened(Long.parseLong(f.get("millis")) / 1000.0, Double.parseDouble(f.get("genCpu")),
                    Double.parseDouble(f.get("serverCpu")));
        }

        void closeAll() throws Exception {
            send("closeall", "CLOSED", 120);
        }
    }
}
