package dev.tether.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The streaming benchmark: MB/s of one message far larger than any buffer (1 GiB by default)
 * echoed part by part, Tether on embedded Jetty 12.1 and Tomcat 11 ({@code MessagePipe.echo()} with
 * no message limit, as the example's {@code /echo}) beside Jetty's and Tomcat's own JSR-356 stacks
 * echoing partial messages ({@code @OnMessage} with {@code boolean last}, each part sent back with
 * {@code getBasicRemote().sendBinary(part, last)}), all in the same run. Run on demand, never in
 * the test pass:
 *
 * <pre>mvn -B -pl src-it -am -Pload test-compile exec:exec -Dbench.main=dev.tether.bench.StreamBenchmark [-Dbench.args="--quick"]</pre>
 *
 * <p>As {@link LoadBenchmark}: each server in its own JVM with the same flags ({@code -Xms1g -Xmx1g
 * -XX:+UseG1GC} unless {@code --heap} says otherwise, and {@code -XX:+AlwaysPreTouch}, so that
 * resident memory grows only by what is outside the heap, as in {@link DeflateBenchmark}'s D4), pinned to core 0; the client in another JVM
 * pinned to core 1 ({@link dev.tether.bench.load.StreamGenerator}): one connection sends the message
 * as binary frames of 64 KiB, made on the fly and masked, while a second thread reads the echo and
 * checks every byte, so the message is never held on either side. Each server streams a warm-up
 * message first (a quarter of the size), then batches run in turn on every server, one message each;
 * figures are medians over batches, ratios medians of the per-batch ratios.
 *
 * <p>Memory, per server: the most heap in use after any collection while it streamed (GC
 * notifications inside the server, so it keeps running), how many collections a GiB cost, the
 * highest resident memory over what it had before the message (sampled every 20 ms: memory outside
 * the pre-touched heap, such as direct buffers), and the live
 * heap after full collections once all batches are done. A server that fails (a wrong echo, a
 * close, running out of heap) is shown as failed with the line of its log that tells why, and left
 * out of the rest of the run.
 *
 * <p>Options: {@code --servers a,b,…} (tether-jetty, jetty-own, tether-tomcat, tomcat-own)
 * {@code --batches N} (5) {@code --mib N} (the message, 1024) {@code --heap SIZE} (every server's
 * {@code -Xms} and {@code -Xmx}, 1g) {@code --quick} (2 batches of 256 MiB, for trying it out).
 */
public final class StreamBenchmark {
    private static final List<String> ALL_SERVERS = List.of("tether-jetty", "jetty-own", "tether-tomcat", "tomcat-own");
    private static final int FRAGMENT = 64 * 1024;
    private static final long MIB = 1L << 20;

    private final PrintStream out = System.out;
    private final Map<String, String> failed = new LinkedHashMap<>();
    private List<String> servers = ALL_SERVERS;
    private int batches = 5;
    private long messageBytes = 1024 * MIB;
    private String heap = "1g";

    public static void main(String[] args) throws Exception {
        StreamBenchmark bench = new StreamBenchmark();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--servers" -> bench.servers = List.of(args[++i].split(","));
                case "--batches" -> bench.batches = Math.max(1, Integer.parseInt(args[++i]));
                case "--mib" -> bench.messageBytes = Long.parseLong(args[++i]) * MIB;
                case "--heap" -> bench.heap = args[++i];
                case "--quick" -> {
                    bench.batches = 2;
                    bench.messageBytes = 256 * MIB;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        bench.run();
    }

    private record Batch(double megabytesPerSecond, double serverCpu, double genCpu, long heapAfterGc, long collections,
                         long rssGrowth) {
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        List<String> flags = List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC", "-XX:+AlwaysPreTouch");
        out.printf(Locale.ROOT, "Machine: %d cores, %s %s, JDK %s; Jetty %s, Tomcat %s; server flags %s; pinned: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), org.eclipse.jetty.util.Jetty.VERSION,
                org.apache.catalina.util.ServerInfo.getServerNumber(), String.join(" ", flags),
                ChildProcess.PINNING ? "servers core 0, client core 1" : "no (taskset missing)");
        out.printf(Locale.ROOT, "One connection per server streams one %,d MiB binary message in %d KiB fragments through its"
                        + " echo, which passes it on part by part; every echoed byte is checked (warm-up %,d MiB each; %d batches,"
                        + " medians)%n", messageBytes / MIB, FRAGMENT / 1024, warmupBytes() / MIB, batches);
        Map<String, List<Batch>> results = new LinkedHashMap<>();
        Map<String, String> liveHeap = new LinkedHashMap<>();
        List<ServerProcess> running = new ArrayList<>();
        try (Generator generator = new Generator()) {
            for (String kind : servers) {
                running.add(new ServerProcess(kind, kind, flags, List.of(), List.of("--stream")));
            }
            long seed = 1;
            for (ServerProcess s : running) {
                streamUnlessFailed(generator, s, warmupBytes(), seed++);
            }
            for (int b = 0; b < batches; b++) {
                for (ServerProcess s : running) {
                    Batch batch = streamUnlessFailed(generator, s, messageBytes, seed++);
                    if (batch != null) {
                        results.computeIfAbsent(s.name, k -> new ArrayList<>()).add(batch);
                    }
                }
            }
            for (ServerProcess s : running) {
                if (!failed.containsKey(s.name)) {
                    liveHeap.put(s.name, mib(s.liveHeap()));
                }
            }
        } finally {
            for (ServerProcess s : running) {
                s.close();
            }
        }
        print(results, liveHeap);
        out.printf(Locale.ROOT, "%nRun took %.1f min.%n", (System.nanoTime() - start) / 60e9);
    }

    private long warmupBytes() {
        return Math.max(FRAGMENT, messageBytes / 4);
    }

    /** One message through {@code s}, or null when it failed now or before (see {@link DeflateBenchmark}). */
    private Batch streamUnlessFailed(Generator generator, ServerProcess s, long bytes, long seed) throws IOException {
        if (failed.containsKey(s.name)) {
            return null;
        }
        try {
            s.send("gcpeak", "GCPEAK", 60); // collections from here on
            Map<String, String> f = generator.stream(s, bytes, seed);
            Map<String, String> gc = Figures.fields(s.send("gcpeak", "GCPEAK", 60));
            double seconds = Double.parseDouble(f.get("seconds"));
            return new Batch(bytes / seconds / 1e6, Double.parseDouble(f.get("serverCpu")), Double.parseDouble(f.get("genCpu")),
                    Long.parseLong(gc.get("after")), Long.parseLong(gc.get("collections")),
                    Long.parseLong(f.get("rssPeak")) - Long.parseLong(f.get("rssBefore")));
        } catch (Exception e) {
            failed.put(s.name, e.getMessage() + "; its log: " + s.firstError());
            return null;
        }
    }

    private void print(Map<String, List<Batch>> results, Map<String, String> liveHeap) {
        out.println();
        out.printf(Locale.ROOT, "%-14s %9s %11s %8s %17s %15s %12s %16s %13s %14s%n", "server", "MB/s", "server CPU", "gen CPU",
                "heap after GC max", "GCs per GiB", "RSS growth", "live heap after", "vs jetty-own", "vs tomcat-own");
        for (String name : servers) {
            if (failed.containsKey(name)) {
                out.printf(Locale.ROOT, "%-14s FAILED: %s%n", name, failed.get(name));
                continue;
            }
            List<Batch> r = results.get(name);
            double gib = messageBytes / (double) (1L << 30);
            out.printf(Locale.ROOT, "%-14s %9.0f %11.2f %8.2f %17s %15.0f %12s %16s %13s %14s%n", name,
                    Figures.median(r, Batch::megabytesPerSecond), Figures.median(r, Batch::serverCpu),
                    Figures.median(r, Batch::genCpu), mib(r.stream().mapToLong(Batch::heapAfterGc).max().orElse(0)),
                    Figures.median(r, Batch::collections) / gib, mib(r.stream().mapToLong(Batch::rssGrowth).max().orElse(0)),
                    liveHeap.getOrDefault(name, ""), ratio(results, name, "jetty-own"), ratio(results, name, "tomcat-own"));
        }
        out.println("(MB/s: message bytes (10^6) echoed and checked per second; CPU: of one core over the message; heap after GC"
                + " max: the most heap in use after any collection while the messages streamed; GCs per GiB: collections (median);"
                + " RSS growth: the most resident memory over what the server had before the message; live heap after: after"
                + " full collections, once every batch was done)");
    }

    private String ratio(Map<String, List<Batch>> results, String server, String anchor) {
        List<Batch> a = results.get(server);
        List<Batch> b = results.get(anchor);
        return a == null || b == null || server.equals(anchor) || failed.containsKey(anchor) ? ""
                : Figures.perBatchRatio(a, b, Batch::megabytesPerSecond);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }

    private static final class Generator extends ChildProcess {
        Generator() throws IOException {
            super("bench-", "stream-client", pinned(1, java(List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC"),
                    "dev.tether.bench.load.StreamGenerator")));
        }

        /** Streams {@code bytes} through {@code s}'s echo; at least 20 MB/s, or it fails. */
        Map<String, String> stream(ServerProcess s, long bytes, long seed) throws Exception {
            double timeout = 30 + bytes / 20e6;
            return Figures.fields(send(String.format(Locale.ROOT, "stream %d %d %d %d %.0f %d", s.port, bytes, FRAGMENT, seed,
                    timeout, s.pid()), "RESULT", timeout + 30));
        }
    }
}
