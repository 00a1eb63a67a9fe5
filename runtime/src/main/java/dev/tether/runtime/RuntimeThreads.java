package dev.tether.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads connections use when their options name none: one timer thread for every connection's
 * deadlines, and a pool of daemon threads for what a connection runs off the caller's stack (timer
 * tasks, events due while the application is inside a call, send completions past the inline depth).
 *
 * <p>Never the common pool: one blocking listener there stalls every connection's timers, and on a
 * two-core machine that pool has a single thread. The pool here grows with demand, so a blocked
 * listener holds one thread, not everybody's. Both exist only while used: idle threads end after a
 * few seconds, so an undeployed web application leaves no thread behind.
 */
public final class RuntimeThreads {
    private static final ScheduledThreadPoolExecutor SCHEDULER = newScheduler();
    private static final ThreadPoolExecutor EXECUTOR = newExecutor();

    private RuntimeThreads() {
    }

    /**
     * The shared timer thread: schedules only; due tasks are handed to an executor.
     *
     * @return the one scheduler shared by every connection's deadlines
     */
    public static ScheduledExecutorService scheduler() {
        return SCHEDULER;
    }

    /**
     * The shared pool of daemon threads.
     *
     * @return an executor that runs each task at once, on an idle thread or a new one
     */
    public static Executor executor() {
        return EXECUTOR;
    }

    private static ScheduledThreadPoolExecutor newScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemons("tether-timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setKeepAliveTime(1, TimeUnit.SECONDS);
        scheduler.allowCoreThreadTimeOut(true);
        return scheduler;
    }

    private static ThreadPoolExecutor newExecutor() {
        // A task never waits in a queue: it gets an idle thread or a new one.
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), daemons("tether-"));
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            thread.setDaemon(true);
            // Not tied to the web application that happened to start it: it serves them all.
            thread.setContextClassLoader(null);
            return thread;
        };
    }
}
