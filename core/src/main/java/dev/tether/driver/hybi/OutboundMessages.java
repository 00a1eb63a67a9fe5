package dev.tether.driver.hybi;

import dev.tether.driver.WireOutput;
import dev.tether.extension.Extensions;
import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.message.MessageType;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The sending half of the data path: whole messages through the extension pipeline, or a message in
 * fragments, into data frames. It keeps the one rule of the sending side: the frames of two messages
 * never mix. The driver decides whether anything may be sent at all.
 *
 * <p>Fragments go through the extensions only when every one works on fragments; otherwise they
 * bypass them, as a message-level extension cannot see a message that is not whole.
 *
 * <p>After the extensions, a payload larger than the send frame size goes out as several frames of at
 * most that size each, slices of it (splitting copies nothing), so that a ping or pong does not wait
 * behind one huge frame and the owner writes in steps of bounded size. The first frame carries the
 * opcode and the RSV bits the extensions set, the rest are continuations with RSV clear, and only the
 * frame that ends the message has FIN. A text payload is cut at any byte, inside a character if it
 * falls so: RFC 6455 §5.6 requires UTF-8 of the whole message, not of each frame, and receivers
 * validate it so.
 */
final class OutboundMessages {
    private final Extensions extensions;
    private final FrameWriter writer;
    /** The largest frame payload written; 0 writes every payload as one frame. */
    private final int frameSize;
    /** Where fragments go through the extensions to {@link #writeFragment}; null when they go straight there. */
    private final Consumer<Fragment> fragmentPipeline;
    /** The type of the message being sent in fragments, or null between messages. */
    private MessageType fragmented;
    /** Whether the next fragment written begins a message on the wire (extensions may hold some back). */
    private boolean wireFirst = true;

    /** @param frameSize the largest frame payload written, larger ones being split; 0 for no limit */
    OutboundMessages(Extensions extensions, FrameWriter writer, int frameSize) {
        this.extensions = extensions;
        this.writer = writer;
        this.frameSize = frameSize;
        this.fragmentPipeline = !extensions.isEmpty() && extensions.processesFragments()
                ? extensions.outgoingFragments(this::writeFragment) : null;
    }

    /**
     * Sends a whole message: one frame, or several when its payload is larger than the frame size.
     *
     * @param compressible false for data compressed already (see {@link Message#compressible()})
     * @throws IllegalStateException while a message is being sent in fragments
     */
    void message(MessageType type, ByteBuffer payload, boolean compressible) {
        if (fragmented != null) {
            throw new IllegalStateException("a fragmented message is being sent: send its last fragment first");
        }
        Message message = new Message(type, 0, payload, compressible);
        if (!extensions.isEmpty()) {
            message = extensions.processOutgoing(message);
        }
        writeFrames(true, message.rsv(), opcode(type), message.payload());
    }

    /**
     * Sends one fragment of a message: the first carries its type, the rest continue it.
     *
     * @throws IllegalStateException when a message of the other type is being sent in fragments
     */
    void fragment(MessageType type, ByteBuffer data, boolean fin) {
        if (fragmented != null && fragmented != type) {
            throw new IllegalStateException("a " + fragmented + " message is being sent in fragments, not " + type);
        }
        boolean first = fragmented == null;
        fragmented = fin ? null : type;
        Fragment fragment = new Fragment(type, 0, data, first, fin);
        if (fragmentPipeline == null) {
            writeFragment(fragment);
        } else {
            fragmentPipeline.accept(fragment);
        }
    }

    /** The first fragment of a message on the wire carries its opcode and RSV bits; the rest continue it. */
    private void writeFragment(Fragment fragment) {
        int opcode = wireFirst ? opcode(fragment.type()) : Opcode.CONTINUATION;
        int rsv = wireFirst ? fragment.rsv() : 0;
        wireFirst = fragment.last();
        writeFrames(fragment.last(), rsv, opcode, fragment.payload());
    }

    /**
     * Writes {@code payload} as one frame, or, when it is larger than the frame size, as frames of that
     * size and a last one with the rest: {@code opcode} and {@code rsv} on the first, continuations after
     * it, {@code fin} on the last only. The payload's position is not moved.
     */
    private void writeFrames(boolean fin, int rsv, int opcode, ByteBuffer payload) {
        int at = payload.position();
        int end = payload.limit();
        if (frameSize > 0) {
            for (; end - at > frameSize; at += frameSize) {
                writer.write(WireOutput.Kind.DATA, false, rsv, opcode, payload.slice(at, frameSize));
                opcode = Opcode.CONTINUATION;
                rsv = 0;
            }
        }
        writer.write(WireOutput.Kind.DATA, fin, rsv, opcode, at == payload.position() ? payload : payload.slice(at, end - at));
    }

    private static int opcode(MessageType type) {
        return type == MessageType.TEXT ? Opcode.TEXT : Opcode.BINARY;
    }
}
