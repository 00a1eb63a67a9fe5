package dev.tether.cli.format;

import dev.tether.api.CloseStatus;

/** A close status as a person reads it: {@code 1000 (normal closure) "bye"}. */
public final class CloseText {
    private CloseText() {
    }

    /**
     * A close status in one line: its code, the code's meaning, the reason if any (escaped), and
     * whether the close handshake was missing.
     *
     * @param status the status the connection closed with
     * @return e.g. {@code 1000 (normal closure) "bye"} or {@code 1006 (connection lost), without a close handshake}
     */
    public static String describe(CloseStatus status) {
        String text = status.code() + " (" + meaning(status.code()) + ")";
        if (!status.reason().isEmpty()) {
            text += " \"" + Printable.escape(status.reason()) + "\"";
        }
        return status.wasClean() ? text : text + ", without a close handshake";
    }

    /**
     * RFC 6455's (and IANA's) name of a close code, or its range's.
     *
     * @param code the close code
     * @return e.g. {@code normal closure} for 1000, {@code application's code} for 4000–4999, else
     *         {@code unknown code}
     */
    public static String meaning(int code) {
        return switch (code) {
            case 1000 -> "normal closure";
            case 1001 -> "going away";
            case 1002 -> "protocol error";
            case 1003 -> "unsupported data";
            case 1005 -> "no status code";
            case 1006 -> "connection lost";
            case 1007 -> "invalid payload data";
            case 1008 -> "policy violation";
            case 1009 -> "message too big";
            case 1010 -> "mandatory extension";
            case 1011 -> "internal error";
            case 1012 -> "service restart";
            case 1013 -> "try again later";
            case 1014 -> "bad gateway";
            case 1015 -> "TLS handshake failed";
            default -> code >= 4000 && code <= 4999 ? "application's code"
                    : code >= 3000 && code <= 3999 ? "registered code" : "unknown code";
        };
    }
}
