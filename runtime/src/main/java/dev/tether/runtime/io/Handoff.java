package dev.tether.runtime.io;

import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands work to an executor that may refuse it (a bounded pool, or one shutting down): refused
 * work runs on the calling thread, late rather than never, so a deadline still fires, a completion
 * still completes and the frames behind a write still go out.
 */
public final class Handoff {
    private static final System.Logger LOG = System.getLogger(Handoff.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private Handoff() {
    }

    /**
     * Runs {@code task} on {@code executor}, or here if the executor refuses it.
     *
     * @param executor where the task should run
     * @param task the work to hand over
     */
    public static void execute(Executor executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException refused) {
            // Once per process as a warning: a pool that refuses under load would refuse thousands of times.
            LOG.log(WARNED.compareAndSet(false, true) ? Level.WARNING : Level.DEBUG,
                    "the executor refused a task; it runs on the calling thread instead: " + refused);
            task.run();
        }
    }
}
