/**
 * Tether's clients. The WebSocket client: {@code ws://} and {@code wss://} connections on a few NIO
 * selector threads, TLS through {@link javax.net.ssl.SSLEngine}, HTTP proxies (CONNECT), on the
 * connection runtime, so a client socket is the same {@link dev.tether.api.WebSocket} as a server's.
 * The EventSource client: server-sent event streams followed over the JDK's
 * {@link java.net.http.HttpClient}, with reconnection and {@code Last-Event-ID}. Depends on the JDK,
 * the core and the runtime only.
 */
module dev.tether.client {
    requires transitive dev.tether.runtime;
    // The EventSource client's HTTP; none of its types are in the client's API.
    requires java.net.http;

    exports dev.tether.client;
}
