package dev.tether.extension;

import dev.tether.protocol.Role;

/**
 * What an extension session may need to know about its connection.
 *
 * @param role             which end of the connection the session serves
 * @param maxMessageLength the largest message the connection accepts, in bytes; an extension that
 *                         grows incoming messages (inflation) must stop at this size with 1009
 */
public record ExtensionContext(Role role, int maxMessageLength) {
}
