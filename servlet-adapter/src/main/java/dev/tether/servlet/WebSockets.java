package dev.tether.servlet;

import dev.tether.driver.handshake.HeaderTokens;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.List;

/**
 * The entry point for WebSocket in a servlet or filter: {@link #isWebSocket} tells an upgrade
 * request from an ordinary one.
 */
public final class WebSockets {
    private WebSockets() {
    }

    /**
     * Whether {@code request} asks to become a WebSocket: a GET with {@code Upgrade: websocket} and
     * {@code Connection: Upgrade} (tokens in comma lists, any case). Every draft, hixie-75 included,
     * sends these two headers.
     */
    public static boolean isWebSocket(HttpServletRequest request) {
        return "GET".equals(request.getMethod())
                && HeaderTokens.containsToken(values(request, "Upgrade"), "websocket")
                && HeaderTokens.containsToken(values(request, "Connection"), "upgrade");
    }

    static List<String> values(HttpServletRequest request, String name) {
        return request.getHeaders(name) == null ? List.of() : Collections.list(request.getHeaders(name));
    }
}
