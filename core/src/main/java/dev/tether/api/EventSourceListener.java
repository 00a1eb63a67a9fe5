package dev.tether.api;

/**
 * What happens to an {@link EventSource}. The events of one stream arrive one at a time, in order,
 * never while the library holds a lock. Every method has a default that does nothing.
 */
public interface EventSourceListener {

    /**
     * The response head has been sent; events may be sent and will arrive.
     *
     * @param source the stream that opened
     */
    default void onOpen(EventSource source) {
    }

    /**
     * The stream is over: the application closed it, or the client went away (noticed at the latest
     * by the next keepalive ping that cannot be written). Called exactly once per stream that opened.
     *
     * @param source the stream that ended
     */
    default void onClose(EventSource source) {
    }
}
