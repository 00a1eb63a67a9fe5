package dev.tether.extension;

import dev.tether.message.MemoryBudget;
import dev.tether.protocol.Role;

import java.util.Objects;

/**
 * What an extension session may need to know about its connection.
 *
 * @param role             which end of the connection the session serves
 * @param maxMessageLength the largest message the connection accepts, in bytes (possibly
 *                         {@code Long.MAX_VALUE}: no limit); an extension that grows incoming messages
 *                         (inflation) must stop at this size with 1009, and one that makes a whole
 *                         message of its own at {@code Integer.MAX_VALUE - 8} too
 * @param messageMemory    the budget the connection's incoming messages take memory from; an
 *                         extension that makes a whole message of its own (inflating one) counts
 *                         that message's buffer against it, with {@link dev.tether.message.MessageMemory}
 */
public record ExtensionContext(Role role, long maxMessageLength, MemoryBudget messageMemory) {

    /**
     * Checks that {@code role} and {@code messageMemory} are not null.
     *
     * @param role             which end of the connection the session serves
     * @param maxMessageLength the largest message the connection accepts, in bytes
     * @param messageMemory    the budget the connection's incoming messages take memory from
     */
    public ExtensionContext {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(messageMemory, "messageMemory");
    }

    /**
     * With the {@linkplain MemoryBudget#shared() shared} budget.
     *
     * @param role             which end of the connection the session serves
     * @param maxMessageLength the largest message the connection accepts, in bytes
     */
    public ExtensionContext(Role role, long maxMessageLength) {
        this(role, maxMessageLength, MemoryBudget.shared());
    }
}
