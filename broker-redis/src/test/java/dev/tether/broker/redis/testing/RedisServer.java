package dev.tether.broker.redis.testing;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real Redis for the broker's tests: Debian's {@code redis-server} (installed by {@code .ci/run}) as a
 * child process on 127.0.0.1, at a port the OS found free, with its data in a fresh temp dir.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     RedisClient client = RedisClient.create(redis.uri());   // redis://127.0.0.1:<port>
 *     ...
 *     redis.kill();      // SIGKILL: a crash, nothing acknowledged is lost (AOF, fsync always)
 *     redis.restart();   // same port, same dir: the AOF is loaded before it is ready
 *     redis.cli("GET", "key");
 * }
 * }</pre>
 *
 * <p>Append-only with {@code appendfsync always} and no RDB snapshots, so a killed server comes back with
 * every write it acknowledged. Readiness is its log line {@code Ready to accept connections} (stdout, read
 * here; printed after the AOF is loaded on a restart), never a sleep or a poll. A small {@code sh} guard
 * per server SIGKILLs it if the test JVM dies, so no server outlives a crashed build.
 */
public final class RedisServer implements AutoCloseable {
    private static final String READY = "Ready to accept connections";
    private static final String PORT_TAKEN = "Address already in use";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(20);
    private static final int PORT_ATTEMPTS = 5;
    private static final int PORT_PROBES = 200;
    /** A cluster node also listens on port + 10000 (the cluster bus). */
    static final int BUS_PORT_OFFSET = 10000;
    private static final InetAddress LOOPBACK = loopback();

    private final Path serverExecutable;
    private final Path cliExecutable;
    private final List<String> extraArgs;
    private final Path dir;
    private final int port;
    private Run run;
    private boolean closed;

    /** One process of this server: redis-server, the reader of its output, and its guard. */
    private record Run(Process process, ProcessOutput output, Process guard) {
    }

    /** What a finished {@code redis-cli} printed. */
    record CliResult(int exitStatus, String stdout, String stderr) {
    }

    private RedisServer(Path serverExecutable, Path cliExecutable, List<String> extraArgs, Path dir, int port, Run run) {
        this.serverExecutable = serverExecutable;
        this.cliExecutable = cliExecutable;
        this.extraArgs = extraArgs;
        this.dir = dir;
        this.port = port;
        this.run = run;
    }

    /** Starts a standalone server and returns once it accepts connections. */
    public static RedisServer start() throws IOException {
        return start(List.of(), false);
    }

