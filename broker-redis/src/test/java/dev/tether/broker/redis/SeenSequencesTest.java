package dev.tether.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals(2, seen.through());
    }

    @Test
    void appendsSentInAnotherOrderAfterAReconnectionAreAllDeliveredOnce() {
        // What the restart test saw: 90 arrived before 51..89.
        SeenSequences seen = new SeenSequences(50);
        assertTrue(seen.firstTime(90));
        for (long n = 51; n <= 89; n++) assertTrue(seen.firstTime(n), "sequence " + n);
        assertEquals(90, seen.through());
        for (long n = 51; n <= 90; n++) assertFalse(seen.firstTime(n), "twice: " + n);
        assertEquals(0, seen.giveUpIfTooFarAhead());
    }

    @Test
    void aGapThatNeverFillsIsGivenUpOnceTooMuchIsHeldAhead() {
        SeenSequences seen = new SeenSequences(0);
        // 1 and 2 never come (they left the stream unread).
        for (long n = 3; n < 3 + SeenSequences.MAX_AHEAD; n++) assertTrue(seen.firstTime(n));
        assertEquals(0, seen.giveUpIfTooFarAhead());
        assertTrue(seen.firstTime(3 + SeenSequences.MAX_AHEAD));
        assertEquals(2, seen.giveUpIfTooFarAhead());
        assertEquals(3 + SeenSequences.MAX_AHEAD, seen.through());
        assertFalse(seen.firstTime(2), "given up: counts as seen");
    }
}
