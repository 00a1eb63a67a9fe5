/**
 * permessage-deflate (RFC 7692): {@link dev.tether.extension.deflate.PerMessageDeflate}, an
 * {@link dev.tether.extension.Extension} that a server endpoint or a client registers to compress
 * messages. Off unless registered. Everything else here is its per-connection machinery:
 * negotiation of the parameters, compression with sync flushes, and inflation bounded by the
 * connection's message limit.
 */
package dev.tether.extension.deflate;
