package dev.tether.driver.hybi;

import dev.tether.api.CloseCodes;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.DriverOptions;
import dev.tether.extension.Extensions;
import dev.tether.extension.FragmentSink;
import dev.tether.message.BufferPool;
import dev.tether.message.MemoryBudget;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.message.Utf8Validator;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The receiving half of the data path: data frames in from the parser, events out. Messages are
 * validated whether or not they are delivered: after our close they are read and checked, but not
 * delivered (as the W3C API does). There are two paths, chosen once:
 *
 * <ul>
 *   <li>By message, the default: {@link MessageAssembler} assembles each message (lending large
 *       binary ones from the pool, decoding single-frame text where it lies), the extensions work on
 *       it whole, and it is reported whole, or, if fragments were asked for, as one fragment.</li>
 *   <li>By fragment, when fragments were asked for (for either type) and no extension is active, or when
 *       every extension works on fragments: {@link FragmentReader} cuts frames into fragments, the
 *       extensions work on them one by one, and {@link FragmentDelivery} checks and reports them,
 *       or collects each message and reports it whole.</li>
 * </ul>
 */
final class InboundMessages implements MessageAssembler.MessageSink {
    private final Extensions extensions;
    private final DriverEvents events;
    private final OpenCheck delivering;
    private final boolean textInFragments;
    private final boolean binaryInFragments;
    private final BufferPool lender;
    /** One of the two is null: see the class comment. */
    private final MessageAssembler assembler;
    private final FragmentReader fragments;
    /** The end of the fragment path, when there is one. */
    private final FragmentDelivery delivery;

    /**
     * @param textInFragments   whether text messages are reported as fragments ({@link DriverEvents#onFragment})
     * @param binaryInFragments the same for binary messages
     * @param fragmentSize      the largest piece a frame is cut into on the fragment path
     * @param messageMemory     what the buffers of messages being assembled are counted against
     * @param lender            where large binary messages take their buffers, on the message path and
     *                          without extensions only (an extension may replace the payload it is
     *                          given); null for none
     * @param delivering        whether a message read now reaches the events (the connection is open)
     */
    InboundMessages(long maxMessageLength, boolean textInFragments, boolean binaryInFragments, int fragmentSize,
                    MemoryBudget messageMemory, Extensions extensions, BufferPool lender, DriverEvents events,
                    OpenCheck delivering) {
        this.extensions = extensions;
        this.events = events;
        this.delivering = delivering;
        this.textInFragments = textInFragments;
        this.binaryInFragments = binaryInFragments;
        boolean byFragment = extensions.isEmpty() ? textInFragments || binaryInFragments : extensions.processesFragments();
        if (byFragment) {
            MessageLimits limits = MessageLimits.of(maxMessageLength, textInFragments, binaryInFragments);
            this.delivery = new FragmentDelivery(limits, !textInFragments, !binaryInFragments, messageMemory, events, delivering);
            FragmentSink pipeline = extensions.isEmpty() ? delivery : extensions.incomingFragments(delivery);
            this.fragments = new FragmentReader(limits, fragmentSize, pipeline);
            this.assembler = null;
            this.lender = null;
        } else {
            this.lender = extensions.isEmpty() ? lender : null;
            int wholeLimit = DriverOptions.wholeMessageLimit(maxMessageLength);
            this.assembler = new MessageAssembler(wholeLimit, this, this.lender, messageMemory);
            this.fragments = null;
            this.delivery = null;
        }
    }

    void frameStart(int opcode, boolean fin, int rsv, long length) throws ProtocolException {
        if (assembler != null) {
            assembler.frameStart(opcode, fin, rsv, length);
        } else {
            fragments.frameStart(opcode, fin, rsv, length);
        }
    }

    void payload(ByteBuffer chunk) throws ProtocolException {
        if (assembler != null) {
            assembler.payload(chunk);
        } else {
            fragments.payload(chunk);
        }
    }

    void frameEnd(boolean fin) throws ProtocolException {
        if (assembler != null) {
            assembler.frameEnd(fin);
        } else {
            fragments.frameEnd(fin);
        }
    }

    /** Gives back what a message that will not be finished holds (the connection ended). */
    void discard() {
        if (assembler != null) {
            assembler.discard();
        } else {
            delivery.discard();
        }
    }

    /** A whole message from the assembler (this is its sink: one object fewer than a method reference). */
    @Override
    public void message(Message message, boolean utf8Checked) throws ProtocolException {
        if (!extensions.isEmpty()) {
            message = extensions.processIncoming(message);
        }
        if (!delivering.isOpen()) {
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
            if (textInFragments) {
                events.onFragment(MessageType.TEXT, copy(payload), true); // text may be a view of the input
            } else {
                events.onText(decode(payload));
            }
        } else if (binaryInFragments) {
            events.onFragment(MessageType.BINARY, payload, true);
        } else {
            events.onBinary(payload);
        }
    }

    private static ByteBuffer copy(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(payload.position(), bytes);
        return ByteBuffer.wrap(bytes);
    }

    static String decode(ByteBuffer utf8) {
        if (utf8.hasArray()) {
            return new String(utf8.array(), utf8.arrayOffset() + utf8.position(), utf8.remaining(), StandardCharsets.UTF_8);
        }
        return StandardCharsets.UTF_8.decode(utf8.duplicate()).toString();
    }
}
