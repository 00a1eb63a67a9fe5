package dev.tether.client;

import java.util.List;
import java.util.Map;

/**
 * The server answered the upgrade request, but not with an acceptable 101: a refusal (403, 404, a
 * redirect not followed …), or a 101 that fails a check (a wrong {@code Sec-WebSocket-Accept}, a
 * subprotocol or extension that was not offered). Carries the answer: status, headers, and the
 * start of the body, which often says why.
 */
public final class WebSocketHandshakeException extends WebSocketConnectException {
    private static final long serialVersionUID = 1L;

    /** The status code of the server's answer. */
    private final int status;
    private final transient Map<String, List<String>> headers;
    /** The start of the answer's body, as ISO-8859-1 text; empty when there was none. */
    private final String bodyStart;

    /**
     * A refused or unacceptable answer to the upgrade request; its {@link #step()} is
     * {@link Step#HANDSHAKE}.
     *
     * @param message   what was wrong with the answer, for people
     * @param status    the answer's status code
     * @param headers   the answer's headers, names as sent, in order; null for none
     * @param bodyStart the first bytes of the answer's body as text; null for none
     */
    public WebSocketHandshakeException(String message, int status, Map<String, List<String>> headers, String bodyStart) {
        super(Step.HANDSHAKE, message);
        this.status = status;
        this.headers = headers == null ? Map.of() : headers;
        this.bodyStart = bodyStart == null ? "" : bodyStart;
    }

    /**
     * The response's status.
     *
     * @return the status code of the server's answer (403, 404, 101 when a check failed …)
     */
    public int status() {
        return status;
    }

    /**
     * The response's headers, names as sent, in order.
     *
     * @return the headers of the server's answer; empty when there were none, or after
     *         deserialization (they are not serialized)
     */
    public Map<String, List<String>> headers() {
        return headers == null ? Map.of() : headers;
    }

    /**
     * The first bytes of the response's body (at most a kilobyte, as ISO-8859-1 text); empty when there was none.
     *
     * @return the start of the body, often the server's reason for the refusal; never null
     */
    public String bodyStart() {
        return bodyStart;
    }
}
