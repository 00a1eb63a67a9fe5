package dev.tether.api;

/** The W3C {@code readyState} of a connection; the ordinal is the W3C number (0 to 3). */
public enum ReadyState {
    /** The handshake has not finished; sends are queued. */
    CONNECTING,
    /** Messages flow both ways. */
    OPEN,
    /** A close frame was sent or received; no more data is sent. */
    CLOSING,
    /** The connection is over. */
    CLOSED
}
