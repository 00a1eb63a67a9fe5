package dev.tether.bench.server;

/**
 * The SSE side of a benchmark server: subscribers arrive over HTTP, then {@link #publish} sends
 * 100-byte events to all of them as fast as the implementation allows, for a while, and returns how
 * many events it published.
 */
interface SsePublisher {
    /** The event's payload: 100 bytes of data. */
    String PAYLOAD = "x".repeat(100);

    long publish(double seconds) throws Exception;

    int subscribers();
}
