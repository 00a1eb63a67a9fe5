package dev.tether.servlet.upgrade;

import dev.tether.driver.handshake.HandshakeRequest;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/** The core's view of a servlet request during the handshake (used before the servlet returns). */
public final class ServletHandshakeRequest implements HandshakeRequest {
    private final HttpServletRequest request;

    public ServletHandshakeRequest(HttpServletRequest request) {
        this.request = request;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String target() {
        String query = request.getQueryString();
        return query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
    }

    @Override
    public List<String> headers(String name) {
        Enumeration<String> values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }

    @Override
    public boolean secure() {
        return request.isSecure();
    }
}
