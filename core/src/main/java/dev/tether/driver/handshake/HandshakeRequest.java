package dev.tether.driver.handshake;

import java.util.List;
import java.util.Objects;

/**
 * An opening handshake request as data, the way a container has already parsed it: a transport
 * adapts its own request type to this.
 */
public interface HandshakeRequest {

    /** The HTTP method, e.g. {@code GET}. */
    String method();

    /** The request target: path and query, e.g. {@code /chat?room=1}. */
    String target();

    /** Every value of the header {@code name} (case-insensitive), in order; empty when absent. */
    List<String> headers(String name);

    /** Whether the request came over TLS: decides {@code ws://} or {@code wss://} where a URL is echoed. */
    boolean secure();

    /** The first value of the header {@code name}, or null. */
    default String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** A request made of plain data. */
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
