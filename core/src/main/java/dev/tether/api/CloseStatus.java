package dev.tether.api;

import java.util.Objects;

/**
 * How a connection ended: the close code, the reason, and whether both close frames were exchanged
 * ({@code wasClean}, as in the W3C {@code CloseEvent}).
 *
 * @param code     the peer's close code, {@link CloseCodes#NO_STATUS} when its close frame had none,
 *                 or {@link CloseCodes#ABNORMAL} when the connection ended without a close frame
 * @param reason   the close reason, never null (empty when there was none)
 * @param wasClean true when the close handshake completed in both directions
 */
public record CloseStatus(int code, String reason, boolean wasClean) {
    /**
     * Checks the components.
     *
     * @param code     the close code
     * @param reason   the close reason, empty for none
     * @param wasClean whether the close handshake completed in both directions
     * @throws NullPointerException if {@code reason} is null
     */
    public CloseStatus {
        Objects.requireNonNull(reason, "reason");
    }
}
