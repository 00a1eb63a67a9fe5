package dev.tether.client;

import java.io.IOException;
import java.util.Objects;

/**
 * A connect failed; {@link #step()} says where, the message says what, and the cause (a
 * {@link javax.net.ssl.SSLHandshakeException} with the certificate problem, say) is kept.
 */
public class WebSocketConnectException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The step of a connect that failed, in the order a connect takes them. */
    public enum Step {
        /** The URI or the options were not usable (an unsupported scheme, a SOCKS proxy …). */
        SETUP,
        /** The host name (the server's, or the proxy's) could not be resolved. */
        DNS,
        /** The TCP connection was refused or could not be made (unreachable, reset). */
        CONNECT,
        /** A deadline passed: the connect timeout, or the handshake timeout. */
        TIMEOUT,
        /** The TLS handshake failed (with the server, or with an HTTPS proxy): untrusted certificate, name mismatch … */
        TLS,
        /** The proxy refused the tunnel (its status is in the message: 407, 403, 502 …) or broke the exchange. */
        PROXY,
        /** The server's answer to the upgrade request was not an acceptable 101. */
        HANDSHAKE,
        /** The connect was abandoned: the client was closed. */
        CANCELLED
    }

    /** The step of the connect that failed. */
    private final Step step;

    /**
     * A connect that failed at {@code step}, with the exception that made it fail.
     *
     * @param step    where the connect failed; not null
     * @param message what went wrong, for people
     * @param cause   the underlying failure (an {@link java.net.UnknownHostException}, an
     *                {@link javax.net.ssl.SSLHandshakeException} …), or null when there is none
     */
    public WebSocketConnectException(Step step, String message, Throwable cause) {
        super(message, cause);
        this.step = Objects.requireNonNull(step, "step");
    }

    /**
     * A connect that failed at {@code step}, without an underlying exception.
     *
     * @param step    where the connect failed; not null
     * @param message what went wrong, for people
     */
    public WebSocketConnectException(Step step, String message) {
        this(step, message, null);
    }

    /**
     * Where the connect failed.
     *
     * @return the step of the connect that failed; never null
     */
    public Step step() {
        return step;
    }
}
