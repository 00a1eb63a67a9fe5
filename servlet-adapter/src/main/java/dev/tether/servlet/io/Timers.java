package dev.tether.servlet.io;

import java.time.Duration;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread for every connection's deadlines (keepalive, close, idle, handshake). Due tasks
 * are handed to the common pool at once, so a slow listener never delays another connection's
 * timers. The thread exists only while something is scheduled: it ends a second after the last
 * connection is gone, so an undeployed web application leaves no thread behind.
 */
public final class Timers {
    private static final ScheduledThreadPoolExecutor SCHEDULER = newScheduler();

    private Timers() {
    }

    private static ScheduledThreadPoolExecutor newScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "tether-timer");
            thread.setDaemon(true);
            // Not tied to the web application that happened to start it: it serves them all.
            thread.setContextClassLoader(null);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setKeepAliveTime(1, TimeUnit.SECONDS);
        scheduler.allowCoreThreadTimeOut(true);
        return scheduler;
    }

    /** Runs {@code task} once after {@code delay}. */
    public static ScheduledFuture<?> once(Duration delay, Runnable task) {
        return SCHEDULER.schedule(() -> ForkJoinPool.commonPool().execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code period}, first after one period. */
    public static ScheduledFuture<?> every(Duration period, Runnable task) {
        long nanos = period.toNanos();
        return SCHEDULER.scheduleAtFixedRate(() -> ForkJoinPool.commonPool().execute(task), nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Cancels {@code timer} if there is one; returns null for assigning back. */
    public static ScheduledFuture<?> cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
        return null;
    }
}
