package dev.tether.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A piece of a data message as it crosses the wire: the payload of one frame, or of part of a large
 * one. Extensions that work fragment by fragment see these instead of whole {@link Message}s, so a
 * message can be transformed (inflated, say) while it is still arriving. Extensions pass on new
 * fragments rather than change one.
 *
 * @param type    the message's type, on every fragment of it
 * @param rsv     the RSV bits of the message, as its first frame carries them ({@link Message#RSV1}
 *                …), on every fragment of it, so an extension can tell its own messages (compressed
 *                ones, say) without keeping state; on the wire they are set on the first frame only
 * @param payload the bytes, from position to limit; for text, UTF-8 that may stop inside a
 *                character, since frames may
 * @param first   whether this fragment begins its message
 * @param last    whether this fragment ends its message (a one-fragment message is both)
 */
public record Fragment(MessageType type, int rsv, ByteBuffer payload, boolean first, boolean last) {

    /**
     * Checks that {@code type} and {@code payload} are not null and {@code rsv} holds RSV bits only.
     *
     * @param type    the message's type
     * @param rsv     the message's RSV bits, within {@link Message#RSV_MASK}
     * @param payload the bytes, from position to limit
     * @param first   whether this fragment begins its message
     * @param last    whether this fragment ends its message
     * @throws IllegalArgumentException if {@code rsv} has a bit outside {@link Message#RSV_MASK}
     */
    public Fragment {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if ((rsv & ~Message.RSV_MASK) != 0) {
            throw new IllegalArgumentException("rsv holds bits other than RSV1-3: 0x" + Integer.toHexString(rsv));
        }
    }

    /**
     * The same place in the same message, with other RSV bits and payload.
     *
     * @param newRsv     the RSV bits of the new fragment
     * @param newPayload the payload of the new fragment
     * @return a new fragment with this one's type, {@code first} and {@code last}
     */
    public Fragment with(int newRsv, ByteBuffer newPayload) {
        return new Fragment(type, newRsv, newPayload, first, last);
    }
}
