/**
 * The protocol vocabulary every layer of the core shares: which end a connection plays
 * ({@link dev.tether.protocol.Role}) and how a peer's violation fails it
 * ({@link dev.tether.protocol.ProtocolException}). It depends on nothing else in Tether, so the
 * driver, the extensions and message assembly may all use it without depending on one another the
 * wrong way (the direction is driver → extension → message).
 */
package dev.tether.protocol;
