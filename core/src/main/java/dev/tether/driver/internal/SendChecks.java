package dev.tether.driver.internal;

import dev.tether.api.WebSocket;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The argument checks every driver makes before it looks at its state, so a bad argument throws the
 * same way whether the connection is open, not yet open, or cannot carry the send at all.
 */
public final class SendChecks {
    private SendChecks() {
    }

    /**
     * @throws NullPointerException     for a null payload
     * @throws IllegalArgumentException for a payload over 125 bytes
     */
    public static void controlPayload(ByteBuffer payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.remaining() > WebSocket.MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("control frame payload of " + payload.remaining() + " bytes: at most 125");
        }
    }
}
