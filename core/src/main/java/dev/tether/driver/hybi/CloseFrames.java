package dev.tether.driver.hybi;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.message.Utf8Validator;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The close frame's payload (RFC 6455 §5.5.1): a code and a UTF-8 reason, read and written. */
final class CloseFrames {
    private CloseFrames() {
    }

    /**
     * The status a received close frame carries: 1005 and no reason for an empty payload.
     *
     * @throws ProtocolException for a 1-byte payload or a code not valid on the wire (1002), or a
     *                           reason that is not UTF-8 (1007)
     */
    static CloseStatus read(ByteBuffer payload) throws ProtocolException {
        int code = CloseCodes.NO_STATUS;
        String reason = "";
        if (payload.remaining() == 1) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "close frame with a 1-byte payload");
        }
        if (payload.remaining() >= 2) {
            code = payload.getShort(payload.position()) & 0xFFFF;
            if (!CloseCodes.isValidOnWire(code)) {
                throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "close code " + code + " is not valid on the wire");
            }
            ByteBuffer reasonBytes = payload.slice(payload.position() + 2, payload.remaining() - 2);
            if (!Utf8Validator.isValid(reasonBytes)) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "close reason is not valid UTF-8");
            }
            reason = InboundMessages.decode(reasonBytes);
        }
        return new CloseStatus(code, reason, true);
    }

    /** The payload for {@code code} and {@code reason}; empty for 1005, which says "no code". */
    static ByteBuffer payload(int code, byte[] reason) {
        if (code == CloseCodes.NO_STATUS) {
            return ByteBuffer.allocate(0);
        }
        return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).flip();
    }

    /** The message's UTF-8 bytes, cut at a character boundary to fit a close frame. */
    static byte[] truncatedUtf8(String message) {
        byte[] bytes = (message == null ? "" : message).getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= CloseCodes.MAX_REASON_BYTES) {
            return bytes;
        }
        int end = CloseCodes.MAX_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // do not cut a multi-byte character
        }
        return Arrays.copyOf(bytes, end);
    }
}
