package dev.tether.servlet.endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What test endpoints saw, as lines; endpoints are made by the library, so they record into this
 * shared queue, cleared before each test.
 */
final class Recorder {
    static final BlockingQueue<String> EVENTS = new LinkedBlockingQueue<>();

    private Recorder() {
    }

    static void record(String event) {
        EVENTS.add(event);
    }

    /** Waits for the next event that starts with {@code prefix}, skipping others; returns it. */
    static String await(String prefix) throws InterruptedException {
        List<String> seen = until(prefix);
        return seen.get(seen.size() - 1);
    }

    /** Waits for the next event that starts with {@code prefix}; returns the events up to it, it last. */
    static List<String> until(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            String event = left <= 0 ? null : EVENTS.poll(left, TimeUnit.NANOSECONDS);
            if (event == null) {
                fail("no event starting with \"" + prefix + "\" within 10 s; saw " + seen);
            }
            seen.add(event);
            if (event.startsWith(prefix)) {
                return seen;
            }
        }
    }
}
