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

    private final int status;
    private final transient Map<String, List<String>> headers;
    private final String bodyStart;

    public WebSocketHandshakeException(String message, int status, Map<String, List<String>> headers, String bodyStart) {
        super(Step.HANDSHAKE, message);
        this.status = status;
        this.headers = headers == null ? Map.of() : headers;
        this.bodyStart = bodyStart == null ? "" : bodyStart;
    }

    /** The response's status. */
    public int status() {
        return status;
    }

    /** The response's headers, names as sent, in order. */
    public Map<String, List<String>> headers() {
        return headers == null ? Map.of() : headers;
    }

    /** The first bytes of the response's body (at most a kilobyte, as ISO-8859-1 text); empty when there was none. */
    public String bodyStart() {
        return bodyStart;
    }
}
