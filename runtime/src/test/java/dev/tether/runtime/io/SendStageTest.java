package dev.tether.runtime.io;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.tether.runtime.RuntimeThreads;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Send stages: what is chained to a completed one runs inline only a few levels deep. */
class SendStageTest {
    private static final Executor POOL = RuntimeThreads.executor();

    private static final int CHAIN = 1_000_000;

    /** A send that was written before it returned. */
    private static SendStage<Void> written() {
        SendStage<Void> stage = new SendStage<>(POOL);
        SendStage.settle(POOL, List.of(stage), null);
        return stage;
    }

    private final AtomicInteger deepestStack = new AtomicInteger();

    private void chain(int left, CompletableFuture<Void> done) {
        if (left % 1000 == 0) { // a sample of the levels: at every position within the runs inline, in time
            deepestStack.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
        }
        if (left == 0) {
            done.complete(null);
            return;
        }
        written().thenRun(() -> chain(left - 1, done)).exceptionally(e -> {
            done.completeExceptionally(e);
            return null;
        });
    }

    @Test
    @DisplayName("a million sends, each chained to the one before, neither overflow nor grow the stack")
    void aChainOfAMillionStaysFlat() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int base = Thread.currentThread().getStackTrace().length;
        chain(CHAIN, done);
        done.get(60, TimeUnit.SECONDS);
        assertTrue(deepestStack.get() < base + 50 * SendStage.MAX_INLINE_DEPTH,
                "deepest stack " + deepestStack.get() + " frames");
    }

    @Test
    @DisplayName("a few levels run inline, on the caller's thread")
    void shallowChainsRunInline() {
        Thread caller = Thread.currentThread();
        AtomicInteger ranHere = new AtomicInteger();
        written().thenRun(() -> written().thenRun(() -> {
            if (Thread.currentThread() == caller) ranHere.incrementAndGet();
        }));
        assertEquals(1, ranHere.get());
    }

    @Test
    @DisplayName("derived stages keep the rule, failures included")
    void derivedStagesKeepTheRule() throws Exception {
        CompletableFuture<Integer> mapped = written().thenApply(v -> 1);
        assertInstanceOf(SendStage.class, mapped);
        SendStage<Void> failed = SendStage.failed(POOL, new IllegalStateException("refused"));
        CompletableFuture<String> recovered = failed.exceptionally(e -> null).thenApply(v -> "recovered");
        assertInstanceOf(SendStage.class, recovered);
        assertEquals("recovered", recovered.get(10, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("completions nested past the limit move to the pool")
    void nestedCompletionsMoveToThePool() throws Exception {
        Thread caller = Thread.currentThread();
        CompletableFuture<Thread> deepest = new CompletableFuture<>();
        settleNested(SendStage.MAX_INLINE_DEPTH + 1, deepest);
        Thread ranOn = deepest.get(10, TimeUnit.SECONDS);
        assertNotSame(caller, ranOn);
        CompletableFuture<Thread> shallow = new CompletableFuture<>();
        settleNested(1, shallow);
        assertSame(caller, shallow.getNow(null));
    }

    /** Completes a stage whose dependent completes another, {@code levels} deep. */
    private static void settleNested(int levels, CompletableFuture<Thread> deepest) {
        SendStage<Void> stage = new SendStage<>(POOL);
        stage.thenRun(() -> {
            if (levels == 1) {
                deepest.complete(Thread.currentThread());
            } else {
                settleNested(levels - 1, deepest);
            }
        });
        SendStage.settle(POOL, List.of(stage), null);
    }

    @Test
    @DisplayName("inside the application's call, another thread's stage, or one something waits on, completes on the pool")
    void othersStagesLeaveTheApplicationsCall() throws Exception {
        Thread caller = Thread.currentThread();
        SendStage<Void> othersStage = CompletableFuture.supplyAsync(() -> new SendStage<Void>(POOL)).get(10, TimeUnit.SECONDS);
        CompletableFuture<Thread> othersRanOn = new CompletableFuture<>();
        othersStage.thenRun(() -> othersRanOn.complete(Thread.currentThread()));
        SendStage<Void> mine = new SendStage<>(POOL);
        SendStage<Void> mineAwaited = new SendStage<>(POOL);
        CompletableFuture<Thread> awaitedRanOn = new CompletableFuture<>();
        mineAwaited.thenRun(() -> awaitedRanOn.complete(Thread.currentThread()));

        int[] calls = ApplicationCalls.enter();
        try {
            SendStage.settle(POOL, List.of(othersStage), null);
            SendStage.settle(POOL, List.of(mineAwaited), null);
            SendStage.settle(POOL, List.of(mine), null);
            assertTrue(mine.isDone(), "the caller's own stage, awaited by nothing, completes at once");
        } finally {
            ApplicationCalls.leave(calls);
        }
        assertNotSame(caller, othersRanOn.get(10, TimeUnit.SECONDS));
        assertNotSame(caller, awaitedRanOn.get(10, TimeUnit.SECONDS));
    }
}
