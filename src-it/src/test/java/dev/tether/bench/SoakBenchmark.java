package dev.tether.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The soak: each server holds {@code --connections} WebSocket connections for {@code --minutes},
 * and every minute a tenth of them leave (half with a Close frame, half with a reset) and as many
 * new ones arrive; an echo batch (100 connections × 16 in flight, 64-byte text, both ways) measures
 * the round trip; {@code --subscribers} SSE subscribers join, take a few seconds of events and
 * leave. After each minute's traffic the server is sampled: live heap after a full collection, RSS,
 * threads, open file descriptors, and the echo's p99. The sample includes the minute's SSE streams
 * the subscribers have just closed (the server learns of it at its next write, the next minute's):
 * an offset, the same each minute. Prints a table per server, the trend of each
 * figure over the second half (per minute, least squares), and writes the samples as CSV and a PNG
 * plot ({@link SoakPlot}) under {@code --out}.
 *
 * <p>On demand: {@code mvn -B -pl src-it -am -Pload test-compile exec:exec -Dbench.main=dev.tether.bench.SoakBenchmark}
 * ({@code -Dbench.args="--minutes 3 --connections 2000"} for a short try).
 */
public final class SoakBenchmark {
    private static final int OPEN_WINDOW = 32;

    private final PrintStream out = System.out;
    private List<String> servers = List.of("tether-jetty", "tether-tomcat");
    private int minutes = 30;
    private int connections = 10_000;
    private double churn = 0.1;
    private int subscribers = 500;
    private double echoSeconds = 10;
    private double sseSeconds = 5;
    private Path outDir = Path.of("src-it/target/soak");

    /** One minute's sample. */
    record Sample(int minute, double heapMiB, double rssMiB, long threads, long fds, double p99ms, double echoPerSecond,
                  long sseEvents) {
    }

    public static void main(String[] args) throws Exception {
        SoakBenchmark soak = new SoakBenchmark();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--servers" -> soak.servers = List.of(args[++i].split(","));
                case "--minutes" -> soak.minutes = Math.max(2, Integer.parseInt(args[++i]));
                case "--connections" -> soak.connections = Integer.parseInt(args[++i]);
                case "--churn" -> soak.churn = Double.parseDouble(args[++i]);
                case "--subscribers" -> soak.subscribers = Integer.parseInt(args[++i]);
                case "--out" -> soak.outDir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        soak.run();
    }

    private void run() throws Exception {
        Files.createDirectories(outDir);
        out.printf(Locale.ROOT, "Soak: %d connections for %d minutes, %.0f%% replaced each minute; an echo batch of %.0f s"
                        + " and %d SSE subscribers for %.0f s each minute; server flags %s; pinned: %s%n",
                connections, minutes, churn * 100, echoSeconds, subscribers, sseSeconds, String.join(" ", ServerProcess.JVM_FLAGS),
                ChildProcess.PINNING ? "servers core 0, generator core 1" : "no (taskset missing)");
        Map<String, List<Sample>> all = new LinkedHashMap<>();
        for (String kind : servers) {
            all.put(kind, soak(kind));
        }
        Path csv = outDir.resolve("soak.csv");
        List<String> lines = new ArrayList<>(List.of("server,minute,heapMiB,rssMiB,threads,fds,p99ms,echoPerSecond,sseEvents"));
        all.forEach((kind, samples) -> samples.forEach(s -> lines.add(String.format(Locale.ROOT, "%s,%d,%.2f,%.2f,%d,%d,%.3f,%.0f,%d",
                kind, s.minute(), s.heapMiB(), s.rssMiB(), s.threads(), s.fds(), s.p99ms(), s.echoPerSecond(), s.sseEvents()))));
        Files.write(csv, lines);
        Path png = outDir.resolve("soak.png");
        SoakPlot.write(all, png);
        out.println();
        out.println("Samples: " + csv.toAbsolutePath() + "; plot: " + png.toAbsolutePath());
    }

    private List<Sample> soak(String kind) throws Exception {
        List<Sample> samples = new ArrayList<>();
        try (ChildProcess generator = new ChildProcess("bench-", "generator",
                ChildProcess.pinned(1, ChildProcess.java(List.of("-Xms1g", "-Xmx2g", "-XX:+UseG1GC"), "dev.tether.bench.load.LoadGenerator")));
             ServerProcess server = new ServerProcess(kind, kind, List.of(), List.of())) {
            out.println();
            out.println(kind + ":");
            out.printf(Locale.ROOT, "%6s %10s %10s %8s %8s %10s %12s %10s%n", "minute", "heap MiB", "RSS MiB", "threads", "fds",
                    "p99 ms", "echo msg/s", "SSE events");
            generator.send(String.format(Locale.ROOT, "open %d %d %d %d", server.port, connections, OPEN_WINDOW, server.pid()),
                    "OPENED", 900);
            long start = System.nanoTime();
            int replaced = (int) Math.round(connections * churn);
            for (int minute = 1; minute <= minutes; minute++) {
                generator.send("churn " + replaced, "CHURNED", 120);
                generator.send(String.format(Locale.ROOT, "open %d %d %d %d", server.port, replaced, OPEN_WINDOW, server.pid()),
                        "OPENED", 300);
                Map<String, String> echo = Figures.fields(generator.send(String.format(Locale.ROOT, "echo %d 100 16 64 text 1.0 %.1f %d",
                        server.port, echoSeconds, server.pid()), "RESULT", echoSeconds + 120));
                generator.send("sseopen " + server.port + " " + subscribers, "SSEOPENED", 300);
                server.tell(String.format(Locale.ROOT, "publish %.1f", sseSeconds));
                Map<String, String> sse = Figures.fields(generator.send(String.format(Locale.ROOT, "ssecount %.1f %d",
                        sseSeconds + 0.5, server.pid()), "RESULT", sseSeconds + 120));
                server.await("PUBLISHED", sseSeconds + 120);
                long[] status = server.procStatus("VmRSS:", "Threads:");
                Sample s = new Sample(minute, server.liveHeap() / 1048576.0, status[0] / 1024.0, status[1], openFiles(server.pid()),
                        Long.parseLong(echo.get("p99us")) / 1000.0,
                        Long.parseLong(echo.get("messages")) / Double.parseDouble(echo.get("seconds")),
                        Long.parseLong(sse.get("events")));
                samples.add(s);
                out.printf(Locale.ROOT, "%6d %10.1f %10.1f %8d %8d %10.2f %12.0f %10d%n", s.minute(), s.heapMiB(), s.rssMiB(),
                        s.threads(), s.fds(), s.p99ms(), s.echoPerSecond(), s.sseEvents());
                long nextMinute = start + minute * 60_000_000_000L;
                long wait = nextMinute - System.nanoTime();
                if (wait > 0) {
                    // The idle rest of the minute (the connections stay open), watching the server: one that dies ends the run.
                    if (server.endsWithin(java.time.Duration.ofNanos(wait))) {
                        throw new IllegalStateException(kind + " ended in minute " + minute + ": " + server.firstError());
                    }
                } else {
                    out.printf(Locale.ROOT, "(minute %d's traffic took %.0f s longer than a minute)%n", minute, -wait / 1e9);
                }
            }
            generator.send("closeall", "CLOSED", 120);
            printTrends(samples);
        }
        return samples;
    }

    /** Least-squares slope per minute of each figure over the second half of the run: flat is near zero. */
    private void printTrends(List<Sample> samples) {
        List<Sample> half = samples.subList(samples.size() / 2, samples.size());
        if (half.size() < 2) {
            out.println("trend: n/a (fewer than 2 samples in the second half)");
            return;
        }
        out.printf(Locale.ROOT, "trend over minutes %d-%d, per minute: heap %+.2f MiB, RSS %+.2f MiB, threads %+.2f, fds %+.2f,"
                        + " p99 %+.3f ms%n", half.get(0).minute(), half.get(half.size() - 1).minute(),
                slope(half, Sample::heapMiB), slope(half, Sample::rssMiB), slope(half, s -> s.threads()),
                slope(half, s -> s.fds()), slope(half, Sample::p99ms));
    }

    static double slope(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> figure) {
        double n = samples.size();
        double sx = 0;
        double sy = 0;
        double sxy = 0;
        double sxx = 0;
        for (Sample s : samples) {
            double x = s.minute();
            double y = figure.applyAsDouble(s);
            sx += x;
            sy += y;
            sxy += x * y;
            sxx += x * x;
        }
        double denominator = n * sxx - sx * sx;
        return denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
    }

    private static long openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        }
    }
}
