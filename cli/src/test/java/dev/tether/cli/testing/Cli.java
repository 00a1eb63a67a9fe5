package dev.tether.cli.testing;

import dev.tether.client.peers.StreamCollector;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The packaged tool, {@code java -jar cli/target/tether-cli.jar …}, run as a user runs it: with
 * pipes ({@link #piped}: standard output and error apart), or at a terminal ({@link #inTerminal}:
 * under util-linux's {@code script}, which gives it a pseudo-terminal; what the terminal shows is
 * one stream, read with its escape sequences removed). Waits are on the output, never timed sleeps.
 */
public final class Cli implements AutoCloseable {
    /** Generous: a busy two-core machine starts a JVM slowly. */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private static final Pattern TERMINAL_CODES = Pattern.compile(
            "\u001b\\[[0-9;?<=>]*[ -/]*[@-~]"   // CSI: cursor, colours, modes
                    + "|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)" // OSC: titles
                    + "|\u001b[()][A-Za-z0-9]|\u001b[=>78DEHMc]"      // charsets, keypad, save/restore
                    + "|\r");

    private final Process process;
    private final OutputStream stdin;
    private final StreamCollector out;
    private final StreamCollector err;
    private final boolean terminal;

    private Cli(Process process, boolean terminal) {
        this.process = process;
        this.terminal = terminal;
        this.stdin = process.getOutputStream();
        this.out = StreamCollector.start(process.getInputStream(), "cli-stdout");
        this.err = StreamCollector.start(process.getErrorStream(), "cli-stderr");
    }

    /** The jar failsafe was told about, built by {@code package}. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("tether.cli.jar", "target/tether-cli.jar"));
        if (!Files.isRegularFile(jar)) {
            fail("no " + jar.toAbsolutePath() + ": these tests run after `package` (mvn verify)");
        }
        return jar;
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        return command;
    }

    /** {@code tether args…} with its standard input, output and error as pipes. */
    public static Cli piped(String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(javaCommand(args));
        builder.environment().remove("NO_COLOR");
        return new Cli(builder.start(), false);
    }

    /** {@code tether args…} at a 120×40 terminal: a pseudo-terminal from {@code script}. */
    public static Cli inTerminal(String... args) throws IOException {
        String command = "stty cols 120 rows 40; exec " + javaCommand(args).stream().map(Cli::quoted).collect(Collectors.joining(" "));
        ProcessBuilder builder = new ProcessBuilder("script", "--quiet", "--flush", "--return", "--command", command, "/dev/null");
        builder.environment().put("TERM", "xterm-256color");
        builder.environment().remove("NO_COLOR");
        return new Cli(builder.start(), true);
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Types (or pipes) {@code text} as it is; at a terminal, Enter is {@code "\r"}. */
    public void type(String text) throws IOException {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Ends standard input (a pipe's end; at a terminal, use Ctrl-D instead). */
    public void closeInput() throws IOException {
        stdin.close();
    }

    /** Closes our end of its standard output, as a reader that has what it wanted does (head -2). */
    public void closeOutput() throws IOException {
        process.getInputStream().close();
    }

    /** Sends SIGINT, as Ctrl-C at a terminal does (to the tool, not to a {@code script} around it). */
    public void interrupt() throws IOException, InterruptedException {
        long pid = terminal ? process.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElseThrow().pid() : process.pid();
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            fail("kill -INT " + pid + " failed");
        }
    }

    /** Sends SIGTERM, as {@code kill} does. */
    public void terminate() {
        process.destroy();
    }

    /** Standard output so far (at a terminal: the screen's text, without escape sequences). */
    public String out() {
        return clean(out.text());
    }

    /** Standard error so far (at a terminal it is part of {@link #out()}). */
    public String err() {
        return terminal ? out() : err.text();
    }

    /** Standard output as the terminal got it, escape sequences and all. */
    public String rawOut() {
        return out.text();
    }

    /** Waits until standard output contains {@code text}; fails with what was printed otherwise. */
    public String awaitOut(String text) throws InterruptedException {
        if (!out.await(printed -> clean(printed).contains(text), WAIT)) {
            fail("the tool never printed '" + text + "' on standard output" + transcript());
        }
        return out();
    }

    /**
     * At a terminal: waits until the prompt is on screen, last, with nothing typed after it. Line
     * editing is on from then on, so a key typed now reaches it (typed earlier, a Ctrl-D would meet
     * the terminal's own line discipline instead).
     */
    public void awaitPrompt() throws InterruptedException {
        if (!out.await(printed -> clean(printed).endsWith("\n> "), WAIT)) {
            fail("the tool never showed an empty prompt" + transcript());
        }
    }

    /** Waits until standard error (at a terminal: the screen) contains {@code text}. */
    public String awaitErr(String text) throws InterruptedException {
        StreamCollector stream = terminal ? out : err;
        if (!stream.await(printed -> clean(printed).contains(text), WAIT)) {
            fail("the tool never printed '" + text + "' on standard error" + transcript());
        }
        return err();
    }

    /** Waits until standard output satisfies {@code condition} (checked after each chunk); {@code what} says what was awaited. */
    public void awaitOut(Predicate<String> condition, String what) throws InterruptedException {
        if (!out.await(printed -> condition.test(clean(printed)), WAIT)) {
            fail("never: " + what + transcript());
        }
    }

    /** Waits for the process to end and returns its status. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the tool did not exit" + transcript());
        }
        out.text(Duration.ofSeconds(5));
        err.text(Duration.ofSeconds(5));
        return process.exitValue();
    }

    /** Waits for the end and checks its status. */
    public void assertExit(int expected) throws InterruptedException {
        int status = awaitExit();
        assertTrue(status == expected, "exit status " + status + ", expected " + expected + transcript());
    }

    /** What the tool printed, for failure messages. */
    public String transcript() {
        return "\n--- stdout ---\n" + out() + (terminal ? "" : "\n--- stderr ---\n" + err.text()) + "\n---";
    }

    private static String clean(String text) {
        return TERMINAL_CODES.matcher(text).replaceAll("");
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList(); // before the parent goes and they move
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
