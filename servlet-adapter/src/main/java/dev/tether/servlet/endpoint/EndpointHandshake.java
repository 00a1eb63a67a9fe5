package dev.tether.servlet.endpoint;

import dev.tether.servlet.HandshakeContext;
import jakarta.servlet.http.HttpServletRequest;

import java.util.List;
import java.util.Map;

/**
 * A handshake routed to an endpoint, as its {@link EndpointConfigurator} sees it: the request, the
 * path parameters, the subprotocol the router chose, and the means to refuse it.
 */
public final class EndpointHandshake {
    private final HandshakeContext context;
    private final Class<?> endpointClass;
    private final Map<String, String> pathParameters;
    private String protocol;
    private boolean rejected;

    EndpointHandshake(HandshakeContext context, Class<?> endpointClass, Map<String, String> pathParameters, String protocol) {
        this.context = context;
        this.endpointClass = endpointClass;
        this.pathParameters = pathParameters;
        this.protocol = protocol;
    }

    /**
     * The upgrade request, with everything the container offers (session, cookies, principal …).
     *
     * @return the servlet request that carries the handshake
     */
    public HttpServletRequest request() {
        return context.request();
    }

    /**
     * The endpoint class the request was routed to.
     *
     * @return the class annotated {@link WebSocketEndpoint} whose template matched
     */
    public Class<?> endpointClass() {
        return endpointClass;
    }

    /**
     * The values of the path template's variables, decoded, by name.
     *
     * @return the variables' values by name; empty for a template without variables
     */
    public Map<String, String> pathParameters() {
        return pathParameters;
    }

    /**
     * The subprotocols the client offers, in its order.
     *
     * @return the tokens of every {@code Sec-WebSocket-Protocol} header, unmodifiable; empty when none is offered
     */
    public List<String> offeredProtocols() {
        return context.offeredProtocols();
    }

    /**
     * The subprotocol that will be answered, or null for none.
     *
     * @return the subprotocol the router chose or {@link #selectProtocol} set, or null
     */
    public String protocol() {
        return protocol;
    }

    /**
     * Answers with another subprotocol, one the client offered.
     *
     * @param name the subprotocol, one of {@link #offeredProtocols()}
     * @throws IllegalArgumentException if the client did not offer {@code name}
     */
    public void selectProtocol(String name) {
        context.selectProtocol(name);
        this.protocol = name;
    }

    /**
     * Adds the header {@code name: value} to the 101 response, after any added before: a header may
     * have several values, e.g. one {@code Set-Cookie} per cookie.
     *
     * @param name  the header name, an HTTP token
     * @param value the header value
     * @throws IllegalArgumentException as {@link HandshakeContext#header}
     */
    public void header(String name, String value) {
        context.header(name, value);
    }

    /**
     * Refuses the handshake with {@code status} (400–599) and a plain-text body.
     *
     * @param status the HTTP status of the refusal, 400–599
     * @param body   the plain-text body of the refusal; null for none
     * @throws IllegalArgumentException if {@code status} is not a 4xx or 5xx status
     */
    public void reject(int status, String body) {
        context.reject(status, body);
        rejected = true;
    }

    boolean rejected() {
        return rejected;
    }

    /**
     * Attributes the connection will carry ({@code WebSocket.attributes()}).
     *
     * @return the connection's attribute map, mutable and safe to use from several threads
     */
    public Map<String, Object> attributes() {
        return context.attributes();
    }
}
