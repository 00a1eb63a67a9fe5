package dev.tether.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A node script of src-it/node run as a conversation: it prints JSON-line events
 * ({@code {"event":…}}), the test waits for the ones it needs ({@link #await}, with a deadline) and
 * answers on the script's stdin ({@link #send}). An event {@code {"event":"fail","message":…}}, or
 * the script ending before the awaited event, fails the test with everything it printed.
 * {@link #close} stops the script's whole process tree.
 */
public final class NodeScript implements AutoCloseable {
    /** What the reader thread puts in the queue when the script's stdout ends. */
    private static final Map<String, Object> END = Map.of("event", "<end of output>");

    private final String command;
    private final Process process;
    private final Path stderr;
    private final Writer stdin;
    private final Thread reader;
    private final LinkedBlockingQueue<Map<String, Object>> incoming = new LinkedBlockingQueue<>();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final StringBuilder stdout = new StringBuilder();

    private NodeScript(String command, Process process, Path stderr) {
        this.command = command;
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::read, "node " + command);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code node <script> <args…>} in src-it/node. */
    public static NodeScript start(String script, String... args) throws IOException {
        Path dir = NodeClient.directory();
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("node-script-", ".err");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            Files.deleteIfExists(err);
            throw new IOException("cannot start node (is node 20+ on the PATH?): " + e.getMessage(), e);
        }
        return new NodeScript(String.join(" ", command), process, err);
    }

    /** Runs {@code node <script> <args…>} to its end (killed after {@code timeout}) and gives all it printed. */
    public static NodeClient.Run run(Duration timeout, String script, String... args) throws IOException, InterruptedException {
        try (NodeScript node = start(script, args)) {
            node.stdin.close(); // nothing to say
            node.awaitEnd(timeout);
            return node.result();
        }
    }

    /**
     * Waits up to {@code timeout} for the event named {@code name}, keeping the ones before it; fails
     * on a {@code fail} event, the end of the script's output, or the deadline.
     */
    public Map<String, Object> await(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Map<String, Object> event = left > 0 ? incoming.poll(left, TimeUnit.NANOSECONDS) : null;
            if (event == null) fail("node printed no '" + name + "' event within " + timeout + "\n" + transcript());
            if (event == END) {
                incoming.add(END); // for the next caller too
                fail("node ended before its '" + name + "' event\n" + transcript());
            }
            if ("fail".equals(event.get("event"))) fail("node: " + event.get("message") + "\n" + transcript());
            if (name.equals(event.get("event"))) return event;
        }
    }

    /** Writes one line to the script's stdin. */
    public void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits for the script to exit (killing it after {@code timeout}, which fails the test). */
    public int awaitEnd(Duration timeout) throws InterruptedException {
        boolean exited = Processes.awaitExit(process, timeout);
        if (!exited) {
            Processes.killTree(process);
            Processes.awaitExit(process, Duration.ofSeconds(10));
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        if (!exited) fail("node did not finish within " + timeout + "; killed\n" + transcript());
        return process.exitValue();
    }

    /** Everything printed so far, as a run (exit -1 while the script runs). */
    public synchronized NodeClient.Run result() {
        return new NodeClient.Run(command, process.isAlive() ? -1 : process.exitValue(), List.copyOf(events),
                stdout.toString(), readStderr());
    }

    /** The command, exit status, stdout and stderr so far, for failure messages. */
    public String transcript() {
        return result().toString();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) continue;
                Map<String, Object> event;
                try {
                    event = Json.object(line);
                } catch (IllegalArgumentException e) {
                    Map<String, Object> text = new LinkedHashMap<>();
                    text.put("event", "<not JSON>");
                    text.put("line", line);
                    event = text;
                }
                synchronized (this) {
                    stdout.append(line).append('\n');
                    events.add(event);
                }
                incoming.add(event);
            }
        } catch (IOException e) {
            // the process was killed; what it printed is kept
        } finally {
            incoming.add(END);
        }
    }

    private String readStderr() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read stderr: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the script is gone already
        }
        if (process.isAlive()) Processes.stopTree(process, Duration.ofSeconds(5));
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(stderr);
    }
}
