package dev.tether.protocol;

/**
 * The peer broke the protocol; the connection fails with {@link #closeCode()} (RFC 6455 §7.1.7).
 * The message says what was wrong and is sent as the close reason (truncated to fit a control frame).
 */
public class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int closeCode;

    public ProtocolException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    /** The close code to fail the connection with: 1002, 1007, 1009, 1010 … */
    public int closeCode() {
        return closeCode;
    }
}
