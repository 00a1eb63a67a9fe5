package dev.tether.broker.redis;

/** Redis could not be reached when the broker started; the message says where and why. */
public final class BrokerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception for Redis out of reach.
     *
     * @param message where Redis was looked for, why it could not be reached, and what to do
     * @param cause   the client library's failure
     */
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
