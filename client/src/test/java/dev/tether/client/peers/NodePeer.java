package dev.tether.client.peers;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real WebSocket server to connect the client to: {@code node src/test/node/peer-server.js} with
 * node's {@code ws} or {@code faye-websocket}, an echo server on 127.0.0.1 at a port the OS chose,
 * with the text commands described in {@code peer-server.js} ({@code !close 4001 bye},
 * {@code !ping data}, {@code !terminate}, {@code !headers}, {@code !url}, {@code !version},
 * {@code !client-cert}, {@code !fragments n text}).
 *
 * <pre>{@code
 * try (NodePeer peer = NodePeer.start("ws", "--protocols", "chat,superchat")) {
 *     URI uri = peer.uri("/echo");   // ws://127.0.0.1:<port>/echo
 * }
 * }</pre>
 *
 * The script exits when its stdin closes, so a test JVM that dies never leaves it behind;
 * {@link #close} stops it (and anything it started) and waits for it. Needs node 20+ on the PATH and
 * {@code npm ci --prefix client/src/test/node}.
 */
public final class NodePeer implements Peer {
    /** How long node may take to print {@code LISTENING <port>} (generous: the machine may be busy). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String command;
    private final Process process;
    private final StreamCollector stderr;
    private final int port;
    private final boolean tls;

    private NodePeer(String command, Process process, StreamCollector stderr, int port, boolean tls) {
        this.command = command;
        this.process = process;
        this.stderr = stderr;
        this.port = port;
        this.tls = tls;
    }

    /**
     * Starts {@code node peer-server.js <library> <args…>} and waits until it listens.
     *
     * @param library {@code ws} or {@code faye}
     * @param args {@code --tls cert.pem key.pem}, {@code --ca ca.pem}, {@code --require-client-cert},
     *     {@code --protocols a,b} (see {@link TestCertificates#peerTls} and {@link TestCertificates#peerClientAuth})
     */
    public static NodePeer start(String library, String... args) throws IOException {
        Path dir = nodeDir();
        List<String> command = new ArrayList<>(List.of("node", "peer-server.js", library));
        command.addAll(List.of(args));
        String line = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot start `" + line + "` (is Node.js 20+ on the PATH?): " + e.getMessage(), e);
        }
        StreamCollector stderr = StreamCollector.start(process.getErrorStream(), "node peer stderr");
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStdout(process.getInputStream(), listening), "node peer stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            int port = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new NodePeer(line, process, stderr, port, command.contains("--tls"));
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            stop(process);
            String why = e instanceof TimeoutException ? "printed no LISTENING line within " + START_TIMEOUT
                    : e instanceof ExecutionException ? e.getCause().getMessage() : "interrupted";
            throw new IOException("`" + line + "` in " + dir + " " + why + exitStatus(process)
                    + "\nstderr:\n" + stderr.text(STOP_TIMEOUT), e);
        }
    }

    /** The port the peer listens on (127.0.0.1). */
    @Override
    public String name() {
        return toString();
    }

    public int port() {
        return port;
    }

    /** {@code ws://127.0.0.1:<port><path>}, or {@code wss://} when started with {@code --tls}. */
    public URI uri(String path) {
        if (!path.startsWith("/")) throw new IllegalArgumentException("a path starts with '/': " + path);
        return URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + port + path);
    }

    /** What the peer wrote to stderr so far (it writes nothing unless something went wrong). */
    public String stderr() {
        return stderr.text();
    }

    /** Whether the peer's process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String toString() {
        return "NodePeer[" + command + " on port " + port + "]";
    }

    /** Stops the peer and everything it started, and waits until they are gone. */
    @Override
    public void close() {
        stop(process);
    }

    private static void readStdout(InputStream stdout, CompletableFuture<Integer> listening) {
        StringBuilder before = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!listening.isDone() && line.startsWith("LISTENING ")) {
                    try {
                        listening.complete(Integer.parseInt(line.substring("LISTENING ".length()).trim()));
                    } catch (NumberFormatException e) {
                        listening.completeExceptionally(new IOException("printed a bad LISTENING line: " + line));
                    }
                } else if (!listening.isDone()) {
                    before.append(line).append('\n');
                }
                // after LISTENING the peer prints nothing; anything else is drained so it never blocks
            }
        } catch (IOException e) {
            // the process is gone; the future says why below
        }
        listening.completeExceptionally(new IOException("ended its output before LISTENING"
                + (before.length() == 0 ? "" : "; stdout:\n" + before)));
    }

    private static void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            process.getOutputStream().close(); // the peer exits when its stdin closes
        } catch (IOException ignored) {
            // already gone
        }
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String exitStatus(Process process) {
        return process.isAlive() ? "" : " (exit status " + process.exitValue() + ")";
    }

    private static Path nodeDir() {
        Path dir = TestFiles.moduleDir().resolve("src/test/node");
        if (!Files.isDirectory(dir.resolve("node_modules/ws")) || !Files.isDirectory(dir.resolve("node_modules/faye-websocket"))) {
            fail("the node peers are not installed: run `npm ci --prefix client/src/test/node` from the repository root"
                    + " (no node_modules with ws and faye-websocket in " + dir + ")");
        }
        return dir;
    }
}
