/**
 * The WebSocket client: {@code WebSocketClient} connects to {@code ws://} and {@code wss://} URIs
 * and hands back the same {@link dev.tether.api.WebSocket} a server socket is, with its options, TLS
 * and proxy settings and the exceptions that say which step of a connect failed.
 */
package dev.tether.client;
