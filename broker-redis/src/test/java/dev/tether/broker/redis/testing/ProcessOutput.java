package dev.tether.broker.redis.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process's output read line by line to its end on a daemon thread, so that a fixture waits
 * for the line that announces an event (a latch released by the reader) instead of sleeping or polling.
 */
final class ProcessOutput {
    private final List<String> lines = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    /** One {@link #awaitLine} call: released by the reader at a matching line, or at the end of the stream. */
    private static final class Waiter {
        final int from;
        final Predicate<String> condition;
        final CountDownLatch released = new CountDownLatch(1);
        int matched = -1;

        Waiter(int from, Predicate<String> condition) {
            this.from = from;
            this.condition = condition;
        }
    }

    private ProcessOutput() {
    }

    /** Starts reading {@code in} on a daemon thread called {@code name}. */
    static ProcessOutput start(InputStream in, String name) {
        ProcessOutput output = new ProcessOutput();
        Thread reader = new Thread(() -> output.read(in), name);
        reader.setDaemon(true);
        reader.start();
        return output;
    }

    private void read(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    int index = lines.size() - 1;
                    for (Waiter waiter : waiters) {
                        if (waiter.matched < 0 && index >= waiter.from && waiter.condition.test(line)) {
                            waiter.matched = index;
                            waiter.released.countDown();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone (or its pipe was closed): what it wrote is kept
        } finally {
            synchronized (this) {
                ended.countDown();
                waiters.forEach(waiter -> waiter.released.countDown());
            }
        }
    }

    /**
     * Waits until a line at index {@code from} or later satisfies {@code condition}; returns that
     * line's index, or -1 if the stream ended or {@code timeout} passed first.
     */
    int awaitLine(int from, Predicate<String> condition, Duration timeout) throws InterruptedException {
        Waiter waiter = new Waiter(from, condition);
        synchronized (this) {
            for (int i = from; i < lines.size(); i++) {
                if (condition.test(lines.get(i))) return i;
            }
            if (ended.getCount() == 0) return -1;
            waiters.add(waiter);
        }
        try {
            waiter.released.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            synchronized (this) {
                waiters.remove(waiter);
            }
        }
        synchronized (this) {
            return waiter.matched;
        }
    }

    /** Waits up to {@code timeout} for the end of the stream; returns whether it ended. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The number of complete lines read so far. */
    synchronized int lineCount() {
        return lines.size();
    }

    /** Everything read so far, one line each. */
    synchronized String text() {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
