package dev.tether.client.peers;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real HTTP proxy for the client's tests: Debian's {@code tinyproxy} (installed by {@code .ci/run})
 * on 127.0.0.1, at a port the OS found free, allowing CONNECT to any port (tinyproxy's behaviour
 * without {@code ConnectPort} lines), optionally with Basic authentication.
 *
 * <pre>{@code
 * try (TinyProxy proxy = TinyProxy.startWithBasicAuth("user", "secret")) {
 *     proxy.uri();                 // http://127.0.0.1:<port>
 *     proxy.uriWithCredentials();  // http://user:secret@127.0.0.1:<port>
 *     proxy.log();                 // ... "Request (file descriptor 5): CONNECT 127.0.0.1:4711 HTTP/1.1" ...
 * }
 * }</pre>
 *
 * What tinyproxy does that a test should know: it answers CONNECT with {@code HTTP/1.0 200 Connection
 * established}; with auth on, no credentials get {@code 407} with {@code Proxy-Authenticate}, but
 * <em>wrong</em> credentials get {@code 401 Unauthorized} with {@code WWW-Authenticate}; its config
 * syntax only takes user names and passwords of {@code [A-Za-z0-9._-]}.
 *
 * <p>It runs in the foreground ({@code -d}) logging to its stdout, which is read here: readiness is
 * the log line {@code Starting main loop. Accepting connections.}, not a poll. It runs as the
 * current user ({@code User}/{@code Group} set to our own uid/gid: as root it would otherwise warn and
 * keep root; nothing else changes), so the config in the 0700 temp dir needs no other permissions. It
 * is started under a small {@code sh} watchdog that stops it when our stdin closes, so a test JVM that
 * dies never leaves it behind.
 */
public final class TinyProxy implements AutoCloseable {
    private static final List<Path> EXECUTABLES = List.of(Path.of("/usr/bin/tinyproxy"), Path.of("/usr/sbin/tinyproxy"));
    private static final Pattern CONFIG_TOKEN = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String READY = "Accepting connections.";
    private static final String PORT_TAKEN = "Could not create listening sockets";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 5;
    /** Enough for a few hundred tunnels at once (tinyproxy runs a thread per client). */
    private static final int MAX_CLIENTS = 512;

    private final Path dir;
    private final Process process;
    private final StreamCollector log;
    private final int port;
    private final String user;
    private final String password;

