package dev.tether.bench.load;

import java.util.Arrays;

/**
 * Latencies in microseconds, in log-linear buckets (32 per power of two: within about 3 %), so
 * recording costs an array increment and percentiles need no sorting. Not thread-safe: one per
 * thread or connection, {@link #add added} together at the end (the client benchmark does so).
 */
public final class LatencyHistogram {
    private final long[] counts = new long[64 * 32];
    private long total;

    public void record(long micros) {
        counts[bucket(Math.max(0, micros))]++;
        total++;
    }

    public void reset() {
        Arrays.fill(counts, 0);
        total = 0;
    }

    /** Adds what {@code other} recorded to this one. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    /** The smallest recorded value at or above the given fraction of all values (0 when empty). */
    public long percentile(double fraction) {
        long wanted = (long) Math.ceil(total * fraction);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= wanted && counts[i] > 0) {
                return lowerBound(i);
            }
        }
        return 0;
    }

    static int bucket(long v) {
        if (v < 32) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int mantissa = (int) (v >>> (exponent - 5)) & 31;
        return (exponent - 4) * 32 + mantissa;
    }

    static long lowerBound(int bucket) {
        if (bucket < 32) {
            return bucket;
        }
        int exponent = bucket / 32 + 4;
        int mantissa = bucket % 32;
        return (32L + mantissa) << (exponent - 5);
    }
}
