package dev.tether.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Stopping child processes and everything they started. */
public final class Processes {
    private Processes() {
    }

    /**
     * Asks {@code process} and its descendants to stop (SIGTERM), waits up to {@code grace} for the
     * process to exit, then kills whatever of the tree is left. Returns whether it exited in the grace time.
     */
    public static boolean stopTree(Process process, Duration grace) {
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        boolean graceful = awaitExit(process, grace);
        if (!graceful) process.destroyForcibly();
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) child.destroyForcibly();
        }
        awaitExit(process, Duration.ofSeconds(10));
        return graceful;
    }

    /** Kills {@code process} and its descendants at once (for shutdown hooks and timeouts). */
    public static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Waits until {@code process} exits or {@code timeout} passes; true if it exited. */
    public static boolean awaitExit(Process process, Duration timeout) {
        try {
            process.onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /**
     * Registers a JVM shutdown hook that kills {@code process}'s tree if the test JVM goes away
     * while it still runs; the returned thread is for {@link #removeHook}.
     */
    public static Thread killOnExit(Process process, String name) {
        Thread hook = new Thread(() -> {
            if (process.isAlive()) killTree(process);
        }, "kill " + name);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Removes a hook registered by {@link #killOnExit}, unless the JVM is already shutting down. */
    public static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    /**
     * Polls GET {@code uri} until it answers 426 (a WebSocket servlet's answer to a plain GET: the
     * application is up), {@code server} exits or {@code timeout} passes; null when ready, else why not.
     */
    public static String awaitWebSocketServlet(Process server, URI uri, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 426) return null;
                last = "GET " + uri.getPath() + " answered " + status;
            } catch (IOException e) {
                last = "GET " + uri.getPath() + ": " + e;
            }
            // The pause between polls doubles as the check that the server is still running.
            if (awaitExit(server, Duration.ofMillis(200))) {
                return "the process exited with " + server.exitValue() + " (" + last + ")";
            }
        }
        return "not ready within " + timeout + " (" + last + ")";
    }
}