    /**
     * Starts a server with {@code extraArgs} appended to the command line; with {@code clusterBus}, on a
     * port whose cluster bus port (+10000) is free too.
     */
    static RedisServer start(List<String> extraArgs, boolean clusterBus) throws IOException {
        Path server = executable("redis-server");
        Path cli = executable("redis-cli");
        StringBuilder failures = new StringBuilder();
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int port = freePort(clusterBus);
            Path dir = Files.createTempDirectory("tether-redis-" + port + "-");
            String output;
            try {
                Run run = launch(server, dir, port, extraArgs);
                if (run.process.isAlive()) return new RedisServer(server, cli, List.copyOf(extraArgs), dir, port, run);
                output = run.output.text();
                failures.append("\n--- attempt ").append(attempt).append(" on port ").append(port)
                        .append(" (exit status ").append(run.process.exitValue()).append("):\n").append(output);
            } catch (IOException | RuntimeException | Error e) {
                deleteTree(dir);
                throw e;
            }
            deleteTree(dir);
            // Another process took the port between our probe and redis-server's bind: try another.
            if (!output.contains(PORT_TAKEN)) break;
        }
        throw new IOException("redis-server did not start (" + server + ", output on stdout):" + failures);
    }

    /** The port it listens on, on 127.0.0.1; the same after {@link #restart}. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, for {@code RedisURI.create} or {@code RedisClient.create}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Its data dir (the append-only files are in {@code appendonlydir/}); deleted at {@link #close}. */
    public Path dir() {
        return dir;
    }

    /** The process id of the running (or last) redis-server process. */
    public synchronized long pid() {
        requireOpen();
        return run.process.pid();
    }

    /** Whether the redis-server process is running. */
    public synchronized boolean isRunning() {
        return run != null && run.process.isAlive();
    }

    /** The output of the running (or last) redis-server process so far: its log. */
    public synchronized String log() {
        return run == null ? "" : run.output.text();
    }

    /**
     * Kills redis-server with SIGKILL, as in a crash, and returns once it is gone; what it acknowledged is
     * on disk (appendfsync always).
     */
    public synchronized void kill() {
        requireOpen();
        end(run, true);
    }

    /**
     * Starts redis-server again on the same port and dir, so it loads its append-only file, and returns
     * once it accepts connections; stops it first if it is still running.
     */
    public synchronized void restart() throws IOException {
        requireOpen();
        end(run, false);
        Run next = launch(serverExecutable, dir, port, extraArgs);
        if (!next.process.isAlive()) {
            throw new IOException("redis-server did not restart on port " + port + " (exit status "
                    + next.process.exitValue() + "), output:\n" + next.output.text());
        }
        run = next;
    }

    /** Stops redis-server (SIGTERM: it fsyncs and exits) and returns once it is gone; {@link #restart} starts it again. */
    public synchronized void stop() {
        if (run != null) end(run, false);
    }

    /**
     * Runs {@code redis-cli -h 127.0.0.1 -p <port> args...} and returns its stdout (raw replies, one a
     * line, as redis-cli prints them when not on a terminal), e.g. {@code cli("KEYS", "*")}.
     *
     * @throws IOException if redis-cli fails (e.g. the server is down) or takes longer than 20 s
     */
    public String cli(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(cliExecutable.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        CliResult result = run(command, CLI_TIMEOUT);
        if (result.exitStatus != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + result.exitStatus
                    + ":\n" + result.stderr + result.stdout);
        }
        return result.stdout;
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + ", dir " + dir + "]";
    }

    /** Stops redis-server, waits until it is gone, and deletes its temp dir. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (run != null) end(run, false);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Waits until a log line at index {@code from} or later of the running process satisfies
     * {@code condition}; returns its index, or -1 on timeout or exit.
     */
    int awaitLogLine(int from, Predicate<String> condition, Duration timeout) throws InterruptedException {
        ProcessOutput output;
        synchronized (this) {
            requireOpen();
            output = run.output;
        }
        return output.awaitLine(from, condition, timeout);
    }

    /** The path of {@code name} on PATH (Debian's redis-server package, which brings redis-cli with redis-tools). */
    static Path executable(String name) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
        dirs.add("/usr/bin"); // Debian's place, should PATH be narrow
        for (String dir : dirs) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
        }
        throw new IllegalStateException(name + " is not installed (not on PATH " + path + " nor in /usr/bin): `.ci/run`"
                + " installs it, or run `apt-get install -y redis-server` (Debian's; it brings redis-cli with redis-tools)");
    }

    /** Runs a command to its end within {@code timeout}, its stdout and stderr read as it runs. */
    static CliResult run(List<String> command, Duration timeout) throws IOException {
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close(); // nothing on stdin: redis-cli then never waits for input
        ProcessOutput stdout = ProcessOutput.start(process.getInputStream(), command.get(0) + " stdout");
        ProcessOutput stderr = ProcessOutput.start(process.getErrorStream(), command.get(0) + " stderr");
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                        + " s, output:\n" + stderr.text() + stdout.text());
            }
            stdout.awaitEnd(STOP_TIMEOUT);
            stderr.awaitEnd(STOP_TIMEOUT);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + String.join(" ", command));
        }
        return new CliResult(process.exitValue(), stdout.text(), stderr.text());
    }

    /**
     * A port on 127.0.0.1 that the OS found free; with {@code clusterBus}, one of at most 55535 whose
     * port + 10000 is free too.
     */
    static int freePort(boolean clusterBus) throws IOException {
        for (int probe = 0; probe < PORT_PROBES; probe++) {
            int port;
            try (ServerSocket socket = bind(0)) {
                port = socket.getLocalPort();
            }
            if (!clusterBus) return port;
            if (port + BUS_PORT_OFFSET > 65535) continue;
            try {
                bind(port + BUS_PORT_OFFSET).close();
                return port;
            } catch (IOException taken) {
                // the bus port is in use: probe again
            }
        }
        throw new IOException("found no free port on 127.0.0.1" + (clusterBus ? " with a free cluster bus port (+10000)" : "")
                + " in " + PORT_PROBES + " probes");
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete redis-server's temp dir " + dir, e);
        }
    }

    /**
     * Starts redis-server and waits for its ready line; returns a live run, or a finished one (bind failure,
     * bad option) whose output says why.
     */
    private static Run launch(Path server, Path dir, int port, List<String> extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(server.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--dir", dir.toString(),
                "--appendonly", "yes",
                "--appendfsync", "always", // every acknowledged write is on disk, so a SIGKILL loses none
                "--save", "", // no RDB snapshots: the AOF alone is the data
                "--daemonize", "no",
                "--protected-mode", "no",
                "--logfile", "")); // log to stdout, read here
        command.addAll(extraArgs);
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        ProcessOutput output = ProcessOutput.start(process.getInputStream(), "redis-server:" + port + " log");
        Process guard;
        try {
            guard = guard(process.pid());
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        Run run = new Run(process, output, guard);
        try {
            if (output.awaitLine(0, line -> line.contains(READY), START_TIMEOUT) >= 0) return run;
            if (process.isAlive()) {
                end(run, true);
                throw new IOException("redis-server on port " + port + " was not ready within " + START_TIMEOUT.toSeconds()
                        + " s (no line '" + READY + "'), output so far:\n" + output.text());
            }
            // It exited before it was ready: the caller reads why.
            end(run, true);
            output.awaitEnd(STOP_TIMEOUT);
            return run;
        } catch (InterruptedException e) {
            end(run, true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while redis-server started on port " + port);
        }
    }

    /**
     * A watcher of the test JVM: SIGKILLs redis-server once its stdin ends without a line, which happens
     * only when the JVM dies (at a normal end we write a line first, see {@link #release}).
     */
    private static Process guard(long pid) throws IOException {
        return new ProcessBuilder("sh", "-c", "read -r line || kill -KILL \"$1\" 2>/dev/null", "tether-redis-guard",
                Long.toString(pid))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Ends a run: SIGKILL ({@code forcibly}) or SIGTERM, waits until redis-server is gone, then releases its guard. */
    private static void end(Run run, boolean forcibly) {
        Process process = run.process;
        try {
            if (process.isAlive()) {
                if (forcibly) process.destroyForcibly();
                else process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    // SIGTERM ignored (e.g. a long AOF rewrite): kill it
                    process.destroyForcibly();
                    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("redis-server (pid " + process.pid() + ") did not exit within "
                                + STOP_TIMEOUT.toSeconds() + " s of SIGKILL");
                    }
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            release(run.guard);
        }
    }

    /** Tells a guard that its server was ended by us (a line on its stdin), and waits for it to exit. */
    private static void release(Process guard) {
        try (OutputStream in = guard.getOutputStream()) {
            in.write("released\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the guard is gone already
        }
        try {
            if (!guard.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) guard.destroyForcibly();
        } catch (InterruptedException e) {
            guard.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException(this + " is closed");
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(LOOPBACK, port));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
