package dev.tether.servlet;

import dev.tether.api.WebSocketListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A servlet that speaks WebSocket: each handshake gets a listener from {@link #newListener}.
 * Requests that are not WebSocket handshakes are answered 426 Upgrade Required.
 *
 * <pre>{@code
 * @WebServlet("/echo")
 * public class EchoServlet extends WebSocketServlet {
 *     protected WebSocketListener newListener(HttpServletRequest request) {
 *         return new WebSocketListener() {
 *             public void onText(WebSocket socket, String text) { socket.send(text); }
 *         };
 *     }
 * }
 * }</pre>
 */
public abstract class WebSocketServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** A servlet with the default {@link #options()}; subclasses provide {@link #newListener}. */
    protected WebSocketServlet() {
    }

    /**
     * The options for connections made by this servlet; override to change the defaults.
     *
     * @return the options for the next connection; called on every handshake
     */
    protected WebSocketOptions options() {
        return WebSocketOptions.defaults();
    }

    /**
     * The listener for one new connection; its handshake request is {@code request}.
     *
     * @param request the handshake request
     * @return the listener for the connection, not null
     */
    protected abstract WebSocketListener newListener(HttpServletRequest request);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (!WebSockets.isWebSocket(request)) {
            response.setHeader("Upgrade", "websocket");
            response.setHeader("Connection", "Upgrade");
            response.sendError(426, "this resource speaks WebSocket only");
            return;
        }
        WebSockets.upgrade(request, response, options(), newListener(request));
    }
}
