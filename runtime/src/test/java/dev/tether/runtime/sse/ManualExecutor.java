package dev.tether.runtime.sse;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor whose tasks wait until the test runs them, on its own thread. */
final class ManualExecutor implements Executor {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs tasks, those they add included, until none is left; returns how many ran. */
    int runAll() {
        int ran = 0;
        for (Runnable task; (task = tasks.poll()) != null; ran++) {
            task.run();
        }
        return ran;
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }
}
