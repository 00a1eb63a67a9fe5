package dev.tether.servlet;

/**
 * Sees each WebSocket handshake before it is answered: to authenticate (cookies, session,
 * principal), reject with any HTTP status and body, choose the subprotocol, add response headers
 * such as {@code Set-Cookie}, or attach attributes to the connection.
 */
@FunctionalInterface
public interface HandshakeHook {

    /**
     * Inspects the handshake. Returning without calling {@link HandshakeContext#reject} accepts it
     * (the protocol checks still apply). An exception rejects it with 500.
     *
     * @param handshake the handshake being answered, and where the hook records its decisions
     * @throws Exception anything; the handshake is then rejected with 500 and the exception logged
     */
    void onHandshake(HandshakeContext handshake) throws Exception;
}
