/**
 * Building blocks of the opening handshakes (RFC 6455 client and server, hixie-76 server):
 * {@link dev.tether.driver.handshake.HttpHeaders}, header token lists, the
 * {@code Sec-WebSocket-Accept} and hixie-76 key computations, and an incremental parser for the
 * server's response head. No I/O: callers feed and write bytes themselves.
 */
package dev.tether.driver.handshake;
