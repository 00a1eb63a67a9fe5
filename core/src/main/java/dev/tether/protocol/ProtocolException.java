package dev.tether.protocol;

/**
 * The peer broke the protocol; the connection fails with {@link #closeCode()} (RFC 6455 §7.1.7).
 * The message says what was wrong and is sent as the close reason (truncated to fit a control frame).
 */
public class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The close code the connection fails with; see {@link #closeCode()}. */
    private final int closeCode;

    /**
     * A violation that fails the connection with {@code closeCode}.
     *
     * @param closeCode the close code to fail the connection with, e.g.
     *                  {@link dev.tether.api.CloseCodes#PROTOCOL_ERROR}
     * @param message   what the peer did wrong; also the close reason
     */
    public ProtocolException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    /**
     * The close code to fail the connection with: 1002, 1007, 1009, 1010 …
     *
     * @return the close code given at construction
     */
    public int closeCode() {
        return closeCode;
    }
}
