package dev.tether.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server JVM in another process holds, seen from outside: its resident memory from
 * {@code /proc}, sampled while something runs; its live heap after a full collection ({@code jcmd});
 * and the heap before and after each collection from its GC log ({@code -Xlog:gc:file=…}).
 */
public final class ServerMemory {
    private static final Pattern HEAP_CHANGE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
    private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");

    private ServerMemory() {
    }

    /** Resident memory ({@code VmRSS}) of process {@code pid}, in bytes. */
    public static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** Samples a process's resident memory every few milliseconds until closed; {@link #peak()} is the highest seen. */
    public static final class RssSampler implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "rss-sampler");
            thread.setDaemon(true);
            return thread;
        });
        private final AtomicLong peak = new AtomicLong();
        private final long pid;

        public RssSampler(long pid, long periodMillis) throws IOException {
            this.pid = pid;
            peak.set(rssBytes(pid));
            timer.scheduleAtFixedRate(this::sample, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            try {
                long rss = rssBytes(pid);
                peak.accumulateAndGet(rss, Math::max);
            } catch (IOException | RuntimeException gone) {
                // the process ended: the peak stays what it was
            }
        }

        /** The highest resident memory seen so far, in bytes. */
        public long peak() {
            return peak.get();
        }

        /** Stops sampling after one last sample; returns the highest resident memory seen, in bytes. */
        public long stop() {
            timer.shutdown();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sample();
            return peak();
        }

        @Override
        public void close() {
            stop();
        }
    }

    /**
     * Live heap of JVM {@code pid} after a full collection ({@code jcmd GC.run}, then the used heap of
     * {@code jcmd GC.heap_info}; G1 only), in bytes.
     */
    public static long liveHeapAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = G1_USED.matcher(info);
        if (!used.find()) throw new IOException("no G1 heap in jcmd GC.heap_info of " + pid + ":\n" + info);
        return Long.parseLong(used.group(2)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) throw new IOException("jcmd " + pid + " " + command + " failed:\n" + output);
        return output;
    }

    /** One collection in a GC log: the heap in use before and after it, and the heap's size then, in bytes. */
    public record Collection(long before, long after, long capacity, String line) {
    }

    /** The collections in the GC log {@code log} (unified logging, {@code -Xlog:gc}), oldest first. */
    public static List<Collection> collections(Path log) throws IOException {
        List<Collection> collections = new ArrayList<>();
        if (!Files.exists(log)) return collections;
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            Matcher change = HEAP_CHANGE.matcher(line);
            if (change.find()) {
                collections.add(new Collection(bytes(change.group(1), change.group(2)), bytes(change.group(3), change.group(4)),
                        bytes(change.group(5), change.group(6)), line));
            }
        }
        return collections;
    }

    private static long bytes(String number, String unit) {
        long n = Long.parseLong(number);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }

    /** Bytes as MiB with one decimal. */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
