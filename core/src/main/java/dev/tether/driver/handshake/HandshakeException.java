package dev.tether.driver.handshake;

/**
 * An opening handshake failed: the peer's handshake was malformed, too large, or did not agree to
 * the upgrade. The message names what was wrong.
 */
public class HandshakeException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong with the handshake
     */
    public HandshakeException(String message) {
        super(message);
    }
}
