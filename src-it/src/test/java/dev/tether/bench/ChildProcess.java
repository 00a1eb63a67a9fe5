package dev.tether.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark's child process, spoken to in lines: commands on stdin, replies on stdout; stderr goes to
 * a temporary log file, named in every failure.
 */
class ChildProcess implements AutoCloseable {
    /** Whether children can be pinned to a core (taskset is installed). */
    static final boolean PINNING = Files.isExecutable(Path.of("/usr/bin/taskset"));
    /** Every live child, so that an interrupted run leaves none behind. */
    private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(Process::destroyForcibly), "bench-children"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    /** Starts {@code command}; its log is a temporary file named {@code logPrefix + name + "-….log"}. */
    ChildProcess(String logPrefix, String name, List<String> command) throws IOException {
        this.name = name;
        this.log = Files.createTempFile(logPrefix + name + "-", ".log");
        this.process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        CHILDREN.add(process);
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "bench-" + name + "-out");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code command} prefixed with taskset to run on {@code core}, where taskset is installed. */
    static List<String> pinned(int core, List<String> command) {
        List<String> full = new ArrayList<>();
        if (PINNING) {
            full.addAll(List.of("taskset", "-c", String.valueOf(core)));
        }
        full.addAll(command);
        return full;
    }

    /** A JVM command line on this JVM's class path. */
    static List<String> java(List<String> flags, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** Waits up to {@code timeout} for the process to end: true if it did (a server that died), false if it still runs. */
    boolean endsWithin(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    long pid() {
        return process.pid();
    }

    /** The name it was started with: it names its log, and a profile's recording. */
    String name() {
        return name;
    }

    /** Sends a command line without waiting for a reply. */
    void tell(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    String send(String command, String replyPrefix, double timeoutSeconds) throws Exception {
        tell(command);
        return await(replyPrefix, timeoutSeconds);
    }

    /**
     * The rest of the first line starting with {@code prefix}. An {@code ERROR} line, the process's
     * end or the timeout fails it, and a process that did not answer in time is stopped.
     */
    String await(String prefix, double timeoutSeconds) throws Exception {
        return awaitLine(line -> line.startsWith(prefix), "\"" + prefix + "\"", timeoutSeconds).substring(prefix.length()).trim();
    }

    /**
     * The first line that {@code match} accepts, whole; as {@link #await}, an {@code ERROR} line, the
     * process's end or the timeout fails it ({@code what} names the line awaited in the failure).
     */
    String awaitLine(java.util.function.Predicate<String> match, String what, double timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        java.util.ArrayDeque<String> passed = new java.util.ArrayDeque<>(); // the last lines passed over, for the failure
        while (true) {
            // short polls, so that a process that died is noticed before the timeout
            String line = lines.poll(Math.min(200_000_000L, Math.max(1, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
            if (line == null) {
                if (!process.isAlive() && lines.isEmpty()) {
                    throw new IllegalStateException(name + " ended (exit " + process.exitValue() + "; see " + log
                            + (passed.isEmpty() ? "" : "; its last lines on stdout: " + String.join(" | ", passed)) + ")");
                }
                if (System.nanoTime() - deadline >= 0) {
                    process.destroyForcibly();
                    throw new IllegalStateException(name + " gave no " + what + " within " + timeoutSeconds
                            + " s and was stopped (see " + log + ")");
                }
                continue;
            }
            if (match.test(line)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                throw new IllegalStateException(line.substring("ERROR".length()).trim());
            }
            passed.add(line);
            if (passed.size() > 5) {
                passed.poll();
            }
        }
    }

    /** The line of its log that tells best why it failed: an OutOfMemoryError, else the first error or exception; "none" without. */
    String firstError() throws IOException {
        try (java.util.stream.Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> !l.startsWith("\t") && (l.contains("Error") || l.contains("Exception")))
                    .sorted(java.util.Comparator.comparing((String l) -> !l.contains("OutOfMemoryError")))
                    .findFirst().orElse("none");
        }
    }

    /** The numbers in the process's {@code /proc/<pid>/status} lines that start with {@code keys} (0 where absent; memory in kB). */
    long[] procStatus(String... keys) throws IOException {
        long[] values = new long[keys.length];
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            for (int i = 0; i < keys.length; i++) {
                if (line.startsWith(keys[i])) {
                    values[i] = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        return values;
    }

    /** Closes stdin (the child's cue to close what it has open and exit) and waits, killing it if it lingers. */
    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            CHILDREN.remove(process);
        }
    }
}
