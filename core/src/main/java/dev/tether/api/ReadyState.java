package dev.tether.api;

/** The W3C {@code readyState} of a connection; the ordinal is the W3C number (0 to 3). */
public enum ReadyState {
    /**
     * The handshake has not finished. A {@link WebSocket} queues sends until it opens; a protocol
     * driver refuses them (its owner keeps that queue).
     */
    CONNECTING,
    /** Messages flow both ways. */
    OPEN,
    /** A close frame was sent or received; no more data is sent. */
    CLOSING,
    /** The connection is over. */
    CLOSED
}
