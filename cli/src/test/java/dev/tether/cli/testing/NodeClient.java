package dev.tether.cli.testing;

import dev.tether.client.peers.StreamCollector;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Node's {@code ws} as a client: {@code client/src/test/node/peer-client.js}, which prints
 * {@code OPEN}, {@code TEXT …}, {@code BINARY <hex>}, {@code CLOSE <code> <reason>} and sends each line
 * written to it (see the script).
 */
public final class NodeClient implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final StreamCollector out;

    private NodeClient(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.out = StreamCollector.start(process.getInputStream(), "node-client");
        StreamCollector.start(process.getErrorStream(), "node-client-err");
    }

    /** Connects offering permessage-deflate (ws's defaults, compressing every message). */
    public static NodeClient connectCompressed(String url) throws IOException {
        return connectCompressed(url, "{\"threshold\":0}");
    }

    /** Connects offering permessage-deflate with ws's {@code perMessageDeflate} options as JSON. */
    public static NodeClient connectCompressed(String url, String deflateOptions) throws IOException {
        return start(List.of("--deflate", deflateOptions, url));
    }

    public static NodeClient connect(String url, String... protocols) throws IOException {
        List<String> args = new ArrayList<>(List.of(url));
        args.addAll(List.of(protocols));
        return start(args);
    }

    private static NodeClient start(List<String> args) throws IOException {
        Path dir = Path.of(System.getProperty("basedir", "."), "..", "client", "src", "test", "node").normalize();
        if (!Files.isDirectory(dir.resolve("node_modules/ws"))) {
            fail("node's ws is not installed: run `npm ci --prefix client/src/test/node` (looked in " + dir + ")");
        }
        List<String> command = new ArrayList<>(List.of("node", "peer-client.js"));
        command.addAll(args);
        return new NodeClient(new ProcessBuilder(command).directory(dir.toFile()).start());
    }

    public void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Waits until the client printed {@code line} (a whole line). */
    public void await(String line) throws InterruptedException {
        if (!out.await(text -> text.lines().anyMatch(line::equals), Cli.WAIT)) {
            fail("node's client never printed '" + line + "'; it printed:\n" + out.text());
        }
    }

    @Override
    public void close() throws IOException {
        stdin.close(); // the script terminates its connection and exits
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
