package dev.tether.broker.redis;

/**
 * Redis stream entry ids ({@code <milliseconds>-<sequence>}), which increase along a stream: the
 * order in which the event topics compare what a client saw with what the stream holds.
 */
final class StreamIds {
    private StreamIds() {
    }

    /** Whether {@code id} is a complete stream id. */
    static boolean valid(String id) {
        return parse(id) != null;
    }

    /** Negative, zero or positive as {@code a} comes before, is, or comes after {@code b} (both valid). */
    static int compare(String a, String b) {
        long[] x = parse(a);
        long[] y = parse(b);
        if (x == null || y == null) throw new IllegalArgumentException("not stream ids: " + a + ", " + b);
        int byTime = Long.compareUnsigned(x[0], y[0]);
        return byTime != 0 ? byTime : Long.compareUnsigned(x[1], y[1]);
    }

    private static long[] parse(String id) {
        if (id == null) return null;
        int dash = id.indexOf('-');
        if (dash <= 0 || dash == id.length() - 1 || id.length() > 41) return null;
        try {
            return new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
