package dev.tether.servlet.io;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * The application's calls into a connection ({@code send}, {@code close} …), marked on the calling
 * thread so that what they cause does not run inside them: listener events, and the completion of
 * the stages they return. A stage that is complete when {@code send} returns runs what the caller
 * chains to it on the caller's own stack, so a chain of sends ({@code send(x).thenRun(next)}) would
 * grow the stack by a level per message.
 */
public final class ApplicationCalls {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private ApplicationCalls() {
    }

    /** Marks the start of an application's call; pass the result to {@link #leave}. */
    public static int[] enter() {
        int[] calls = DEPTH.get();
        calls[0]++;
        return calls;
    }

    public static void leave(int[] calls) {
        calls[0]--;
    }

    /** Whether this thread is inside an application's call into a connection. */
    public static boolean inside() {
        return DEPTH.get()[0] != 0;
    }

    /**
     * Completes {@code stages} (exceptionally with {@code error}, normally when it is null): at once,
     * or, inside an application's call, on the common pool.
     */
    public static void settle(List<CompletableFuture<Void>> stages, Throwable error) {
        if (inside()) {
            ForkJoinPool.commonPool().execute(() -> complete(stages, error));
        } else {
            complete(stages, error);
        }
    }

    private static void complete(List<CompletableFuture<Void>> stages, Throwable error) {
        for (CompletableFuture<Void> stage : stages) {
            if (error == null) {
                stage.complete(null);
            } else {
                stage.completeExceptionally(error);
            }
        }
    }
}
