package dev.tether.runtime.io;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The stage a send returns. A send is often written by the time it returns, so its stage is
 * complete, and what the caller chains to it runs at once on the caller's stack: a chain of sends
 * ({@code send(x).thenRun(next)}) would grow the stack by a level per message. Here such work runs
 * inline only a few levels deep on one thread, then on the connection's executor, which starts a fresh stack;
 * a send nobody chains to costs nothing extra.
 *
 * <p>Completions ({@link #settle}) follow the same rule, as the dependents they run may send again,
 * and one more: inside the application's own call ({@link ApplicationCalls}), only the caller's own
 * stages that nothing waits on yet complete there; any other (a send of another thread, written or
 * failed by this one's flush) completes on the executor, so no other code runs inside this caller's call,
 * under its locks.
 *
 * @param <T> the type of the send's result
 */
public final class SendStage<T> extends CompletableFuture<T> {
    /** Levels of dependents run inline on one thread before the next goes to the pool. */
    static final int MAX_INLINE_DEPTH = 16;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** The thread that made this stage: the one whose call may complete it inline. */
    private final Thread maker = Thread.currentThread();
    /** Where dependents past the inline depth run: the connection's executor. */
    private final Executor pool;
    /**
     * A stage whose waits ({@link #get}, {@link #join}) first write what the waiting thread's read
     * batch holds back ({@link OutboundQueue#beginBatch}): a listener that sends and waits would
     * otherwise wait for the batch's end, which comes only when it returns.
     *
     * @param pool where dependents past the inline depth run; never the caller's thread
     */
    public SendStage(Executor pool) {
        this.pool = pool;
    }

    /**
     * A stage failed with {@code error}, settled by the same rule.
     *
     * @param pool where dependents past the inline depth run
     * @param error what the send failed with
     * @return the failed stage (or one failing soon, on {@code pool}, when the rule says so)
     */
    public static SendStage<Void> failed(Executor pool, Throwable error) {
        SendStage<Void> stage = new SendStage<>(pool);
        settle(pool, List.of(stage), error);
        return stage;
    }

    /**
     * Completes {@code stages}: exceptionally with {@code error}, normally when it is null; on
     * {@code pool} where the rule says they may not complete here.
     *
     * @param pool where the stages complete when they may not complete on this thread
     * @param stages the stages to complete
     * @param error what they fail with, or null to complete them normally
     */
    public static void settle(Executor pool, List<? extends CompletableFuture<Void>> stages, Throwable error) {
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_INLINE_DEPTH || ApplicationCalls.inside() && !allOwnAndUnawaited(stages)) {
            Handoff.execute(pool, () -> complete(stages, error));
            return;
        }
        depth[0]++;
        try {
            complete(stages, error);
        } finally {
            depth[0]--;
        }
    }

    /** Whether each stage is this thread's own send with nothing chained to it yet. */
    private static boolean allOwnAndUnawaited(List<? extends CompletableFuture<Void>> stages) {
        Thread me = Thread.currentThread();
        for (CompletableFuture<Void> stage : stages) {
            if (!(stage instanceof SendStage<?> own) || own.maker != me || stage.getNumberOfDependents() > 0) {
                return false;
            }
        }
        return true;
    }

    private static void complete(List<? extends CompletableFuture<Void>> stages, Throwable error) {
        for (CompletableFuture<Void> stage : stages) {
            if (error == null) {
                stage.complete(null);
            } else {
                stage.completeExceptionally(error);
            }
        }
    }

    /** Runs {@code inline}, which runs the dependent now if this stage is complete, or {@code async}. */
    private <S> S bounded(Supplier<S> inline, Supplier<S> async) {
        if (!isDone()) {
            return inline.get(); // registered: it runs when the stage completes, counted there
        }
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_INLINE_DEPTH) {
            return async.get();
        }
        depth[0]++;
        try {
            return inline.get();
        } finally {
            depth[0]--;
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new SendStage<>(pool); // stages derived from this one keep the rule, and the write before waiting
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        writeBeforeWaiting();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        writeBeforeWaiting();
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        writeBeforeWaiting();
        return super.join();
    }

    /**
     * Writes the waiting thread's held batches. What the write completes runs as any write's
     * completion does, here: this thread's own stages among them, as they would have completed
     * inside its sends without a batch (handing them to the executor could leave them behind this
     * very thread, should it be the executor's only one).
     */
    private void writeBeforeWaiting() {
        if (!isDone()) {
            OutboundQueue.writeBatchesHere();
        }
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return bounded(() -> super.thenApply(fn), () -> super.thenApplyAsync(fn, pool));
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return bounded(() -> super.thenAccept(action), () -> super.thenAcceptAsync(action, pool));
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return bounded(() -> super.thenRun(action), () -> super.thenRunAsync(action, pool));
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
                                                   BiFunction<? super T, ? super U, ? extends V> fn) {
        return bounded(() -> super.thenCombine(other, fn), () -> super.thenCombineAsync(other, fn, pool));
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
                                                      BiConsumer<? super T, ? super U> action) {
        return bounded(() -> super.thenAcceptBoth(other, action), () -> super.thenAcceptBothAsync(other, action, pool));
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return bounded(() -> super.runAfterBoth(other, action), () -> super.runAfterBothAsync(other, action, pool));
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return bounded(() -> super.applyToEither(other, fn), () -> super.applyToEitherAsync(other, fn, pool));
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return bounded(() -> super.acceptEither(other, action), () -> super.acceptEitherAsync(other, action, pool));
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return bounded(() -> super.runAfterEither(other, action), () -> super.runAfterEitherAsync(other, action, pool));
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return bounded(() -> super.thenCompose(fn), () -> super.thenComposeAsync(fn, pool));
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return bounded(() -> super.whenComplete(action), () -> super.whenCompleteAsync(action, pool));
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return bounded(() -> super.handle(fn), () -> super.handleAsync(fn, pool));
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return bounded(() -> super.exceptionally(fn), () -> super.exceptionallyAsync(fn, pool));
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return bounded(() -> super.exceptionallyCompose(fn), () -> super.exceptionallyComposeAsync(fn, pool));
    }
}
