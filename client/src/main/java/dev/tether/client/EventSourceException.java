package dev.tether.client;

import java.io.IOException;
import java.util.Objects;

/**
 * Why an {@link EventSourceConnection} is reconnecting, or why it closed for good: the message says
 * what went wrong and where (host, port, status, the limit …), {@link #reason()} says which kind of
 * failure it was, and the cause is what the JDK reported, when it reported something.
 *
 * <p>A connection reconnects after {@link Reason#CONNECT}, {@link Reason#TIMEOUT},
 * {@link Reason#ENDED}, {@link Reason#BROKEN} and {@link Reason#TOO_LARGE}; it closes for good after
 * {@link Reason#REFUSED}, after {@link Reason#TLS} and {@link Reason#PROXY} when retrying cannot help
 * ({@link #isFinal()}), and when {@code maxReconnects} runs out.
 */
public class EventSourceException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The kind of failure. */
    public enum Reason {
        /** No connection: the name did not resolve, the connection was refused or reset before the response. */
        CONNECT,
        /**
         * {@code connectTimeout} passed before the response's head arrived, or {@code idleTimeout}
         * passed on an open stream without a byte.
         */
        TIMEOUT,
        /** The TLS handshake failed; final when the server's certificate was refused. */
        TLS,
        /** The proxy refused the tunnel, or the system's proxy settings cannot be used; final unless a 5xx. */
        PROXY,
        /**
         * The server answered, but not with an event stream (a status other than 200, 204, another
         * content type): an {@link EventSourceRefusedException}; always final.
         */
        REFUSED,
        /** The server ended an open stream (as servers do to make clients reconnect). */
        ENDED,
        /** An open stream's connection failed (a reset, a dead network). */
        BROKEN,
        /** One event was larger than {@code maxEventBytes}. */
        TOO_LARGE
    }

    /** The kind of failure. */
    private final Reason reason;
    /** Whether the failure closes the connection for good. */
    private final boolean isFinal;

    /**
     * A failure of kind {@code reason}; {@code isFinal} when reconnecting cannot help.
     *
     * @param reason  the kind of failure; not null
     * @param isFinal true when the connection closes for good, false when it reconnects
     * @param message what went wrong and where, for people
     * @param cause   what the JDK reported, or null when it reported nothing
     */
    public EventSourceException(Reason reason, boolean isFinal, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.isFinal = isFinal;
    }

    /**
     * The kind of failure.
     *
     * @return the reason; never null
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Whether this failure closes the connection for good (a refusal, a certificate the client does
     * not trust …) rather than making it reconnect.
     *
     * @return true when the connection closes for good, false when it reconnects
     */
    public boolean isFinal() {
        return isFinal;
    }
}
