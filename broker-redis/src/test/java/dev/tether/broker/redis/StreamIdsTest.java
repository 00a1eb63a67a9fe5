package dev.tether.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Stream ids as a client sends them back: valid ones compare by time, then sequence; anything else is not one. */
class StreamIdsTest {

    @ParameterizedTest
    @CsvSource({
            "1-0, 1-0, 0",
            "1-0, 1-1, -1",
            "1700000000000-5, 1700000000000-12, -1", // by number, not text
            "1700000000001-0, 1700000000000-99, 1",
            "18446744073709551615-0, 1-0, 1", // the largest time Redis gives, unsigned
    })
    void validIdsCompareByTimeThenSequence(String a, String b, int expected) {
        assertEquals(expected, Integer.signum(StreamIds.compare(a, b)));
        assertEquals(-expected, Integer.signum(StreamIds.compare(b, a)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "1", "1-", "-1", "a-1", "1-b", "1-2-3", " 1-2", "1700000000000", "run-17",
            "99999999999999999999-0", "1-0 "})
    void anythingElseIsNotAStreamId(String id) {
        assertFalse(StreamIds.valid(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-0", "1-0", "1700000000000-0", "1700000000000-18446744073709551615"})
    void whatRedisGivesIsOne(String id) {
        assertTrue(StreamIds.valid(id));
    }
}
