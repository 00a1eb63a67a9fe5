package dev.tether.servlet.upgrade;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** What one test's servlet, filter and transport user did, in order. */
final class UpgradeEvents {
    final List<String> log = new CopyOnWriteArrayList<>();
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch startFailed = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);
    /** The most bytes one onInput call was given. */
    final AtomicInteger largestRead = new AtomicInteger();

    void record(String event) {
        log.add(event);
    }
}
