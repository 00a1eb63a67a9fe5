package dev.tether.driver.hybi;

import dev.tether.driver.WireOutput;
import dev.tether.extension.Extensions;
import dev.tether.message.Message;
import dev.tether.message.MessageType;

import java.nio.ByteBuffer;

/**
 * The sending half of the data path: whole messages through the extension pipeline, or a message in
 * fragments, into data frames. It keeps the one rule of the sending side: the frames of two messages
 * never mix. The driver decides whether anything may be sent at all.
 */
final class OutboundMessages {
    private final Extensions extensions;
    private final FrameWriter writer;
    /** The type of the message being sent in fragments, or null between messages. */
    private MessageType fragmented;

    OutboundMessages(Extensions extensions, FrameWriter writer) {
        this.extensions = extensions;
        this.writer = writer;
    }

    /**
     * Sends a whole message as one frame.
     *
     * @throws IllegalStateException while a message is being sent in fragments
     */
    void message(MessageType type, ByteBuffer payload) {
        if (fragmented != null) {
            throw new IllegalStateException("a fragmented message is being sent: send its last fragment first");
        }
        Message message = new Message(type, 0, payload);
        if (!extensions.isEmpty()) {
            message = extensions.processOutgoing(message);
        }
        writer.write(WireOutput.Kind.DATA, true, message.rsv(), opcode(type), message.payload());
    }

    /**
     * Sends one fragment: the first of a message carries its type, the rest are continuations.
     *
     * @throws IllegalStateException when a message of the other type is being sent in fragments
     */
    void fragment(MessageType type, ByteBuffer data, boolean fin) {
        int opcode;
        if (fragmented == null) {
            opcode = opcode(type);
        } else if (fragmented != type) {
            throw new IllegalStateException("a " + fragmented + " message is being sent in fragments, not " + type);
        } else {
            opcode = Opcode.CONTINUATION;
        }
        fragmented = fin ? null : type;
        writer.write(WireOutput.Kind.DATA, fin, 0, opcode, data);
    }

    private static int opcode(MessageType type) {
        return type == MessageType.TEXT ? Opcode.TEXT : Opcode.BINARY;
    }
}
