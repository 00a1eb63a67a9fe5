package dev.tether.driver.hybi;

import dev.tether.api.CloseCodes;
import dev.tether.driver.DriverEvents;
import dev.tether.extension.FragmentSink;
import dev.tether.message.Fragment;
import dev.tether.message.MemoryBudget;
import dev.tether.message.MessageMemory;
import dev.tether.message.MessageType;
import dev.tether.message.Utf8Validator;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The end of the fragment path, after any extensions: checks each fragment as it comes (the message
 * size limit, UTF-8 for text, with the validator's state spanning fragments) and then either reports
 * it ({@link DriverEvents#onFragment}), text cut back to a character boundary, or collects the
 * message and reports it whole.
 */
final class FragmentDelivery implements FragmentSink {
    private static final byte[] EMPTY = new byte[0];

    private final MessageLimits limits;
    private final boolean wholeText;
    private final boolean wholeBinary;
    private final MessageMemory memory;
    private final DriverEvents events;
    private final OpenCheck delivering;
    private final Utf8Validator utf8 = new Utf8Validator();

    private boolean inMessage;
    private MessageType type;
    /** Whether the message being received is reported whole, and its limit (an array's size at most, if so). */
    private boolean whole;
    private long maxLength;
    private long size;
    /** The start of a character the last text fragment ended inside, held back for the next one. */
    private byte[] carried = EMPTY;
    /** A whole message being collected, when messages are reported whole. */
    private byte[] collected;
    private int collectedSize;

    /**
     * @param wholeText   report each text message whole ({@code onText}) rather than its fragments
     * @param wholeBinary the same for binary messages ({@code onBinary})
     * @param budget     what a message being collected is counted against
     * @param delivering whether what is read now is reported (the connection is open)
     */
    FragmentDelivery(MessageLimits limits, boolean wholeText, boolean wholeBinary, MemoryBudget budget,
                     DriverEvents events, OpenCheck delivering) {
        this.limits = limits;
        this.wholeText = wholeText;
        this.wholeBinary = wholeBinary;
        this.memory = new MessageMemory(budget);
        this.events = events;
        this.delivering = delivering;
    }

    @Override
    public void accept(Fragment fragment) throws ProtocolException {
        if (fragment.first() == inMessage) {
            // Only an extension can get this wrong: the reader starts and ends messages in turn.
            throw new IllegalStateException(fragment.first()
                    ? "a fragment begins a message before the last one ended" : "a fragment continues no message");
        }
        if (fragment.first()) {
            inMessage = true;
            type = fragment.type();
            whole = type == MessageType.TEXT ? wholeText : wholeBinary;
            maxLength = limits.of(type);
            size = 0;
            utf8.reset();
            carried = EMPTY;
        }
        ByteBuffer payload = fragment.payload();
        size += payload.remaining();
        if (size > maxLength) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                    "message of at least " + size + " bytes exceeds the limit of " + maxLength);
        }
        boolean last = fragment.last();
        if (type == MessageType.TEXT) {
            if (!utf8.update(payload)) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text message is not valid UTF-8");
            }
            if (last && !utf8.isComplete()) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
            }
        }
        inMessage = !last;
        if (whole) {
            collect(payload, last);
        } else if (delivering.isOpen()) {
            events.onFragment(type, type == MessageType.TEXT ? wholeCharacters(payload) : payload, last);
        }
    }

    /**
     * The text to report: what was held back, then the payload, less the start of a character it
     * ends inside (which the validator accepted so far, so it is a lead byte and at most two
     * continuation bytes), held back in turn.
     */
    private ByteBuffer wholeCharacters(ByteBuffer payload) {
        if (carried.length == 0 && utf8.isComplete()) {
            return payload;
        }
        byte[] text = new byte[carried.length + payload.remaining()];
        System.arraycopy(carried, 0, text, 0, carried.length);
        payload.get(payload.position(), text, carried.length, payload.remaining());
        int end = text.length;
        if (!utf8.isComplete()) {
            end--;
            while ((text[end] & 0xC0) == 0x80) {
                end--; // back over continuation bytes to the character's lead byte
            }
        }
        carried = Arrays.copyOfRange(text, end, text.length);
        return ByteBuffer.wrap(text, 0, end);
    }

    private void collect(ByteBuffer payload, boolean last) throws ProtocolException {
        int n = payload.remaining();
        if (last && collected == null) {
            report(payload); // a message in one fragment: no copy
            return;
        }
        if (collected == null || collected.length - collectedSize < n) {
            int needed = collectedSize + n; // within maxLength, checked on arrival
            int wanted = (int) Math.min(Math.max(needed, 2L * (collected == null ? n : collected.length)), maxLength);
            collected = Arrays.copyOf(collected == null ? EMPTY : collected, memory.grow(needed, wanted));
        }
        payload.get(payload.position(), collected, collectedSize, n);
        collectedSize += n;
        if (last) {
            ByteBuffer message = ByteBuffer.wrap(collected, 0, collectedSize);
            discard(); // the message is the receiver's now
            report(message);
        }
    }

    /**
     * Lets go of the message being collected and gives back what it took from the budget: when it
     * was reported (it is the receiver's), or when the connection ended before it did.
     */
    void discard() {
        collected = null;
        collectedSize = 0;
        memory.release();
    }

    private void report(ByteBuffer message) {
        if (!delivering.isOpen()) {
            return;
        }
        if (type == MessageType.TEXT) {
            events.onText(InboundMessages.decode(message));
        } else {
            events.onBinary(message.remaining() == message.capacity() ? message : copyOf(message));
        }
    }

    private static ByteBuffer copyOf(ByteBuffer message) {
        byte[] bytes = new byte[message.remaining()];
        message.get(message.position(), bytes);
        return ByteBuffer.wrap(bytes); // the receiver keeps it: no slack
    }
}
