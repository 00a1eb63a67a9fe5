package dev.tether.client.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process's output stream read to its end on a daemon thread: the text so far, and a
 * wait for a condition on it (woken by each chunk read, never polled).
 */
public final class StreamCollector {
    private final StringBuilder text = new StringBuilder();
    private final Thread thread;
    private boolean ended;

    private StreamCollector(InputStream in, String name) {
        this.thread = new Thread(() -> read(in), name);
        thread.setDaemon(true);
    }

    public static StreamCollector start(InputStream in, String name) {
        StreamCollector collector = new StreamCollector(in, name);
        collector.thread.start();
        return collector;
    }

    private void read(InputStream in) {
        char[] chunk = new char[4096];
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            int n;
            while ((n = reader.read(chunk)) != -1) {
                synchronized (this) {
                    text.append(chunk, 0, n);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone: what it wrote is kept
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Everything read so far. */
    public synchronized String text() {
        return text.toString();
    }

    /** Everything, once the stream ended or {@code timeout} passed (for failure messages after a process exits). */
    public String text(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return text();
    }

    /**
     * Waits until the text read so far satisfies {@code condition}, the stream ends, or {@code timeout}
     * passes; returns whether the condition held.
     */
    public synchronized boolean await(Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(text.toString())) {
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
