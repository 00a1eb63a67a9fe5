package dev.tether.driver.hybi;

import dev.tether.api.CloseCodes;
import dev.tether.driver.DriverEvents;
import dev.tether.extension.Extensions;
import dev.tether.message.BufferPool;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.message.Utf8Validator;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The receiving half of the data path: data frames in from the parser, through message assembly and
 * the extension pipeline, out to {@link DriverEvents#onText} and {@link DriverEvents#onBinary}.
 * Messages are validated whether or not they are delivered: after our close they are read and
 * checked, but not delivered (as the W3C API does).
 */
final class InboundMessages {
    private final Extensions extensions;
    private final DriverEvents events;
    private final BooleanSupplier delivering;
    private final BufferPool lender;
    private final MessageAssembler assembler;

    /**
     * @param lender     where large binary messages take their buffers, without extensions only
     *                   (an extension may replace the payload it is given); null for none
     * @param delivering whether a message read now reaches the events (the connection is open)
     */
    InboundMessages(int maxLength, Extensions extensions, BufferPool lender, DriverEvents events,
                    BooleanSupplier delivering) {
        this.extensions = extensions;
        this.events = events;
        this.delivering = delivering;
        this.lender = extensions.isEmpty() ? lender : null;
        this.assembler = new MessageAssembler(maxLength, this::onMessage, this.lender);
    }

    void frameStart(int opcode, boolean fin, int rsv, long length) throws ProtocolException {
        assembler.frameStart(opcode, fin, rsv, length);
    }

    void payload(ByteBuffer chunk) throws ProtocolException {
        assembler.payload(chunk);
    }

    void frameEnd(boolean fin) throws ProtocolException {
        assembler.frameEnd(fin);
    }

    /** Gives back what a message that will not be finished holds (the connection ended). */
    void discard() {
        assembler.discard();
    }

    private void onMessage(Message message, boolean utf8Checked) throws ProtocolException {
        if (!extensions.isEmpty()) {
            message = extensions.processIncoming(message);
        }
        if (!delivering.getAsBoolean()) {
            if (lender != null) {
                lender.release(message.payload());
            }
            return;
        }
        ByteBuffer payload = message.payload();
        if (message.type() == MessageType.TEXT) {
            if (!utf8Checked && !Utf8Validator.isValid(payload)) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text message is not valid UTF-8");
            }
            events.onText(decode(payload));
        } else {
            events.onBinary(payload);
        }
    }

    static String decode(ByteBuffer utf8) {
        if (utf8.hasArray()) {
            return new String(utf8.array(), utf8.arrayOffset() + utf8.position(), utf8.remaining(), StandardCharsets.UTF_8);
        }
        return StandardCharsets.UTF_8.decode(utf8.duplicate()).toString();
    }
}
