package dev.tether.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A whole data message as extensions see it: its type, the RSV bits of its first frame, and its
 * payload (UTF-8 bytes for text). Extensions return a new message rather than changing one.
 *
 * @param type         text or binary
 * @param rsv          RSV bits as they stand in the first header byte ({@link #RSV1}, {@link #RSV2},
 *                     {@link #RSV3}); 0 for a plain message
 * @param payload      the payload, from position to limit
 * @param compressible false when the sender said the payload is compressed already
 *                     ({@link dev.tether.api.SendOption#NO_COMPRESSION}): a compressing extension
 *                     passes it on as it is. Always true for received messages.
 */
public record Message(MessageType type, int rsv, ByteBuffer payload, boolean compressible) {
    /**
     * The RSV1 bit of a frame's first byte (RFC 6455 §5.2); permessage-deflate marks compressed
     * messages with it.
     */
    public static final int RSV1 = 0x40;
    /** The RSV2 bit of a frame's first byte (RFC 6455 §5.2). */
    public static final int RSV2 = 0x20;
    /** The RSV3 bit of a frame's first byte (RFC 6455 §5.2). */
    public static final int RSV3 = 0x10;
    /** All three RSV bits: {@code rsv} values and extensions' claims must lie within it. */
    public static final int RSV_MASK = RSV1 | RSV2 | RSV3;

    /**
     * Checks that {@code type} and {@code payload} are not null and {@code rsv} holds RSV bits only.
     *
     * @param type         text or binary
     * @param rsv          RSV bits, within {@link #RSV_MASK}
     * @param payload      the payload, from position to limit
     * @param compressible false when the payload is compressed already
     * @throws IllegalArgumentException if {@code rsv} has a bit outside {@link #RSV_MASK}
     */
    public Message {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if ((rsv & ~RSV_MASK) != 0) {
            throw new IllegalArgumentException("rsv holds bits other than RSV1-3: 0x" + Integer.toHexString(rsv));
        }
    }

    /**
     * A message that extensions may compress.
     *
     * @param type    text or binary
     * @param rsv     RSV bits, within {@link #RSV_MASK}
     * @param payload the payload, from position to limit
     */
    public Message(MessageType type, int rsv, ByteBuffer payload) {
        this(type, rsv, payload, true);
    }

    /**
     * The same message with other RSV bits and payload.
     *
     * @param newRsv     the RSV bits of the new message
     * @param newPayload the payload of the new message
     * @return a new message with this one's type and {@code compressible} flag
     */
    public Message with(int newRsv, ByteBuffer newPayload) {
        return new Message(type, newRsv, newPayload, compressible);
    }
}
