package dev.tether.driver;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Feeds a byte vector to fresh drivers in every way a network may split it: whole, split in two at
 * every offset, and one byte at a time. Every way must give the same transcript.
 */
public final class FeedEveryWay {
    private FeedEveryWay() {
    }

    /** Returns the transcript of the whole run after checking every other run matches it. */
    public static List<String> feed(Function<Transcript, ? extends Driver> factory, byte[] input) {
        // Each run gets its own copy: parsers may unmask in place.
        Transcript whole = new Transcript();
        factory.apply(whole).parse(ByteBuffer.wrap(input.clone()));
        for (int split = 1; split < input.length; split++) {
            if (input.length > 4096 && split > 32 && split < input.length - 32 && split != input.length / 2) {
                continue; // large vectors: every split near the header and the end, and the middle
            }
            byte[] copy = input.clone();
            Transcript t = new Transcript();
            Driver d = factory.apply(t);
            d.parse(ByteBuffer.wrap(copy, 0, split).slice());
            d.parse(ByteBuffer.wrap(copy, split, copy.length - split).slice());
            assertEquals(whole.lines, t.lines, "fed split at " + split);
        }
        byte[] copy = input.clone();
        Transcript oneByOne = new Transcript();
        Driver d = factory.apply(oneByOne);
        for (int i = 0; i < copy.length; i++) {
            d.parse(ByteBuffer.wrap(copy, i, 1).slice());
        }
        assertEquals(whole.lines, oneByOne.lines, "fed one byte at a time");
        return whole.lines;
    }
}
