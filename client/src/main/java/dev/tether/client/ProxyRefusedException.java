package dev.tether.client;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The HTTP proxy answered the client's {@code CONNECT} with a status other than 2xx, so there is no
 * tunnel: 407 (credentials wanted or refused), 403 (the destination is not allowed), 502 or 504 (the
 * proxy could not reach the server) … Its {@link #step()} is {@link Step#PROXY}; the message quotes
 * the status line and the {@code Proxy-Authenticate} challenge, if any.
 */
public class ProxyRefusedException extends WebSocketConnectException {
    private static final long serialVersionUID = 1L;

    /** The status code of the proxy's answer to {@code CONNECT}. */
    private final int status;
    /** The proxy's response headers, names compared ignoring case; unmodifiable. */
    @SuppressWarnings("serial") // an unmodifiable TreeMap of unmodifiable lists: serializable in fact
    private final Map<String, List<String>> headers;

    /**
     * A refusal of the tunnel by the proxy; its {@link #step()} is {@link Step#PROXY}.
     *
     * @param message what happened, for people
     * @param status  the proxy's status code
     * @param headers the proxy's response headers; copied
     */
    public ProxyRefusedException(String message, int status, Map<String, List<String>> headers) {
        super(Step.PROXY, message);
        this.status = status;
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Objects.requireNonNull(headers, "headers").forEach((name, values) -> copy.merge(name, List.copyOf(values),
                (first, more) -> Stream.concat(first.stream(), more.stream()).toList()));
        this.headers = Collections.unmodifiableMap(copy);
    }

    /**
     * The proxy's status code: 407, 403, 502 …
     *
     * @return the status code of the proxy's answer to {@code CONNECT}, never a 2xx
     */
    public int status() {
        return status;
    }

    /**
     * The proxy's response headers, names compared ignoring case (so {@code get("proxy-authenticate")}
     * finds {@code Proxy-Authenticate}), each with its values in the order received. Unmodifiable.
     *
     * @return the headers of the proxy's answer; empty when it sent none
     */
    public Map<String, List<String>> headers() {
        return headers;
    }
}
