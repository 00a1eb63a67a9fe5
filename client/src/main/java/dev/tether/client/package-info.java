/**
 * Tether's clients. {@code WebSocketClient} connects to {@code ws://} and {@code wss://} URIs and
 * hands back the same {@link dev.tether.api.WebSocket} a server socket is, with its options, TLS
 * and proxy settings and the exceptions that say which step of a connect failed.
 * {@code EventSourceClient} follows server-sent event streams as a browser's {@code EventSource}
 * does: each {@code EventSourceConnection} reconnects with {@code Last-Event-ID}, follows
 * {@code retry:} and backs off, and says why in {@code EventSourceException}s.
 */
package dev.tether.client;
