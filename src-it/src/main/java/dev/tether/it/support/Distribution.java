package dev.tether.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A stock servlet container distribution run as a child process on 127.0.0.1, with the example WAR
 * deployed as the root application. Its output goes to {@link #log()}; {@link #stop()} stops the
 * whole process tree (and a shutdown hook does if the test JVM dies first).
 */
public abstract class Distribution implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    /** The server JVM's options when a test asks for nothing else. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m");
    /**
     * Makes the example WAR a node of a cluster over the Redis it names. Never inherited from the
     * shell that runs the build: a server is a cluster node only when its test says so ({@link #environment}).
     */
    public static final String REDIS_URL_VARIABLE = "TETHER_REDIS_URL";

    private final String name;
    private final Path home;
    private final Path base;
    private final Path war;
    private final List<String> jvmOptions;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path log;
    private Process process;
    private Thread hook;
    private int port;
    private int launches;
    private String readyPath = "/echo";

    protected Distribution(String name, Path home, Path base, Path war, List<String> jvmOptions) {
        this.name = name;
        this.home = home;
        this.base = base;
        this.war = war;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Creates the instance directory ({@link #base()}) afresh with the WAR deployed as ROOT. */
    protected abstract void prepare() throws IOException, InterruptedException;

    /** The command that runs the server in the foreground, listening on 127.0.0.1:{@code port}. */
    protected abstract ProcessBuilder command(int port) throws IOException;

    public String name() {
        return name;
    }

    protected Path home() {
        return home;
    }

    protected Path base() {
        return base;
    }

    protected Path war() {
        return war;
    }

    /** The options the server's JVM runs with ({@link #DEFAULT_JVM_OPTIONS} unless the test chose). */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /**
     * The process id of the server's JVM while it runs (Tomcat's script execs java, so it is the
     * script's; otherwise a descendant running java).
     */
    public long javaPid() {
        if (process == null) throw new IllegalStateException(name + " is not running");
        if (isJava(process.toHandle())) return process.pid();
        return process.descendants().filter(Distribution::isJava).findFirst()
                .orElseThrow(() -> new IllegalStateException("no java process under " + name + " (pid " + process.pid() + ")"))
                .pid();
    }

    /**
     * Sets the environment variable {@code name} of the server's process (for every start from the
     * next one on), e.g. {@link #REDIS_URL_VARIABLE}; returns this server.
     */
    public Distribution environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Whether the server's process is still running. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    private static boolean isJava(ProcessHandle handle) {
        return handle.info().command().map(command -> command.endsWith("/java")).orElse(false);
    }

    /** The server's combined stdout and stderr. */
    public Path log() {
        return log;
    }

    public int port() {
        return port;
    }

    /** ws://127.0.0.1:port + path. */
    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** http://127.0.0.1:port + path. */
    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * Prepares the instance and starts the server on a free port chosen just before, returning once
     * {@code /echo} answers. A port taken in between (another process won the race) means a retry on
     * another port.
     */
    public void start() throws IOException, InterruptedException {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException(name + " is not unpacked at " + home + " (run the build through mvn verify)");
        }
        if (!Files.isRegularFile(war)) throw new IllegalStateException("no WAR at " + war);
        deleteTree(base);
        Files.createDirectories(base);
        prepare();
        launch(false);
    }

    /**
     * Starts the stopped server again, on the port it had and with the instance as it was (the
     * application redeploys): what its clients see as a server restart. Binding that port again is
     * retried a few times (the OS may not have let go of it yet); another process taking it in
     * between fails.
     */
    public void startAgain() throws IOException, InterruptedException {
        if (process != null) throw new IllegalStateException(name + " is running");
        if (port == 0) throw new IllegalStateException(name + " never started");
        launch(true);
    }

    private void launch(boolean samePort) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            if (!samePort) port = freePort();
            log = base.resolve("server-" + (++launches) + ".log");
            ProcessBuilder builder = command(port)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().remove(REDIS_URL_VARIABLE);
            builder.environment().putAll(environment);
            process = builder.start();
            hook = Processes.killOnExit(process, name);
            String failure = awaitReady();
            if (failure == null) return;
            String tail = tail(60);
            stop();
            String whole = Files.readString(log, StandardCharsets.ISO_8859_1);
            boolean portTaken = whole.contains("java.net.BindException");
            if (!portTaken || attempt == START_ATTEMPTS) {
                throw new IllegalStateException(name + " did not start: " + failure + "\n--- " + log + " (tail) ---\n" + tail);
            }
        }
    }

    /**
     * The WebSocket servlet's path whose 426 answer to a plain GET says the application is up
     * ({@code /echo}, the example's, unless set); returns this server.
     */
    public Distribution readyPath(String path) {
        this.readyPath = path;
        return this;
    }

    /** Polls the ready path until it answers 426, the process dies or the deadline passes; null when ready. */
    private String awaitReady() throws InterruptedException {
        return Processes.awaitWebSocketServlet(process, http(readyPath), START_TIMEOUT);
    }

    /** Stops the server's process tree: gracefully if it can within the grace time, else killed. */
    public void stop() {
        if (process == null) return;
        try {
            if (!Processes.stopTree(process, STOP_GRACE)) {
                System.err.println("[src-it] " + name + " did not stop within " + STOP_GRACE + "; killed");
            }
        } finally {
            Processes.removeHook(hook);
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The last {@code lines} lines of the server's log ("" before a start). */
    public String tail(int lines) {
        if (log == null || !Files.exists(log)) return "";
        Deque<String> last = new ArrayDeque<>();
        try (Stream<String> all = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            all.forEach(line -> {
                last.addLast(line);
                if (last.size() > lines) last.removeFirst();
            });
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
        return String.join("\n", last);
    }

    /** The path to java in the running JDK, to start the servers with. */
    protected static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port nothing listens on now, as the OS chose it. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    protected static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    /** Deletes {@code root} and everything under it, if it exists. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path path : all) Files.delete(path);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }

    @Override
    public String toString() {
        return name + " on 127.0.0.1:" + port;
    }
}
