package dev.tether.api;

/**
 * A send was refused because the connection's outbound buffer would grow past its limit: the peer
 * is not reading as fast as the application sends.
 */
public class OutboundOverflowException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the detail message: the size refused and the limit it would pass
     */
    public OutboundOverflowException(String message) {
        super(message);
    }
}
