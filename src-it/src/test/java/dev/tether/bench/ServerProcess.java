package dev.tether.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark server in its own process pinned to core 0, started and waited for ({@code READY <port>}):
 * a {@link dev.tether.bench.server.BenchServer} JVM with every server's flags, or node's {@code ws} echo
 * ({@code src-it/node/bench/ws-echo.js}, kind {@code node-ws}).
 */
class ServerProcess extends ChildProcess {
    /** Every server JVM's flags. */
    static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");
    /** Extra server JVM flags, for profiling only (e.g. {@code -XX:StartFlightRecording=…}); never in published runs. */
    private static final String EXTRA_SERVER_FLAGS = System.getenv().getOrDefault("BENCH_SERVER_FLAGS", "");
    static final String NODE = "node-ws";
    private static final Path NODE_SCRIPT = Path.of("src-it/node/bench/ws-echo.js").toAbsolutePath();

    /** The name it is shown and logged by. */
    final String name;
    final int port;

    /**
     * Starts {@code kind} (BenchServer's, or {@code node-ws}) with {@code args} after it, and JVM
     * {@code properties} ({@code -D…}, the same for every server of a scenario) after the common flags.
     */
    ServerProcess(String name, String kind, List<String> properties, List<String> args) throws Exception {
        this(name, kind, JVM_FLAGS, properties, args);
    }

    /** As above, with {@code jvmFlags} in place of {@link #JVM_FLAGS} (the same for every server of a run). */
    ServerProcess(String name, String kind, List<String> jvmFlags, List<String> properties, List<String> args)
            throws Exception {
        super("bench-", name, pinned(0, command(kind, jvmFlags, properties, args)));
        this.name = name;
        this.port = Integer.parseInt(await("READY", 60));
    }

    private static List<String> command(String kind, List<String> jvmFlags, List<String> properties, List<String> args) {
        if (kind.equals(NODE)) {
            if (!Files.isDirectory(NODE_SCRIPT.getParent().resolveSibling("node_modules").resolve("ws"))) {
                throw new IllegalStateException("node's ws is not installed: run `npm ci --prefix src-it/node` from the"
                        + " repository root (or leave node-ws out of --servers)");
            }
            List<String> node = new ArrayList<>(List.of("node", "--expose-gc", NODE_SCRIPT.toString()));
            node.addAll(args);
            return node;
        }
        List<String> flags = new ArrayList<>(jvmFlags);
        flags.addAll(properties);
        if (!EXTRA_SERVER_FLAGS.isBlank()) {
            flags.addAll(List.of(EXTRA_SERVER_FLAGS.trim().split("\\s+")));
        }
        List<String> all = new ArrayList<>();
        all.add(kind);
        all.addAll(args);
        return java(flags, "dev.tether.bench.server.BenchServer", all.toArray(String[]::new));
    }

    /** Live heap after full collections (node: V8's heap), in bytes. */
    long liveHeap() throws Exception {
        return Long.parseLong(send("heap", "HEAP", 60));
    }

    /**
     * Asks the JVM to have glibc give the native memory it keeps for reuse back to the system
     * ({@code jcmd System.trim_native_heap}, JDK 17.0.9 and later): RSS then shows what is still in
     * use, not what malloc holds on to after zlib freed it.
     */
    void trimNativeHeap() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process trim = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), "System.trim_native_heap")
                .redirectErrorStream(true).start();
        String output = new String(trim.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!trim.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || trim.exitValue() != 0) {
            throw new IOException("jcmd System.trim_native_heap failed for " + name + ": " + output);
        }
    }

    /** Resident memory (VmRSS), in bytes. */
    long rssBytes() throws IOException {
        return procStatus("VmRSS:")[0] * 1024;
    }
}
