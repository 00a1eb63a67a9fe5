package dev.tether.runtime.io;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines on a scheduler whose due tasks are handed to an executor at once, so that a slow task
 * never delays another connection's timers (the scheduler's thread only hands work over; it runs
 * the task itself only when the executor refuses it, see {@link Handoff}).
 */
public final class Timers {
    private final ScheduledExecutorService scheduler;
    private final Executor executor;

    /**
     * Timers that wait on {@code scheduler} and run their tasks on {@code executor}.
     *
     * @param scheduler what times the deadlines; it only hands the due tasks over
     * @param executor where the due tasks run
     */
    public Timers(ScheduledExecutorService scheduler, Executor executor) {
        this.scheduler = scheduler;
        this.executor = executor;
    }

    /**
     * Runs {@code task} once after {@code delay}.
     *
     * @param delay how long to wait
     * @param task the work to run on the executor when the delay has passed
     * @return the scheduled timer, to cancel with {@link #cancel}
     */
    public ScheduledFuture<?> once(Duration delay, Runnable task) {
        return once(scheduler, executor, delay, task);
    }

    /**
     * As {@link #once(Duration, Runnable)}, without a {@code Timers} to keep: for an owner that has
     * the scheduler and the executor at hand already (one object fewer per connection).
     *
     * @param scheduler what times the delay; it only hands the task over
     * @param executor where the task runs
     * @param delay how long to wait
     * @param task the work to run on the executor when the delay has passed
     * @return the scheduled timer, to cancel with {@link #cancel(ScheduledExecutorService, ScheduledFuture)}
     */
    public static ScheduledFuture<?> once(ScheduledExecutorService scheduler, Executor executor, Duration delay,
                                          Runnable task) {
        return scheduler.schedule(() -> Handoff.execute(executor, task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code task} every {@code period}, first after one period.
     *
     * @param period the time between two runs, positive
     * @param task the work to run on the executor each time
     * @return the scheduled timer, to cancel with {@link #cancel}
     */
    public ScheduledFuture<?> every(Duration period, Runnable task) {
        return every(scheduler, executor, period, task);
    }

    /**
     * As {@link #every(Duration, Runnable)}, without a {@code Timers} to keep.
     *
     * @param scheduler what times the periods; it only hands the task over
     * @param executor where the task runs
     * @param period the time between two runs, positive
     * @param task the work to run on the executor each time
     * @return the scheduled timer, to cancel with {@link #cancel(ScheduledExecutorService, ScheduledFuture)}
     */
    public static ScheduledFuture<?> every(ScheduledExecutorService scheduler, Executor executor, Duration period,
                                           Runnable task) {
        long nanos = period.toNanos();
        return scheduler.scheduleAtFixedRate(() -> Handoff.execute(executor, task), nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Cancels {@code timer} if there is one, and takes it out of this scheduler's queue (see
     * {@link #cancel(ScheduledExecutorService, ScheduledFuture)}); returns null for assigning back.
     *
     * @param timer the timer to cancel, or null; a run in progress is not interrupted
     * @return null
     */
    public ScheduledFuture<?> cancel(ScheduledFuture<?> timer) {
        return cancel(scheduler, timer);
    }

    /**
     * Cancels {@code timer} if there is one; returns null for assigning back. A
     * {@link ScheduledThreadPoolExecutor} without the remove-on-cancel policy (the JDK's default, so
     * an application's own scheduler may well have it) would keep a cancelled timer, and the
     * connection it refers to, queued until its delay passed: it is taken out of the queue here.
     *
     * @param scheduler the scheduler {@code timer} came from
     * @param timer the timer to cancel, or null; a run in progress is not interrupted
     * @return null
     */
    public static ScheduledFuture<?> cancel(ScheduledExecutorService scheduler, ScheduledFuture<?> timer) {
        if (timer != null && timer.cancel(false)
                && scheduler instanceof ScheduledThreadPoolExecutor pool && !pool.getRemoveOnCancelPolicy()
                && timer instanceof RunnableScheduledFuture<?> task) {
            pool.remove(task); // found by its heap index, without a scan, when the pool made the task itself
        }
        return null;
    }
}
