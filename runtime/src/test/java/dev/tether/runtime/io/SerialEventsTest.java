package dev.tether.runtime.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One at a time, in order, and handed to an executor only when nobody is draining. */
class SerialEventsTest {
    private final SerialEvents events = new SerialEvents();
    private final List<String> ran = new ArrayList<>();
    private final List<Runnable> handedOver = new ArrayList<>();

    @Test
    void drainRunsEveryQueuedEventInOrder() {
        events.add(() -> ran.add("a"));
        events.add(() -> ran.add("b"));
        events.drain();
        assertEquals(List.of("a", "b"), ran);
    }

    @Test
    void anEventAddedWhileDrainingRunsInTheSameDrainAfterTheCurrentOne() {
        events.add(() -> {
            events.add(() -> ran.add("second"));
            events.drain(); // nested: must not run "second" inside "first"
            ran.add("first");
        });
        events.drain();
        assertEquals(List.of("first", "second"), ran);
    }

    @Test
    void drainOnHandsTheEventsToTheExecutorWhenNobodyIsDraining() {
        events.add(() -> ran.add("a"));
        events.drainOn(handedOver::add);
        assertTrue(ran.isEmpty());
        assertEquals(1, handedOver.size());

        events.add(() -> ran.add("b"));
        events.drain(); // the handed-over drain owns the queue: this one leaves the events to it
        assertTrue(ran.isEmpty());

        handedOver.remove(0).run();
        assertEquals(List.of("a", "b"), ran);
    }

    @Test
    void drainOnInsideADrainLeavesTheEventsToThatDrainer() {
        events.add(() -> {
            events.add(() -> ran.add("queued by the first"));
            events.drainOn(handedOver::add);
            ran.add("first");
        });
        events.drain();
        assertEquals(List.of("first", "queued by the first"), ran);
        assertTrue(handedOver.isEmpty(), "no hand-over while this thread drains");
    }

    @Test
    void drainOnRunsTheEventsHereWhenTheExecutorRefuses() {
        events.add(() -> ran.add("a"));
        events.drainOn(task -> {
            throw new java.util.concurrent.RejectedExecutionException("stopping");
        });
        assertEquals(List.of("a"), ran);
        events.add(() -> ran.add("b"));
        events.drain(); // and the queue is free again
        assertEquals(List.of("a", "b"), ran);
    }

    @Test
    void drainOnWithNothingQueuedHandsNothingOver() {
        events.drainOn(handedOver::add);
        assertTrue(handedOver.isEmpty());
    }

    @Test
    void anEventThatThrowsACheckedExceptionDoesNotStopTheEventsAfterIt() {
        IOException sneaky = new IOException("thrown past the compiler (expected in this test)");
        events.add(() -> ran.add("before"));
        events.add(() -> SerialEventsTest.<RuntimeException>sneakyThrow(sneaky));
        events.add(() -> ran.add("after"));
        UndeclaredThrowableException thrown = assertThrows(UndeclaredThrowableException.class, events::drain);
        assertSame(sneaky, thrown.getCause(), "reported to the draining thread once the queue is empty");
        assertEquals(List.of("before", "after"), ran);

        events.add(() -> ran.add("later"));
        events.drain(); // the claim was released: a later drain runs what comes next
        assertEquals(List.of("before", "after", "later"), ran);
    }

    @Test
    void anErrorIsRethrownAsItIsAfterTheRestRanAndTheQueueIsFreeAgain() {
        StackOverflowError error = new StackOverflowError("deep listener (expected in this test)");
        events.add(() -> {
            throw error;
        });
        events.add(() -> ran.add("after"));
        events.drainOn(handedOver::add);
        assertSame(error, assertThrows(StackOverflowError.class, () -> handedOver.remove(0).run()));
        assertEquals(List.of("after"), ran);
        events.add(() -> ran.add("later"));
        events.drainOn(handedOver::add);
        assertEquals(1, handedOver.size(), "nobody holds the claim: the next drain is handed over");
        handedOver.remove(0).run();
        assertEquals(List.of("after", "later"), ran);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void anEventThatThrowsIsReportedAtOnceBeforeTheEventsBehindIt() {
        List<String> seen = new ArrayList<>();
        SerialEvents owned = new SerialEvents(failure -> seen.add("failed: " + failure.getMessage()));
        owned.add(() -> seen.add("first part"));
        owned.add(() -> {
            throw new OutOfMemoryError("second part (expected in this test)");
        });
        owned.add(() -> seen.add("third part"));
        assertThrows(OutOfMemoryError.class, owned::drain);
        assertEquals(List.of("first part", "failed: second part (expected in this test)", "third part"), seen);
    }
}
