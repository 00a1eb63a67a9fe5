package dev.tether.broker.redis.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster for the broker's tests: three masters (no replicas) of Debian's
 * {@code redis-server} on 127.0.0.1, each a {@link RedisServer} with its own free port (its cluster bus
 * on port + 10000 free too) and temp dir, joined by {@code redis-cli --cluster create}.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.start()) {
 *     RedisClusterClient client = RedisClusterClient.create(
 *             cluster.uris().stream().map(RedisURI::create).toList());
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #start} returns once every node has logged {@code Cluster state changed: ok} (an event in
 * its log, not a poll), {@code CLUSTER INFO} on every node says {@code cluster_state:ok}, and
 * {@code redis-cli --cluster check} passes. Nodes time peers out after 2 s, so a test that kills a
 * node through {@link #nodes} sees the cluster fail within seconds.
 */
public final class RedisCluster implements AutoCloseable {
    private static final int MASTERS = 3;
    private static final String STATE_OK = "Cluster state changed: ok";
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration OK_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> CLUSTER_ARGS = List.of(
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf", // in the node's own dir
            "--cluster-node-timeout", "2000");

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Starts three nodes, creates the cluster with all 16384 slots split among them, and waits until it is ok. */
    public static RedisCluster start() throws IOException {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < MASTERS; i++) nodes.add(RedisServer.start(CLUSTER_ARGS, true));
            create(nodes);
            awaitOk(nodes);
            return new RedisCluster(nodes);
        } catch (IOException | RuntimeException | Error e) {
            for (RedisServer node : nodes) {
                try {
                    node.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** {@code redis://127.0.0.1:<port>} of each node, for {@code RedisClusterClient.create}. */
    public List<String> uris() {
        return nodes.stream().map(RedisServer::uri).toList();
    }

    /** The port of each node (its cluster bus is on port + 10000). */
    public List<Integer> ports() {
        return nodes.stream().map(RedisServer::port).toList();
    }

    /** The nodes, e.g. to {@link RedisServer#kill kill} one or run {@link RedisServer#cli cli} on it. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    @Override
    public String toString() {
        return "RedisCluster" + uris();
    }

    /** Stops every node and deletes their temp dirs. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (RedisServer node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }

    private static void create(List<RedisServer> nodes) throws IOException {
        List<String> command = new ArrayList<>(List.of(RedisServer.executable("redis-cli").toString(), "--cluster", "create"));
        for (RedisServer node : nodes) command.add("127.0.0.1:" + node.port());
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        RedisServer.CliResult result = RedisServer.run(command, CREATE_TIMEOUT);
        if (result.exitStatus() != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + result.exitStatus() + ":\n"
                    + result.stderr() + result.stdout() + logs(nodes));
        }
    }

    /**
     * Waits for each node's {@code Cluster state changed: ok} log line, then confirms with {@code CLUSTER
     * INFO}; a node that says otherwise (its state flipped back) is waited for at its next such line.
     */
    private static void awaitOk(List<RedisServer> nodes) throws IOException {
        long deadline = System.nanoTime() + OK_TIMEOUT.toNanos();
        try {
            for (RedisServer node : nodes) {
                int from = 0;
                while (true) {
                    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                    int line = node.awaitLogLine(from, text -> text.contains(STATE_OK), left);
                    if (line < 0) {
                        throw new IOException("the cluster was not ok within " + OK_TIMEOUT.toSeconds() + " s: no line '"
                                + STATE_OK + "' (again) from " + node + logs(nodes));
                    }
                    if (node.cli("CLUSTER", "INFO").contains("cluster_state:ok")) break;
                    from = line + 1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the cluster formed");
        }
        List<String> check = List.of(RedisServer.executable("redis-cli").toString(), "--cluster", "check",
                "127.0.0.1:" + nodes.get(0).port());
        RedisServer.CliResult result = RedisServer.run(check, CREATE_TIMEOUT);
        if (result.exitStatus() != 0) {
            throw new IOException(String.join(" ", check) + " exited with status " + result.exitStatus()
                    + " though every node said cluster_state:ok:\n" + result.stderr() + result.stdout() + logs(nodes));
        }
    }

    private static String logs(List<RedisServer> nodes) {
        StringBuilder logs = new StringBuilder();
        for (RedisServer node : nodes) logs.append("\n--- log of ").append(node).append(":\n").append(node.log());
        return logs.toString();
    }
}
