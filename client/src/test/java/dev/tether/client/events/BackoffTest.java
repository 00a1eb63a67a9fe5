package dev.tether.client.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reconnection delays and the count of reconnections in a row, on a clock driven by hand. */
class BackoffTest {
    private static final long STABLE = 1_000;

    @Test
    void noDelayIsShorterThanTheFloorAndFailuresInARowDoubleIt() {
        Backoff backoff = new Backoff(500, 30_000, Integer.MAX_VALUE, STABLE);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) delays.add(backoff.next(0));
        assertEquals(List.of(500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L), delays);
    }

    @Test
    void aStreamThatEndsWithoutAnEventBeforeItIsStableIsAFailure() {
        Backoff backoff = new Backoff(10, 1_000, 2, STABLE);
        backoff.opened(0);
        backoff.ended(STABLE - 1);
        assertEquals(100, backoff.next(100));
        backoff.opened(2 * STABLE);
        backoff.ended(2 * STABLE + 5);
        assertEquals(200, backoff.next(100), "the second in a row waits twice as long");
        assertTrue(backoff.exhausted(), "two reconnections in a row made: maxReconnects 2 is used up");
    }

    @Test
    void anEventOrAStableStreamStartsTheCountAfresh() {
        Backoff backoff = new Backoff(10, 1_000, 2, STABLE);
        backoff.next(100);
        backoff.next(100);
        backoff.opened(0);
        backoff.delivered();
        backoff.ended(1);
        assertFalse(backoff.exhausted());
        assertEquals(100, backoff.next(100), "the plain retry delay after a stream that delivered an event");

        backoff.next(100);
        backoff.opened(0);
        backoff.ended(STABLE); // no event, but open long enough to count as working
        assertEquals(0, backoff.inARow());
        assertEquals(100, backoff.next(100));
    }

    @Test
    void aRetryDelayLongerThanTheMaximumIsNotCutAndNoDoublingOverflows() {
        Backoff backoff = new Backoff(1, 1_000, Integer.MAX_VALUE, STABLE);
        assertEquals(5_000, backoff.next(5_000));
        assertEquals(5_000, backoff.next(5_000));
        Backoff huge = new Backoff(1, Long.MAX_VALUE, Integer.MAX_VALUE, STABLE);
        for (int i = 0; i < 100; i++) assertTrue(huge.next(Long.MAX_VALUE / 2) > 0);
    }
}
