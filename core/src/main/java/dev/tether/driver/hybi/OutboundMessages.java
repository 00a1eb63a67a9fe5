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
 */
final class OutboundMessages {
    private final Extensions extensions;
    private final FrameWriter writer;
    /** Where fragments go: through the extensions to {@link #writeFragment}, or straight there. */
    private final Consumer<Fragment> fragmentPipeline;
    /** The type of the message being sent in fragments, or null between messages. */
    private MessageType fragmented;
    /** Whether the next fragment written begins a message on the wire (extensions may hold some back). */
    private boolean wireFirst = true;

    OutboundMessages(Extensions extensions, FrameWriter writer) {
        this.extensions = extensions;
        this.writer = writer;
        this.fragmentPipeline = !extensions.isEmpty() && extensions.processesFragments()
                ? extensions.outgoingFragments(this::writeFragment) : this::writeFragment;
    }

    /**
     * Sends a whole message as one frame.
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
        writer.write(WireOutput.Kind.DATA, true, message.rsv(), opcode(type), message.payload());
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
        fragmentPipeline.accept(new Fragment(type, 0, data, first, fin));
    }

    /** The first fragment of a message on the wire carries its opcode and RSV bits; the rest continue it. */
    private void writeFragment(Fragment fragment) {
        int opcode = wireFirst ? opcode(fragment.type()) : Opcode.CONTINUATION;
        int rsv = wireFirst ? fragment.rsv() : 0;
        wireFirst = fragment.last();
        writer.write(WireOutput.Kind.DATA, fragment.last(), rsv, opcode, fragment.payload());
    }

    private static int opcode(MessageType type) {
        return type == MessageType.TEXT ? Opcode.TEXT : Opcode.BINARY;
    }
}
