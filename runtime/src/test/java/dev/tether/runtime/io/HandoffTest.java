package dev.tether.runtime.io;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** An executor that refuses work (bounded, or shutting down) delays it onto the caller's thread, never loses it. */
class HandoffTest {
    private static final Executor REFUSES = task -> {
        throw new RejectedExecutionException("full");
    };

    @Test
    @DisplayName("a completion the rule sends to a refusing executor completes on this thread")
    void refusedCompletionRunsHere() {
        SendStage<Void> someoneElses = new SendStage<>(REFUSES);
        someoneElses.thenRun(() -> { }); // awaited: inside an application call it may not complete inline
        int[] call = ApplicationCalls.enter();
        try {
            SendStage.settle(REFUSES, List.of(someoneElses), null);
        } finally {
            ApplicationCalls.leave(call);
        }
        assertTrue(someoneElses.isDone());
    }

    @Test
    @DisplayName("a deadline whose executor refuses it still runs, on the scheduler's thread")
    void refusedDeadlineStillRuns() throws Exception {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            CountDownLatch once = new CountDownLatch(1);
            CountDownLatch every = new CountDownLatch(2);
            Timers timers = new Timers(scheduler, REFUSES);
            timers.once(Duration.ofMillis(1), once::countDown);
            timers.every(Duration.ofMillis(1), every::countDown);
            assertTrue(once.await(10, TimeUnit.SECONDS), "the one-off deadline ran");
            assertTrue(every.await(10, TimeUnit.SECONDS), "the periodic one ran, and again");
        } finally {
            scheduler.shutdownNow();
        }
    }
}
