package dev.tether.extension.deflate;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static dev.tether.extension.deflate.Link.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions of one {@link PerMessageDeflate} on several threads compress at the same time, with and
 * without context takeover, opening and closing: the Deflaters alive at once never exceed the cap.
 */
class CompressionContextsConcurrencyTest {
    private static final int CAP = 3;
    private static final int THREADS = 4;
    private static final int SESSIONS_PER_THREAD = 6;
    private static final int ROUNDS = 60;
    /** Every so many rounds a thread closes its sessions and opens new ones. */
    private static final int REOPEN_EVERY = 10;

    /** Deflaters that count how many are alive, and sample the budget while they compress. */
    private static final class WatchingZlib implements Zlib {
        final AtomicInteger alive = new AtomicInteger();
        final AtomicInteger mostAlive = new AtomicInteger();
        final AtomicInteger mostInUseSeen = new AtomicInteger();
        final Queue<WatchingDeflater> made = new ConcurrentLinkedQueue<>();
        volatile PerMessageDeflate watched;

        @Override
        public Deflater deflater(int level) {
            mostAlive.accumulateAndGet(alive.incrementAndGet(), Math::max);
            WatchingDeflater deflater = new WatchingDeflater(level);
            made.add(deflater);
            return deflater;
        }

        @Override
        public Inflater inflater() {
            return Zlib.JDK.inflater();
        }

        final class WatchingDeflater extends Deflater {
            private final AtomicInteger ends = new AtomicInteger();

            WatchingDeflater(int level) {
                super(level, true);
            }

            @Override
            public int deflate(byte[] output, int off, int len, int flush) {
                mostInUseSeen.accumulateAndGet(watched.compressionContextsInUse(), Math::max);
                return super.deflate(output, off, len, flush);
            }

            @Override
            public void end() {
                if (ends.incrementAndGet() == 1) {
                    alive.decrementAndGet();
                }
                super.end();
            }
        }
    }

    @Test
    void deflatersAliveAtOnceNeverExceedTheCap() throws Exception {
        WatchingZlib zlib = new WatchingZlib();
        PerMessageDeflate deflate = PerMessageDeflate.builder().threshold(0).zlib(zlib).maxCompressionContexts(CAP).build();
        zlib.watched = deflate;
        AtomicInteger compressed = new AtomicInteger();
        AtomicInteger uncompressed = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(threads.submit(() -> {
                    start.await();
                    List<Link> links = new ArrayList<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        if (round % REOPEN_EVERY == 0) {
                            links.forEach(link -> link.sender.close());
                            links.clear();
                            for (int s = 0; s < SESSIONS_PER_THREAD; s++) {
                                links.add(new Link(deflate, s % 3 == 2)); // four with context takeover, two without
                            }
                        }
                        for (Link link : links) {
                            boolean wasCompressed = round % 2 == 0 ? link.send(TEXT) : link.sendInFragments(TEXT);
                            (wasCompressed ? compressed : uncompressed).incrementAndGet();
                        }
                    }
                    links.forEach(link -> link.sender.close());
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertTrue(zlib.mostAlive.get() <= CAP, "Deflaters alive at once: " + zlib.mostAlive.get());
        assertTrue(zlib.mostInUseSeen.get() <= CAP, "contexts in use seen while compressing: " + zlib.mostInUseSeen.get());
        assertEquals(THREADS * SESSIONS_PER_THREAD * ROUNDS, compressed.get() + uncompressed.get());
        // the first context asked for is always free; and between two of its reopenings a thread's four
        // sessions with context takeover keep what they get, so at least one of them sends uncompressed,
        // however the threads are scheduled
        assertTrue(compressed.get() > 0, "compressed: " + compressed.get());
        assertTrue(uncompressed.get() > 0, "uncompressed: " + uncompressed.get());
        assertEquals(0, deflate.compressionContextsInUse(), "every context given back");
        assertEquals(0, zlib.alive.get());
        for (WatchingZlib.WatchingDeflater deflater : zlib.made) {
            assertEquals(1, deflater.ends.get(), "each Deflater ended once");
        }
        assertTrue(zlib.made.size() > CAP, "contexts were given back and taken again: " + zlib.made.size());
    }
}
