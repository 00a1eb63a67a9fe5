package dev.tether.broker.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which of one node's appends a reader has delivered: duplicates skipped, reordered ones not. */
class SeenSequencesTest {

    @Test
    void aDuplicateIsSkipped() {
        SeenSequences seen = new SeenSequences(1);
        assertTrue(seen.firstTime(2));
        assertFalse(seen.firstTime(2));
        assertFalse(seen.firstTime(1));
    }

    @Test
    void appendsSentInAnotherOrderAfterAReconnectionAreAllDeliveredOnce() {
        // What the restart test saw: 90 arrived before 51..89.
        SeenSequences seen = new SeenSequences(50);
        assertTrue(seen.firstTime(90));
        for (long n = 51; n <= 89; n++) assertTrue(seen.firstTime(n), "sequence " + n);
        for (long n = 50; n <= 90; n++) assertFalse(seen.firstTime(n), "twice: " + n);
    }

    @Test
    void theFirstNumberSeenIsNotALowWaterMark() {
        // Two threads' first appends reached the stream as 2, then 1.
        SeenSequences seen = new SeenSequences(2);
        assertTrue(seen.firstTime(1));
        assertFalse(seen.firstTime(1));
    }

    @Test
    void numbersThatNeverCameCostNothingAndOldOnesCountAsSeen() {
        SeenSequences seen = new SeenSequences(0);
        // 1 and 2 never come (their appends failed); everything after arrives.
        for (long n = 3; n < 3 + 3L * SeenSequences.WINDOW; n++) assertTrue(seen.firstTime(n));
        assertFalse(seen.firstTime(2), "older than the window");
        long highest = 2 + 3L * SeenSequences.WINDOW;
        assertFalse(seen.firstTime(highest - SeenSequences.WINDOW + 1), "in the window, seen");
        assertTrue(seen.firstTime(highest + 5 * (long) SeenSequences.WINDOW), "a jump past the window");
        assertTrue(seen.firstTime(highest + 5 * (long) SeenSequences.WINDOW - 1));
    }
}