    private TinyProxy(Path dir, Process process, StreamCollector log, int port, String user, String password) {
        this.dir = dir;
        this.process = process;
        this.log = log;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /** Starts tinyproxy without authentication. */
    public static TinyProxy start() throws IOException {
        return start(null, null);
    }

    /**
     * Starts tinyproxy accepting only {@code user}:{@code password} (Basic); both of
     * {@code [A-Za-z0-9._-]}, all tinyproxy's config syntax takes.
     */
    public static TinyProxy startWithBasicAuth(String user, String password) throws IOException {
        for (String token : new String[] {user, password}) {
            if (token == null || !CONFIG_TOKEN.matcher(token).matches()) {
                throw new IllegalArgumentException("tinyproxy's BasicAuth takes only [A-Za-z0-9._-]+, not '" + token + "'");
            }
        }
        return start(user, password);
    }

    private static TinyProxy start(String user, String password) throws IOException {
        Path executable = EXECUTABLES.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (executable == null) {
            fail("tinyproxy is not installed (looked for " + EXECUTABLES + "): `.ci/run` installs it,"
                    + " or run `apt-get install -y tinyproxy`");
        }
        Path dir = Files.createTempDirectory("tinyproxy-");
        String failures = "";
        try {
            for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
                int port = freePort();
                Path config = dir.resolve("tinyproxy.conf");
                Files.writeString(config, config(dir, port, user, password), StandardCharsets.UTF_8);
                Process process = watched(executable, config);
                StreamCollector log = StreamCollector.start(process.getInputStream(), "tinyproxy log");
                boolean ready;
                try {
                    ready = log.await(text -> text.contains(READY) || text.contains(PORT_TAKEN), START_TIMEOUT)
                            && log.text().contains(READY);
                } catch (InterruptedException e) {
                    stop(process);
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while tinyproxy started", e);
                }
                if (ready) return new TinyProxy(dir, process, log, port, user, password);
                stop(process);
                String output = log.text(STOP_TIMEOUT);
                failures += "\n--- attempt " + attempt + " on port " + port + exitStatus(process) + ":\n" + output;
                // Another process took the port between our probe and tinyproxy's bind: try another.
                if (!output.contains(PORT_TAKEN)) break;
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
        deleteTree(dir);
        throw new IOException("tinyproxy did not start (" + executable + ", log on stdout):" + failures);
    }

    /** The port tinyproxy listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** Opens a plain socket to the proxy (a helper for raw CONNECT tests). */
    public Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** {@code http://user:password@127.0.0.1:<port>}; the proxy must have been started with auth. */
    public URI uriWithCredentials() {
        requireAuth();
        return URI.create("http://" + user + ":" + password + "@127.0.0.1:" + port);
    }

    /** The user name of Basic auth, or null without auth. */
    public String user() {
        return user;
    }

    /** The password of Basic auth, or null without auth. */
    public String password() {
        return password;
    }

    /** The value of a {@code Proxy-Authorization} header with the right credentials ({@code Basic …}). */
    public String proxyAuthorization() {
        requireAuth();
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * tinyproxy's log so far (level Info): each tunnel shows as
     * {@code Request (file descriptor N): CONNECT host:port HTTP/1.1}, logged before the proxy answers.
     */
    public String log() {
        return log.text();
    }

    /**
     * Waits up to {@code timeout} until the log contains {@code text} (for lines logged after the
     * event a test saw, e.g. {@code Closed connection between local client}); returns whether it did.
     */
    public boolean awaitLog(String text, Duration timeout) throws InterruptedException {
        return log.await(all -> all.contains(text), timeout);
    }

    @Override
    public String toString() {
        return "TinyProxy[" + uri() + (user == null ? "" : ", Basic auth as " + user) + "]";
    }

    /** Stops tinyproxy, waits until it is gone, and deletes its temp dir. */
    @Override
    public void close() {
        stop(process);
        deleteTree(dir);
    }

    private void requireAuth() {
        if (user == null) throw new IllegalStateException("this tinyproxy runs without auth: start it with startWithBasicAuth");
    }

    private static String config(Path dir, int port, String user, String password) throws IOException {
        // Running as the current user: tinyproxy only switches user when it runs as root, and then to
        // the one named here, our own (read from the temp dir we just made).
        Object uid = Files.getAttribute(dir, "unix:uid");
        Object gid = Files.getAttribute(dir, "unix:gid");
        StringBuilder config = new StringBuilder()
                .append("User ").append(uid).append('\n')
                .append("Group ").append(gid).append('\n')
                .append("Port ").append(port).append('\n')
                .append("Listen 127.0.0.1\n")
                .append("Allow 127.0.0.1\n")
                // No ConnectPort line: CONNECT to any port is allowed.
                .append("Timeout 600\n")
                .append("MaxClients ").append(MAX_CLIENTS).append('\n')
                .append("LogLevel Info\n") // no LogFile: the log goes to stdout, read by us
                .append("PidFile \"").append(dir.resolve("tinyproxy.pid")).append("\"\n");
        if (user != null) config.append("BasicAuth ").append(user).append(' ').append(password).append('\n');
        return config.toString();
    }

    /**
     * {@code tinyproxy -d -c config} under {@code sh}: a watcher reads our stdin and stops tinyproxy
     * when it closes (at {@link #close}, or when the JVM dies); sh exits with tinyproxy's status.
     * stderr is merged into the log (tinyproxy reports a failed bind only there).
     */
    private static Process watched(Path executable, Path config) throws IOException {
        String script = "exec 3<&0 </dev/null\n"
                + "\"$1\" -d -c \"$2\" 3<&- &\n"
                + "t=$!\n"
                + "(cat <&3 >/dev/null 2>&1; kill \"$t\" 2>/dev/null) >/dev/null 2>&1 &\n"
                + "exec 3<&-\n"
                + "wait \"$t\"\n";
        return new ProcessBuilder("sh", "-c", script, "tinyproxy-watch", executable.toString(), config.toString())
                .redirectErrorStream(true)
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return probe.getLocalPort();
        }
    }

    private static void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            process.getOutputStream().close(); // the watcher stops tinyproxy (SIGTERM), sh then exits
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            // the watcher (gone with its stdin) and tinyproxy (stopped before sh's wait returned)
            for (ProcessHandle child : descendants) {
                if (!child.onExit().toCompletableFuture().isDone()) {
                    child.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String exitStatus(Process process) {
        return process.isAlive() ? " (still running)" : " (exit status " + process.exitValue() + ")";
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete tinyproxy's temp dir " + dir, e);
        }
    }
}
