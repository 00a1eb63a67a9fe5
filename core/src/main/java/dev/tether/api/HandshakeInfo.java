package dev.tether.api;

import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The opening handshake of a connection, kept after the upgrade: the request, and the response's
 * status and headers. It describes either end: on a server socket the request is what the client
 * sent and the response what we answered; on a client socket the request is what we sent and the
 * response what the server answered. Immutable and safe to share between threads; the cookies it
 * returns are not to be changed.
 */
public interface HandshakeInfo {

    /**
     * The request URI. On a server socket, as the client sent it: path and query, e.g.
     * {@code /chat?room=1}. On a client socket, the URI connected to, e.g.
     * {@code ws://example.com/chat?room=1}. Path and query read the same either way.
     *
     * @return the request URI
     */
    URI uri();

    /**
     * The raw query string, or null when there was none.
     *
     * @return the request URI's query, still percent-encoded, or null
     */
    default String query() {
        return uri().getRawQuery();
    }

    /**
     * Every value of the request header {@code name} (case-insensitive), in order; empty when absent.
     * On a client socket, the headers it sent.
     *
     * @param name the header name, in any case
     * @return the header's values in the order sent, or an empty list
     */
    List<String> headers(String name);

    /**
     * The first value of the header {@code name}, or null.
     *
     * @param name the request header name, in any case
     * @return the header's first value, or null when the request had no such header
     */
    default String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /**
     * All request headers, names as sent, in order.
     *
     * @return every request header name with its values
     */
    Map<String, List<String>> headers();

    /**
     * The cookies the request carried.
     *
     * @return the request's cookies, empty when it had none; not to be changed
     */
    List<HttpCookie> cookies();

    /**
     * The peer's address as the transport saw it (a proxy's, behind one).
     *
     * @return the remote address of the connection
     */
    InetSocketAddress remoteAddress();

    /**
     * The response's status. On a server socket, the 101 (Switching Protocols) we sent. On a client
     * socket, what the server answered: 101 for a connection that opened, or the refusal (403, say)
     * when the handshake failed and this describes why. The default, 101, is right for every
     * connection that was upgraded.
     *
     * @return the HTTP status code of the handshake response
     */
    default int responseStatus() {
        return 101;
    }

    /**
     * All response headers, names as sent, in order. On a server socket, the headers we sent with the
     * 101 ({@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Accept}, the subprotocol and
     * extensions agreed, custom headers), though the container may have added some of its own that
     * we never see. On a client socket, the headers the server answered with. The default, for
     * implementations that keep no response, is empty.
     *
     * @return every response header name with its values
     */
    default Map<String, List<String>> responseHeaders() {
        return Map.of();
    }

    /**
     * Every value of the response header {@code name} (case-insensitive), in order; empty when
     * absent. See {@link #responseHeaders()}.
     *
     * @param name the header name, in any case
     * @return the header's values in the order sent, or an empty list
     */
    default List<String> responseHeaders(String name) {
        List<String> found = List.of();
        for (Map.Entry<String, List<String>> header : responseHeaders().entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) { // a map may spell one name two ways: take both
                found = found.isEmpty() ? header.getValue() : concat(found, header.getValue());
            }
        }
        return found;
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return List.copyOf(both);
    }

    /**
     * The first value of the response header {@code name}, or null.
     *
     * @param name the response header name, in any case
     * @return the header's first value, or null when the response had no such header
     */
    default String responseHeader(String name) {
        List<String> values = responseHeaders(name);
        return values.isEmpty() ? null : values.get(0);
    }
}
