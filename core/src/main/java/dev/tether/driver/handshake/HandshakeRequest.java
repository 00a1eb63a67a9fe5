package dev.tether.driver.handshake;

import java.util.List;
import java.util.Objects;

/**
 * An opening handshake request as data, the way a container has already parsed it: a transport
 * adapts its own request type to this.
 */
public interface HandshakeRequest {

    /**
     * The HTTP method, e.g. {@code GET}.
     *
     * @return the request method
     */
    String method();

    /**
     * The request target: path and query, e.g. {@code /chat?room=1}.
     *
     * @return the request target
     */
    String target();

    /**
     * Every value of the header {@code name} (case-insensitive), in order; empty when absent.
     *
     * @param name the header name, in any case
     * @return the header's values in the order sent, or an empty list
     */
    List<String> headers(String name);

    /**
     * Whether the request came over TLS: decides {@code ws://} or {@code wss://} where a URL is echoed.
     *
     * @return true for a request over TLS
     */
    boolean secure();

    /**
     * The first value of the header {@code name}, or null.
     *
     * @param name the header name, in any case
     * @return the header's first value, or null when the request had no such header
     */
    default String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /**
     * A request made of plain data.
     *
     * @param method  the HTTP method
     * @param target  the request target: path and query
     * @param headers the request headers; copied
     * @param secure  whether the request came over TLS
     * @return an immutable request of these values
     */
    static HandshakeRequest of(String method, String target, HttpHeaders headers, boolean secure) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        HttpHeaders copy = HttpHeaders.copyOf(headers).readOnlyView();
        return new HandshakeRequest() {
            @Override
            public String method() {
                return method;
            }

            @Override
            public String target() {
                return target;
            }

            @Override
            public List<String> headers(String name) {
                return copy.all(name);
            }

            @Override
            public boolean secure() {
                return secure;
            }
        };
    }
}
