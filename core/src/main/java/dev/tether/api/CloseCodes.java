package dev.tether.api;

/**
 * The close status codes of RFC 6455 §7.4 and the IANA registry, and which of them may travel in a
 * close frame.
 */
public final class CloseCodes {
    /** Normal closure: the purpose of the connection is fulfilled (RFC 6455 §7.4.1). */
    public static final int NORMAL = 1000;
    /** The endpoint is going away: a server shutting down or a browser leaving the page (RFC 6455 §7.4.1). */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the protocol (RFC 6455 §7.4.1). */
    public static final int PROTOCOL_ERROR = 1002;
    /** A type of data the endpoint cannot accept, such as binary at a text-only endpoint (RFC 6455 §7.4.1). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** Reported when a close frame carried no code; never sent. */
    public static final int NO_STATUS = 1005;
    /** Reported when the connection ended without a close frame; never sent. */
    public static final int ABNORMAL = 1006;
    /** Message data inconsistent with its type, such as invalid UTF-8 in a text message (RFC 6455 §7.4.1). */
    public static final int INVALID_PAYLOAD = 1007;
    /** A message violated the endpoint's policy; the generic code when no other fits (RFC 6455 §7.4.1). */
    public static final int POLICY_VIOLATION = 1008;
    /** A message too big for the endpoint to process (RFC 6455 §7.4.1). */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** Sent by a client when the server did not negotiate an extension it requires (RFC 6455 §7.4.1). */
    public static final int MANDATORY_EXTENSION = 1010;
    /** The server met an unexpected condition that kept it from fulfilling the request (RFC 6455 §7.4.1). */
    public static final int INTERNAL_ERROR = 1011;
    /** The server is restarting; the client may reconnect (IANA registry). */
    public static final int SERVICE_RESTART = 1012;
    /** The server is overloaded or otherwise unable to serve now; the client may retry later (IANA registry). */
    public static final int TRY_AGAIN_LATER = 1013;
    /** A gateway or proxy received an invalid response from the upstream server (IANA registry). */
    public static final int BAD_GATEWAY = 1014;
    /** Reported when the TLS handshake failed; never sent. */
    public static final int TLS_HANDSHAKE = 1015;

    private CloseCodes() {
    }

    /** Longest close reason that fits a control frame after the 2-byte code, in UTF-8 bytes. */
    public static final int MAX_REASON_BYTES = 123;

    /**
     * Checks arguments for a close we send.
     *
     * @param code   the close code to send
     * @param reason the close reason to send, not null
     * @throws IllegalArgumentException for a code that may not be sent or a reason over
     *                                  {@value #MAX_REASON_BYTES} UTF-8 bytes
     */
    public static void checkSendable(int code, String reason) {
        if (!isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent (use 1000-1003, 1007-1014 or 3000-4999)");
        }
        int length = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason of " + length + " UTF-8 bytes: at most " + MAX_REASON_BYTES);
        }
    }

    /**
     * Whether {@code code} may be sent in, or accepted from, a close frame: 1000–1003, 1007–1014
     * (registered) and 3000–4999 (libraries and applications). 1004–1006, 1015 and everything else
     * is a protocol error on the wire.
     *
     * @param code the close code
     * @return true when {@code code} is allowed in a close frame
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
