package dev.tether.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the tail of the servers' logs when a test fails, and the server threads that were inside
 * Tether's code then (a stall shows where it waits); the test class says which servers.
 */
public final class ServerLogOnFailure implements TestWatcher {
    /** Implemented by test classes that run against several distributions at once (a cluster). */
    public interface HasServers {
        /** The distributions started so far. */
        List<Distribution> servers();
    }

    /** Implemented by test classes that run against one distribution. */
    public interface HasServer extends HasServers {
        Distribution server();

        @Override
        default List<Distribution> servers() {
            return server() == null ? List.of() : List.of(server());
        }
    }

    private static final int LINES = 80;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Optional<Object> instance = context.getTestInstance();
        if (instance.isEmpty() || !(instance.get() instanceof HasServers has)) return;
        String test = context.getTestMethod().map(m -> m.getName() + " ").orElse("") + context.getDisplayName();
        for (Distribution server : has.servers()) {
            System.out.println("[src-it] " + test + " failed on " + server
                    + "; last " + LINES + " lines of " + server.log() + ":\n" + server.tail(LINES) + "\n[src-it] end of log");
            if (server.isRunning()) {
                System.out.println("[src-it] " + server + "'s threads in Tether's code:\n" + tetherThreads(server) + "[src-it] end of threads");
            }
        }
    }

    private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(20);

    /** The stacks of the server's threads with a Tether frame in them, from {@code jcmd Thread.print}. */
    static String tetherThreads(Distribution server) {
        String dump;
        Path out = null;
        try {
            // To a file, not a pipe: the wait below is bounded even if jcmd never finishes.
            out = Files.createTempFile("jcmd-", ".txt");
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(server.javaPid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!jcmd.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                return "(no thread dump: jcmd did not finish within " + JCMD_TIMEOUT + ")\n";
            }
            dump = Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "(no thread dump: " + e + ")\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)\n";
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind: nothing to report a failing test for
                }
            }
        }
        StringBuilder shown = new StringBuilder();
        for (String thread : stacks(dump)) {
            if (thread.contains("dev.tether.")) shown.append(thread).append('\n');
        }
        return shown.length() == 0 ? "(none)\n" : shown.toString();
    }

    /** A thread dump cut into one block per thread (blocks start with a quoted thread name). */
    private static List<String> stacks(String dump) {
        List<String> stacks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : dump.split("\n")) {
            if (line.startsWith("\"")) {
                if (current != null) stacks.add(current.toString());
                current = new StringBuilder();
            }
            if (current != null && !line.isBlank()) current.append(line).append('\n');
        }
        if (current != null) stacks.add(current.toString());
        return stacks;
    }
}
