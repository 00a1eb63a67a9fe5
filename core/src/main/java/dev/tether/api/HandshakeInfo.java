package dev.tether.api;

import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The opening handshake request of a connection, kept after the upgrade. Immutable and safe to share
 * between threads; the cookies it returns are not to be changed.
 */
public interface HandshakeInfo {

    /** The request URI as the client sent it: path and query, e.g. {@code /chat?room=1}. */
    URI uri();

    /** The raw query string, or null when there was none. */
    default String query() {
        return uri().getRawQuery();
    }

    /** Every value of the header {@code name} (case-insensitive), in order; empty when absent. */
    List<String> headers(String name);

    /** The first value of the header {@code name}, or null. */
    default String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** All headers, names as sent, in order. */
    Map<String, List<String>> headers();

    /** The cookies the request carried. */
    List<HttpCookie> cookies();

    /** The peer's address as the transport saw it (a proxy's, behind one). */
    InetSocketAddress remoteAddress();
}
