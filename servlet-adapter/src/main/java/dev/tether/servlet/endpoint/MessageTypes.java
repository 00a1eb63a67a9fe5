package dev.tether.servlet.endpoint;

import dev.tether.api.ReceiveMode;
import dev.tether.servlet.endpoint.EndpointModel.Slot;

import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * The types an {@code @OnMessage} method may take and return, with the endpoint's codecs: the slot
 * and adapter of a message parameter, the sender of a return value. Problems go to the endpoint's list.
 */
final class MessageTypes {
    /** The message parameter types, as problems list them. */
    static final String ACCEPTED =
            "String, Reader, byte[], ByteBuffer, InputStream, PongMessage or a type with a decoder";
    private static final Set<Class<?>> BOXES = Set.of(Boolean.class, Character.class, Byte.class, Short.class,
            Integer.class, Long.class, Float.class, Double.class);

    private final Codecs codecs;
    private final List<String> problems;

    MessageTypes(Codecs codecs, List<String> problems) {
        this.codecs = codecs;
        this.problems = problems;
    }

    /** Whether a parameter of type {@code t} is the message of an {@code @OnMessage} method. */
    boolean isMessage(Class<?> t) {
        return t == String.class || t == Reader.class || t == byte[].class || t == ByteBuffer.class
                || t == InputStream.class || t == PongMessage.class
                || codecs.textDecoder(t) != null || codecs.binaryDecoder(t) != null;
    }

    /** Whether a message of type {@code t} may come in parts, with a last-part flag beside it. */
    static boolean takesParts(Class<?> t) {
        return t == String.class || t == byte[].class || t == ByteBuffer.class;
    }

    /**
     * How the connection delivers the messages of a method whose message parameter is {@code t}:
     * as a stream to a {@code Reader} or {@code InputStream}, in parts to a method with a last-part
     * flag, else whole (decoders too: they take a whole message).
     *
     * @param last whether the method has a last-part flag (already checked to go with {@code t})
     */
    static ReceiveMode receiveMode(Class<?> t, boolean last) {
        if (t == Reader.class || t == InputStream.class) {
            return ReceiveMode.STREAM;
        }
        return last ? ReceiveMode.PARTS : ReceiveMode.WHOLE;
    }

    /** The slot of a message parameter {@code t} at position {@code index}, or null when its decoders clash. */
    Slot slot(Class<?> t, String where, int index) {
        if (t == String.class || t == Reader.class) {
            return Slot.TEXT;
        }
        if (t == byte[].class || t == ByteBuffer.class || t == InputStream.class) {
            return Slot.BINARY;
        }
        if (t == PongMessage.class) {
            return Slot.PONG;
        }
        if (codecs.textDecoder(t) != null && codecs.binaryDecoder(t) != null) {
            problems.add(where + ": parameter " + (index + 1) + " (" + t.getSimpleName()
                    + ") has both a text and a binary decoder; list one, or take text and binary in two methods");
            return null;
        }
        return codecs.textDecoder(t) != null ? Slot.TEXT : Slot.BINARY;
    }

    /**
     * How what the connection delivers (a whole message or a part as {@code String} or
     * {@code ByteBuffer}, a stream as {@code Reader} or {@code InputStream}) becomes a message
     * parameter of type {@code t}.
     */
    MessageAdapter adapter(Class<?> t) {
        if (t == String.class || t == ByteBuffer.class || t == Reader.class || t == InputStream.class) {
            return MessageAdapter.IDENTITY;
        }
        if (t == byte[].class) {
            return MessageAdapter.BYTES;
        }
        if (t == PongMessage.class) {
            return MessageAdapter.PONG;
        }
        TextDecoder<?> text = codecs.textDecoder(t);
        return text != null ? MessageAdapter.decoding(text) : MessageAdapter.decoding(codecs.binaryDecoder(t));
    }

    /** How a value of return type {@code r} is sent back; null for void, or with a problem when none can. */
    ReturnSender sender(Class<?> r, String where) {
        if (r == void.class) {
            return null;
        }
        if (r == String.class) {
            return ReturnSender.TEXT;
        }
        if (r == byte[].class) {
            return ReturnSender.BYTES;
        }
        if (r == ByteBuffer.class) {
            return ReturnSender.BUFFER;
        }
        if (r.isPrimitive() || BOXES.contains(r)) {
            return ReturnSender.AS_TEXT;
        }
        TextEncoder<?> text = codecs.textEncoder(r);
        BinaryEncoder<?> binary = codecs.binaryEncoder(r);
        if (text != null && binary != null) {
            problems.add(where + ": returns " + r.getSimpleName() + ", which has both a text and a binary encoder; list one");
            return null;
        }
        if (text != null) {
            return ReturnSender.encoding(text);
        }
        if (binary != null) {
            return ReturnSender.encoding(binary);
        }
        problems.add(where + ": returns " + r.getSimpleName() + ", which has no encoder: return void, String, byte[], "
                + "ByteBuffer or a primitive, or list a TextEncoder<" + r.getSimpleName() + "> or BinaryEncoder<"
                + r.getSimpleName() + "> in @WebSocketEndpoint(encoders)");
        return null;
    }
}
