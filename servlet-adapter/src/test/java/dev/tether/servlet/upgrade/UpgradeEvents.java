package dev.tether.servlet.upgrade;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** What one test's servlet, filter and handler did, in order. */
final class UpgradeEvents {
    final List<String> log = new CopyOnWriteArrayList<>();
    final CountDownLatch initialised = new CountDownLatch(1);
    final CountDownLatch destroyed = new CountDownLatch(1);

    void record(String event) {
        log.add(event);
    }
}
