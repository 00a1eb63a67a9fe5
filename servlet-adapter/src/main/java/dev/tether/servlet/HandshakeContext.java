package dev.tether.servlet;

import dev.tether.api.WebSocket;
import dev.tether.driver.handshake.HeaderTokens;
import dev.tether.driver.handshake.HttpHeaders;
import jakarta.servlet.http.HttpServletRequest;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** One handshake as a {@link HandshakeHook} sees it, and what the hook decided. */
public final class HandshakeContext {
    private final HttpServletRequest request;
    private final List<String> offeredProtocols;
    private final HttpHeaders responseHeaders = new HttpHeaders();
    /** Made when first asked for: a connection whose hook attached nothing makes its own on first use, if ever. */
    private Map<String, Object> attributes;
    /** The connection this handshake opened; weak, so that a hook keeping its context keeps no closed connection. */
    private WeakReference<WebSocket> connection;
    private String selectedProtocol;
    private int rejectStatus;
    private String rejectBody;

    HandshakeContext(HttpServletRequest request) {
        this.request = request;
        List<String> offered = new ArrayList<>();
        for (String value : WebSockets.values(request, "Sec-WebSocket-Protocol")) {
            offered.addAll(HeaderTokens.split(value));
        }
        this.offeredProtocols = List.copyOf(offered);
    }

    /**
     * The upgrade request, with everything the container offers (session, cookies, principal …).
     *
     * @return the servlet request that carries the handshake
     */
    public HttpServletRequest request() {
        return request;
    }

    /**
     * The subprotocols the client offers, in its order.
     *
     * @return the tokens of every {@code Sec-WebSocket-Protocol} header, unmodifiable; empty when none is offered
     */
    public List<String> offeredProtocols() {
        return offeredProtocols;
    }

    /**
     * Chooses the subprotocol instead of the default (the first one the client offers that the options
     * support); must be one the client offered.
     *
     * @param protocol the subprotocol the connection will speak, one of {@link #offeredProtocols()}
     * @throws IllegalArgumentException if the client did not offer {@code protocol}
     */
    public void selectProtocol(String protocol) {
        if (!offeredProtocols.contains(protocol)) {
            throw new IllegalArgumentException("subprotocol \"" + protocol + "\" was not offered; offered: " + offeredProtocols);
        }
        this.selectedProtocol = protocol;
    }

    /**
     * Adds the header {@code name: value} to the 101 response, after any added before: a header may
     * have several values, e.g. one {@code Set-Cookie} per cookie.
     *
     * @param name  the header name, an HTTP token
     * @param value the header value
     * @throws IllegalArgumentException if the name is not an HTTP token, or the value holds CR, LF,
     *                                  NUL or a character above U+00FF
     */
    public void header(String name, String value) {
        responseHeaders.add(name, value);
    }

    /**
     * Refuses the handshake with {@code status} (400–599) and a plain-text body. A later call
     * replaces an earlier one.
     *
     * @param status the HTTP status of the refusal, 400–599
     * @param body   the plain-text body of the refusal; null for none
     * @throws IllegalArgumentException if {@code status} is not a 4xx or 5xx status
     */
    public void reject(int status, String body) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a rejection is a 4xx or 5xx status, not " + status);
        }
        this.rejectStatus = status;
        this.rejectBody = body == null ? "" : body;
    }

    /**
     * Attributes the connection will carry ({@code WebSocket.attributes()}).
     *
     * @return the connection's attribute map, mutable and safe to use from several threads
     */
    public synchronized Map<String, Object> attributes() {
        if (attributes == null) {
            // Asked first once the connection exists (a hook that kept this context): its own map.
            WebSocket opened = connection != null ? connection.get() : null;
            attributes = opened != null ? opened.attributes() : new ConcurrentHashMap<>();
        }
        return attributes;
    }

    /**
     * Opens the connection with the attribute map if {@link #attributes()} was ever called (else null:
     * the connection makes its own when asked); later calls share the connection's map. One step
     * under this context's lock, so that a call from another thread meanwhile cannot make a map of its own.
     */
    synchronized <W extends WebSocket> W open(Function<Map<String, Object>, W> connection) {
        W opened = connection.apply(attributes);
        this.connection = new WeakReference<>(opened);
        return opened;
    }

    String selectedProtocol() {
        return selectedProtocol;
    }

    /** The headers added, in order: a name added twice has both values. */
    HttpHeaders responseHeaders() {
        return responseHeaders;
    }

    boolean rejected() {
        return rejectStatus != 0;
    }

    int rejectStatus() {
        return rejectStatus;
    }

    String rejectBody() {
        return rejectBody;
    }
}
