package dev.tether.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code redis-server} for the broker benchmark: a child on a free port of 127.0.0.1, its data dir
 * a fresh temporary directory, without persistence ({@code --save "" --appendonly no}: the benchmark keeps
 * nothing), pinned to a core where taskset is installed. Ready once it logs {@code Ready to accept
 * connections}. {@link #close} stops it (SIGTERM, then SIGKILL) and deletes the directory; a small
 * {@code sh} guard, whose stdin is a pipe from this JVM, kills it if this JVM dies without closing it (the
 * pipe then ends without the line {@link #close} writes).
 */
final class RedisProcess extends ChildProcess {
    static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");
    private static final int PORT_ATTEMPTS = 3;

    final int port;
    private final Path dir;
    private final Process guard;

    private RedisProcess(int core, int port, Path dir) throws Exception {
        super("bench-", "redis-server", command(core, port, dir));
        this.port = port;
        this.dir = dir;
        this.guard = new ProcessBuilder("sh", "-c", "read -r line || kill -KILL \"$1\" 2>/dev/null", "bench-redis-guard",
                Long.toString(pid())).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitLine(line -> line.contains("Ready to accept connections"), "\"Ready to accept connections\"", 20);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private static List<String> command(int core, int port, Path dir) {
        List<String> command = List.of(EXECUTABLE.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
                "--logfile", "");
        return core < 0 ? command : pinned(core, command);
    }

    /** Starts redis-server on {@code core} (-1: unpinned), trying another port if the one found free was taken meanwhile. */
    static RedisProcess start(int core) throws Exception {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is not installed: apt-get install -y redis-server (Debian's)");
        }
        for (int attempt = 1; ; attempt++) {
            Path dir = Files.createTempDirectory("bench-redis-");
            try {
                return new RedisProcess(core, freePort(), dir);
            } catch (IllegalStateException e) {
                deleteTree(dir);
                if (attempt == PORT_ATTEMPTS || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    /** {@code redis://127.0.0.1:<port>}. */
    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** What {@code redis-server --version} prints, e.g. {@code v=7.0.15}. */
    static String version() {
        try {
            Process p = new ProcessBuilder(EXECUTABLE.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            int v = out.indexOf("v=");
            return v < 0 ? out.trim() : out.substring(v + 2).split(" ")[0];
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Stops redis-server (SIGTERM; SIGKILL after 20 s), releases the guard, deletes the data dir. */
    @Override
    public void close() {
        try {
            ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroy);
            super.close();
        } finally {
            try (OutputStream in = guard.getOutputStream()) {
                in.write("released\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException ignored) {
                // the guard is gone already
            }
            try {
                if (!guard.waitFor(10, TimeUnit.SECONDS)) {
                    guard.destroyForcibly();
                }
            } catch (InterruptedException e) {
                guard.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            deleteTree(dir);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a temporary directory: left behind at worst
        }
    }
}
