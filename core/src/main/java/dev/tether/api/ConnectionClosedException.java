package dev.tether.api;

/** A send or ping could not complete because the connection closed first. */
public class ConnectionClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the detail message: the connection's state or why it closed
     */
    public ConnectionClosedException(String message) {
        super(message);
    }
}
