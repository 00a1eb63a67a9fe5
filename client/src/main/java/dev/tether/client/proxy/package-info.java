/**
 * The HTTP proxy tunnel, sans-IO: the {@code CONNECT} request as bytes and the proxy's answer read
 * from bytes, for the transport to write and feed. Not exported.
 */
package dev.tether.client.proxy;
