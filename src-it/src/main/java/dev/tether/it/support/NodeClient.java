package dev.tether.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs one of the node client scripts in src-it/node ({@code node <client>.js <case> <url> [args]})
 * and gives the JSON-line events it printed. A run that does not end in time is killed and fails
 * the test with what it printed so far.
 */
public final class NodeClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    /** The scripts: one per client library. */
    public enum Library {
        WS("ws.js"), FAYE("faye.js"), WEBSOCKET_NODE("websocket-node.js");

        final String script;

        Library(String script) {
            this.script = script;
        }
    }

    /** What a run printed: its events in order, and the raw output for messages. */
    public record Run(String command, int exit, List<Map<String, Object>> events, String stdout, String stderr) {
        /** The events named {@code name}, in order. */
        public List<Map<String, Object>> events(String name) {
            return events.stream().filter(e -> name.equals(e.get("event"))).collect(Collectors.toList());
        }

        /** The one event named {@code name}; fails the test when there is not exactly one. */
        public Map<String, Object> only(String name) {
            List<Map<String, Object>> found = events(name);
            if (found.size() != 1) fail("expected one '" + name + "' event, got " + found.size() + "\n" + this);
            return found.get(0);
        }

        /** The event names in order. */
        public List<String> names() {
            return events.stream().map(e -> String.valueOf(e.get("event"))).collect(Collectors.toList());
        }

        /** Output longer than this many lines is shown as its head and tail: the failure's end stays in view. */
        private static final int SHOWN_HEAD = 10;
        private static final int SHOWN_TAIL = 40;

        @Override
        public String toString() {
            Map<String, Long> counts = events.stream()
                    .collect(Collectors.groupingBy(e -> String.valueOf(e.get("event")), LinkedHashMap::new, Collectors.counting()));
            return "$ " + command + "\nexit " + exit + "; events " + counts
                    + "\n--- stdout ---\n" + shortened(stdout) + "--- stderr ---\n" + shortened(stderr);
        }

        private static String shortened(String output) {
            String[] lines = output.split("\n", -1);
            if (lines.length <= SHOWN_HEAD + SHOWN_TAIL + 1) return output;
            int left = lines.length - SHOWN_HEAD - SHOWN_TAIL;
            return String.join("\n", Arrays.asList(lines).subList(0, SHOWN_HEAD))
                    + "\n… " + left + " lines …\n"
                    + String.join("\n", Arrays.asList(lines).subList(lines.length - SHOWN_TAIL, lines.length));
        }
    }

    private NodeClient() {
    }

    /** The src-it/node directory; fails the test with the set-up command when its packages are missing. */
    public static Path directory() {
        Path dir = ItPaths.property("tether.it.node");
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            fail("the node clients are not installed: run `npm ci --prefix src-it/node` (from the repository root), "
                    + "then the tests again (" + dir.resolve("node_modules") + " is missing)");
        }
        return dir;
    }

    /** Runs {@code library}'s script with {@code case} against {@code url} (and extra arguments). */
    public static Run run(Library library, String caseName, String url, String... extra)
            throws IOException, InterruptedException {
        Path dir = directory();
        List<String> command = new ArrayList<>(List.of("node", library.script, caseName, url));
        command.addAll(List.of(extra));
        Path out = Files.createTempFile("node-" + library.name().toLowerCase() + "-", ".out");
        Path err = Files.createTempFile("node-" + library.name().toLowerCase() + "-", ".err");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot start node (is node 20+ on the PATH?): " + e.getMessage(), e);
        }
        try {
            boolean exited = Processes.awaitExit(process, TIMEOUT);
            if (!exited) Processes.killTree(process);
            Processes.awaitExit(process, Duration.ofSeconds(10));
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            String shown = String.join(" ", command);
            if (!exited) fail("node did not finish within " + TIMEOUT + "; killed\n" + new Run(shown, -1, List.of(), stdout, stderr));
            List<Map<String, Object>> events = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (line.isBlank()) continue;
                try {
                    events.add(Json.object(line));
                } catch (IllegalArgumentException e) {
                    fail("node printed a line that is not a JSON object: " + line + "\n"
                            + new Run(shown, process.exitValue(), List.of(), stdout, stderr), e);
                }
            }
            return new Run(shown, process.exitValue(), List.copyOf(events), stdout, stderr);
        } finally {
            if (process.isAlive()) Processes.killTree(process);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
