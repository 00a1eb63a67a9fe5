package dev.tether.bench.server;

import com.sun.management.GarbageCollectionNotificationInfo;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap a server holds while it runs, without stopping it: after every collection the JVM
 * reports (a GC notification), the heap in use then (the heap's pools after it), and the highest of
 * those since the last report. A collection leaves what is live and what it did not get to (a young
 * collection leaves the old generation as it was), so the figure is at least the live heap; a server
 * that keeps what it streams shows it growing with every collection.
 */
final class GcPeak {
    private static final AtomicLong PEAK = new AtomicLong();
    private static final AtomicLong COLLECTIONS = new AtomicLong();

    private GcPeak() {
    }

    static void install() {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                PEAK.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageAfterGc(), heapPools), Math::max);
                COLLECTIONS.incrementAndGet();
            }, null, null);
        }
    }

    private static long heapUsed(Map<String, MemoryUsage> pools, Set<String> heapPools) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : pools.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    /** {@code after=<bytes> collections=<n>} since the last report, then starts again. */
    static String takeReport() {
        return "after=" + PEAK.getAndSet(0) + " collections=" + COLLECTIONS.getAndSet(0);
    }
}
