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
    public static final int RSV1 = 0x40;
    public static final int RSV2 = 0x20;
    public static final int RSV3 = 0x10;
    public static final int RSV_MASK = RSV1 | RSV2 | RSV3;

    public Message {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if ((rsv & ~RSV_MASK) != 0) {
            throw new IllegalArgumentException("rsv holds bits other than RSV1-3: 0x" + Integer.toHexString(rsv));
        }
    }

    /** A message that extensions may compress. */
    public Message(MessageType type, int rsv, ByteBuffer payload) {
        this(type, rsv, payload, true);
    }

    /** The same message with other RSV bits and payload. */
    public Message with(int newRsv, ByteBuffer newPayload) {
        return new Message(type, newRsv, newPayload, compressible);
    }
}
