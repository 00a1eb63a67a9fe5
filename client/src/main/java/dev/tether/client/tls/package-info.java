/**
 * TLS set-up for the client: PEM certificates and keys, the client identity, the SSL contexts
 * {@link dev.tether.client.TlsOptions} builds. Not exported.
 */
package dev.tether.client.tls;
