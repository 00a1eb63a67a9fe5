package dev.tether.client.events;

/** What java.net.http can send as a header value unchanged: it writes values as ASCII, and refuses control characters. */
public final class HeaderValues {
    private HeaderValues() {
    }

    /** Whether {@code value} is printable ASCII, spaces and tabs only. */
    public static boolean isSendable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 || c > 0x7E) && c != '\t') return false;
        }
        return true;
    }
}
