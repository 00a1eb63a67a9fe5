package dev.tether.servlet;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.handshake.ServerHandshake;
import dev.tether.driver.handshake.HeaderTokens;
import dev.tether.message.BufferPool;
import dev.tether.runtime.connection.WebSocketConnection;
import dev.tether.servlet.upgrade.ContainerUpgrade;
import dev.tether.servlet.upgrade.ContainerUpgrade.TransportSettings;
import dev.tether.servlet.upgrade.ContainerUpgrade.Upgraded;
import dev.tether.servlet.upgrade.ServletHandshakeInfo;
import dev.tether.servlet.upgrade.ServletHandshakeRequest;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * WebSocket from any servlet or filter:
 *
 * <pre>{@code
 * if (WebSockets.isWebSocket(request)) {
 *     WebSockets.upgrade(request, response, options, new WebSocketListener() {
 *         public void onText(WebSocket socket, String text) { socket.send(text); }
 *     });
 *     return;
 * }
 * }</pre>
 */
public final class WebSockets {
    private static final System.Logger LOG = System.getLogger(WebSockets.class.getName());

    private WebSockets() {
    }

    /**
     * Whether {@code request} asks to become a WebSocket: a GET with {@code Upgrade: websocket} and
     * {@code Connection: Upgrade} (tokens in comma lists, any case). Every draft, hixie-75 included,
     * sends these two headers.
     *
     * @param request the request to look at
     * @return true when {@code request} is a WebSocket handshake
     */
    public static boolean isWebSocket(HttpServletRequest request) {
        return "GET".equals(request.getMethod())
                && HeaderTokens.containsToken(values(request, "Upgrade"), "websocket")
                && HeaderTokens.containsToken(values(request, "Connection"), "upgrade");
    }

    /**
     * Answers the handshake and, when it is accepted, upgrades the connection. The servlet must
     * return without writing to the response afterwards; the connection starts once it has.
     *
     * <p>A refused handshake is answered here (403 for an origin not allowed, the hook's own
     * status, 400/405/426 for protocol errors, each with a plain-text reason) and null is returned.
     *
     * @param request  the handshake request
     * @param response the response the handshake is answered on
     * @param options  how the connection behaves
     * @param listener the listener for the connection's events
     * @return the new connection, in state {@code CONNECTING} (sends are queued until it opens), or
     *         null when the handshake was refused
     * @throws IOException      if the refusal could not be written, or the container failed to upgrade
     * @throws ServletException if the container cannot upgrade this connection
     */
    public static WebSocket upgrade(HttpServletRequest request, HttpServletResponse response,
                                    WebSocketOptions options, WebSocketListener listener)
            throws IOException, ServletException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        if (!"HTTP/1.1".equals(request.getProtocol())) {
            // RFC 6455 §4.1 needs HTTP/1.1; WebSocket over HTTP/2 (RFC 8441) is another mechanism.
            ContainerUpgrade.refuse(response, 400, "a WebSocket handshake needs HTTP/1.1, not " + request.getProtocol());
            return null;
        }
        String origin = request.getHeader("Origin") != null ? request.getHeader("Origin") : request.getHeader("Sec-WebSocket-Origin");
        if (!options.allowedOrigins().isEmpty() && origin != null
                && !options.allowedOrigins().contains(origin.toLowerCase(Locale.ROOT))) {
            ContainerUpgrade.refuse(response, 403, "origin not allowed: " + origin);
            return null;
        }
        HandshakeContext context = new HandshakeContext(request);
        if (options.handshakeHook() != null) {
            try {
                options.handshakeHook().onHandshake(context);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "WebSocket handshake hook failed", e);
                ContainerUpgrade.refuse(response, 500, "the handshake could not be checked");
                return null;
            }
            if (context.rejected()) {
                ContainerUpgrade.refuse(response, context.rejectStatus(), context.rejectBody());
                return null;
            }
        }
        DriverOptions driverOptions = context.selectedProtocol() == null
                ? options.driverOptions()
                : options.driverOptions().withProtocols(context.selectedProtocol());
        ServerHandshake answer = ServerHandshake.answer(new ServletHandshakeRequest(request), driverOptions);
        if (!answer.accepted()) {
            answer.headers().forEach(response::addHeader);
            ContainerUpgrade.refuse(response, answer.status(), answer.failure());
            return null;
        }
        WebSocketConnection socket;
        try {
            socket = accept(request, response, answer, context, options, listener);
        } catch (RuntimeException | Error e) {
            answer.abandon(); // no driver will close the extensions' sessions agreed on
            throw e;
        }
        ContainerUpgrade.upgrade(request, response,
                new TransportSettings(options.connection().readBufferSize(), options.readTurnBytes()),
                Upgraded.of(socket::start, socket::startFailed)); // startFailed too if this throws
        return socket;
    }

    /** Answers with 101 and the handshake's headers, and makes the connection that will speak on it. */
    private static WebSocketConnection accept(HttpServletRequest request, HttpServletResponse response,
                                              ServerHandshake answer, HandshakeContext context,
                                              WebSocketOptions options, WebSocketListener listener) {
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        List<String> sent = new ArrayList<>(); // name, value …: the handshake view keeps them packed
        BiConsumer<String, String> answerWith = (name, value) -> {
            response.addHeader(name, value);
            sent.add(name);
            sent.add(value);
        };
        answer.headers().forEach(answerWith);
        context.responseHeaders().forEach(answerWith);
        boolean writesDirectBuffers = ContainerUpgrade.writesDirectBuffers(request);
        BufferPool lender = listener.acceptsLentBuffers() ? options.connection().lentBuffers(writesDirectBuffers) : null;
        ServletHandshakeInfo handshake = new ServletHandshakeInfo(request, sent);
        return context.open(attributes -> new WebSocketConnection((events, out) -> answer.newDriver(events, out, lender),
                options.connection(), listener, handshake, attributes, lender));
    }

    static List<String> values(HttpServletRequest request, String name) {
        return request.getHeaders(name) == null ? List.of() : Collections.list(request.getHeaders(name));
    }
}
