package dev.tether.servlet.upgrade;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** What one test's servlet, filter and handler did, in order. */
final class UpgradeEvents {
    final List<String> log = new CopyOnWriteArrayList<>();
    final CountDownLatch initialised = new CountDownLatch(1);
    final CountDownLatch destroyed = new CountDownLatch(1);
    /** The most bytes one read() returned. */
    final AtomicInteger largestRead = new AtomicInteger();

    void record(String event) {
        log.add(event);
    }
}
