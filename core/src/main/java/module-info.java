/**
 * Tether's protocol core: WebSocket (RFC 6455, hixie-75/76) and EventSource encoding, sans-IO.
 * Depends on the JDK only.
 */
module dev.tether.core {
    exports dev.tether.api;
    exports dev.tether.driver;
    exports dev.tether.driver.handshake;
    exports dev.tether.handshake;
    exports dev.tether.extension;
    exports dev.tether.extension.deflate;
    exports dev.tether.message;
    exports dev.tether.protocol;
    exports dev.tether.sse;
}
