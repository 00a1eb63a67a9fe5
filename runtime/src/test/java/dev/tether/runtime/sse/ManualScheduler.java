package dev.tether.runtime.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on a clock the test moves by hand: {@link #advance} runs what falls due, on the test's
 * thread, in order. Its {@link #nanoTime()} is the clock a stream measures stalls on.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final List<Task> tasks = new ArrayList<>();
    private long now;

    /** The scheduler's clock. */
    synchronized long nanoTime() {
        return now;
    }

    /** Moves the clock on by {@code time}, running every task that falls due on the way. */
    void advance(Duration time) {
        long until;
        synchronized (this) {
            until = now + time.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                tasks.removeIf(Task::isDone);
                next = tasks.stream().filter(t -> t.due <= until).min((a, b) -> Long.compare(a.due, b.due)).orElse(null);
                if (next == null) {
                    now = until;
                    return;
                }
                now = Math.max(now, next.due);
            }
            next.runDue();
        }
    }

    /** Tasks scheduled and neither done nor cancelled. */
    synchronized int pending() {
        tasks.removeIf(Task::isDone);
        return tasks.size();
    }

    private synchronized Task add(Runnable task, long delayNanos, long periodNanos) {
        Task t = new Task(task, now + Math.max(0, delayNanos), periodNanos);
        tasks.add(t);
        return t;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(command, unit.toNanos(delay), 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return add(command, unit.toNanos(initialDelay), unit.toNanos(period));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return add(command, unit.toNanos(initialDelay), unit.toNanos(delay));
    }

    @Override
    public void execute(Runnable command) {
        add(command, 0, 0);
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }

    private final class Task extends FutureTask<Void> implements ScheduledFuture<Void> {
        private final long period;
        private long due;

        Task(Runnable task, long due, long period) {
            super(task, null);
            this.due = due;
            this.period = period;
        }

        void runDue() {
            if (period == 0) {
                run();
            } else if (runAndReset()) {
                synchronized (ManualScheduler.this) {
                    due += period;
                }
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
