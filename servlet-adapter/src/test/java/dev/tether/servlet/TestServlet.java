package dev.tether.servlet;

import dev.tether.api.WebSocketListener;
import jakarta.servlet.http.HttpServletRequest;

import java.util.function.Function;

/** A {@link WebSocketServlet} made of options and a listener factory, for tests. */
final class TestServlet extends WebSocketServlet {
    private static final long serialVersionUID = 1L;

    private final transient WebSocketOptions options;
    private final transient Function<HttpServletRequest, WebSocketListener> listeners;

    TestServlet(WebSocketOptions options, Function<HttpServletRequest, WebSocketListener> listeners) {
        this.options = options;
        this.listeners = listeners;
    }

    static TestServlet of(WebSocketListener listener) {
        return new TestServlet(WebSocketOptions.defaults(), request -> listener);
    }

    static TestServlet of(WebSocketOptions options, WebSocketListener listener) {
        return new TestServlet(options, request -> listener);
    }

    @Override
    protected WebSocketOptions options() {
        return options;
    }

    @Override
    protected WebSocketListener newListener(HttpServletRequest request) {
        return listeners.apply(request);
    }
}
