package dev.tether.servlet;

import dev.tether.driver.handshake.HeaderTokens;
import jakarta.servlet.http.HttpServletRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** One handshake as a {@link HandshakeHook} sees it, and what the hook decided. */
public final class HandshakeContext {
    private final HttpServletRequest request;
    private final List<String> offeredProtocols;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
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

    /** The upgrade request, with everything the container offers (session, cookies, principal …). */
    public HttpServletRequest request() {
        return request;
    }

    /** The subprotocols the client offers, in its order. */
    public List<String> offeredProtocols() {
        return offeredProtocols;
    }

    /** Chooses the subprotocol instead of the options' preference order; must be one the client offered. */
    public void selectProtocol(String protocol) {
        if (!offeredProtocols.contains(protocol)) {
            throw new IllegalArgumentException("subprotocol \"" + protocol + "\" was not offered; offered: " + offeredProtocols);
        }
        this.selectedProtocol = protocol;
    }

    /** Adds a header to the 101 response (e.g. {@code Set-Cookie}). */
    public void header(String name, String value) {
        responseHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    }

    /** Refuses the handshake with {@code status} (400–599) and a plain-text body. */
    public void reject(int status, String body) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a rejection is a 4xx or 5xx status, not " + status);
        }
        this.rejectStatus = status;
        this.rejectBody = body == null ? "" : body;
    }

    /** Attributes the connection will carry ({@code WebSocket.attributes()}). */
    public Map<String, Object> attributes() {
        return attributes;
    }

    String selectedProtocol() {
        return selectedProtocol;
    }

    Map<String, String> responseHeaders() {
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
