/**
 * Tether's WebSocket client: {@code ws://} and {@code wss://} connections on a few NIO selector
 * threads, TLS through {@link javax.net.ssl.SSLEngine}, HTTP proxies (CONNECT), on the connection
 * runtime, so a client socket is the same {@link dev.tether.api.WebSocket} as a server's. Depends on
 * the JDK, the core and the runtime only.
 */
module dev.tether.client {
    requires transitive dev.tether.runtime;

    exports dev.tether.client;
}
