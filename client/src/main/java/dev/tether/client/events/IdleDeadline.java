package dev.tether.client.events;

import dev.tether.runtime.io.Timers;

import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The idle deadline of one open stream: it expires when nothing has happened on the stream for
 * {@code timeout}. Activity only moves a time stamp; one timer at a time checks it and, while time
 * is left, sets itself again for the rest, so a busy stream costs no timer per chunk.
 *
 * <p>The timer runs on the scheduler and only hands {@code check} to the stream's serial events,
 * where {@link #expired()} decides: a chunk that was being handled meanwhile has moved the stamp.
 * A zero timeout never expires.
 */
final class IdleDeadline {
    private static final System.Logger LOG = System.getLogger(IdleDeadline.class.getName());

    private final ScheduledExecutorService scheduler;
    private final long timeoutNanos;
    private final Runnable check;

    private volatile long lastActivity;
    private ScheduledFuture<?> timer; // guarded by this
    private boolean stopped;          // guarded by this

    /**
     * @param check handed the decision when the timer fires; it calls {@link #expired()} and, when
     *              not expired, {@link #rearm()}
     */
    IdleDeadline(ScheduledExecutorService scheduler, long timeoutNanos, Runnable check) {
        this.scheduler = scheduler;
        this.timeoutNanos = timeoutNanos;
        this.check = check;
    }

    /** Starts timing from now. */
    void start() {
        touch();
        schedule(timeoutNanos);
    }

    /** Something happened on the stream: the idle time starts again. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** Whether the stream has been idle for the whole timeout. */
    boolean expired() {
        return timeoutNanos > 0 && System.nanoTime() - lastActivity >= timeoutNanos;
    }

    /** Sets the timer for the time left. */
    void rearm() {
        schedule(Math.max(1, timeoutNanos - (System.nanoTime() - lastActivity)));
    }

    /** No more checks. */
    synchronized void stop() {
        stopped = true;
        Timers.cancel(scheduler, timer);
        timer = null;
    }

    private synchronized void schedule(long delayNanos) {
        if (stopped || timeoutNanos == 0) return;
        try {
            timer = scheduler.schedule(check, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "the scheduler refused the idle deadline (shut down?); the stream goes on without one");
        }
    }
}
