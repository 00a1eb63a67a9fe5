package dev.tether.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JFR on a running benchmark JVM (a server of {@link LoadBenchmark}, a client of
 * {@link ClientBenchmark}) through {@code jcmd}: a recording started just before a scenario's
 * measured batches and stopped (written to a file) just after them, with execution samples every
 * millisecond (JFR's shortest period; its default settings sample every 20 ms, its profile settings
 * every 10 ms, too few for a few seconds of load) and nothing else of note: no allocation, lock or
 * I/O events that would cost the profiled process more than the samples. {@link ProfileSummary}
 * then keeps the samples taken inside the measured windows only (the recording also spans each
 * batch's ramp-up and the connections' opening).
 */
final class Profiler {
    /**
     * Flags for a JVM that will be profiled, from its start: debug information at every
     * instruction of compiled code, not only at safepoints. Without it (JFR turns it on only when it
     * starts with the JVM, not when started later by jcmd) a sample taken between two safepoints is
     * put at the nearest one, often in another method inlined into the same compiled code: a trial run
     * put half of S2's samples in UTF-8 validation that binary messages never run. It changes no code.
     */
    static final List<String> JVM_FLAGS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints");
    /** The recording's name in the profiled JVM. */
    private static final String NAME = "tether-bench-profile";
    /**
     * The settings: Java execution samples at 1 ms; garbage collections (to say how much pause time
     * the samples cannot show). Events not named here are off.
     */
    static final String SETTINGS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="Tether bench profile" description="Execution samples every 1 ms" provider="Tether">
              <event name="jdk.ExecutionSample">
                <setting name="enabled">true</setting>
                <setting name="period">1 ms</setting>
              </event>
              <event name="jdk.GarbageCollection">
                <setting name="enabled">true</setting>
                <setting name="threshold">0 ms</setting>
              </event>
            </configuration>
            """;

    private final Path directory;
    private final Path settings;

    /** Recordings go to {@code directory} (created if missing). */
    Profiler(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
        this.settings = Files.createTempFile("bench-profile-", ".jfc");
        Files.writeString(settings, SETTINGS, StandardCharsets.UTF_8);
        settings.toFile().deleteOnExit();
    }

    /** Starts recording {@code process} (a JVM). */
    void start(ChildProcess process) throws IOException, InterruptedException {
        jcmd(process, "JFR.start", "name=" + NAME, "settings=" + settings);
    }

    /**
     * Stops recording {@code process} and returns the file the recording went to, named after
     * {@code label} and the process.
     */
    Path stop(ChildProcess process, String label) throws IOException, InterruptedException {
        Path file = directory.resolve(label + "-" + process.name() + ".jfr").toAbsolutePath();
        Files.deleteIfExists(file);
        jcmd(process, "JFR.stop", "name=" + NAME, "filename=" + file);
        if (!Files.isRegularFile(file)) {
            throw new IOException("JFR.stop on " + process.name() + " wrote no " + file);
        }
        return file;
    }

    private static void jcmd(ChildProcess process, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(String.valueOf(process.pid()));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0 || output.contains("Could not")) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed for " + process.name() + ": "
                    + output.trim());
        }
    }
}
