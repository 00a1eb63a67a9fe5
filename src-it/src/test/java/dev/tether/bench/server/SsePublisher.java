package dev.tether.bench.server;

import java.time.Duration;

/**
 * The SSE side of a benchmark server: subscribers arrive over HTTP, then {@link #publish} sends
 * 100-byte events to all of them as fast as the implementation allows, for a while, and returns how
 * many events it published; {@link #publishOne} sends one event to all of them without waiting for it
 * to be written (S5's ticks).
 */
interface SsePublisher {
    /** The event's payload: 100 bytes of data. */
    String PAYLOAD = "x".repeat(100);

    long publish(double seconds) throws Exception;

    /**
     * Sends one event with {@code data} to every subscriber and returns without waiting for the writes
     * (an implementation that writes as it goes may block).
     */
    default void publishOne(String data) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " publishes no single events");
    }

    int subscribers();

    /**
     * Waits until at least {@code count} are subscribed, or {@code timeout} has passed.
     *
     * @return whether that many are subscribed
     */
    default boolean awaitSubscribers(int count, Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot wait for subscribers");
    }
}
