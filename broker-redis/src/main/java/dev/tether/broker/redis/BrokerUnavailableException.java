package dev.tether.broker.redis;

/** Redis could not be reached when the broker started; the message says where and why. */
public final class BrokerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
