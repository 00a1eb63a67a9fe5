package dev.tether.driver;

import dev.tether.api.CloseStatus;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Records what a driver reports and writes, as one list of readable lines in the order it happened:
 * {@code text:Hello}, {@code binary:01 02}, {@code text-fragment:Hel:more},
 * {@code binary-fragment:01 02:last}, {@code ping:…}, {@code pong:…}, {@code error:1002},
 * {@code close:1000:reason:clean}, and written frames as {@code >DATA 81 05 …}. A text fragment is
 * decoded on its own, strictly: one that does not end on a character boundary fails the test.
 */
public final class Transcript implements DriverEvents, WireOutput {
    public final List<String> lines = new ArrayList<>();
    public final List<ByteBuffer[]> written = new ArrayList<>();

    /**
     * Run when the driver reports open, after {@code open} is recorded: stands for an owner that sends
     * what the application sent before open.
     */
    public Runnable atOpen = () -> {
    };

    /** The types {@link #wantsFragments} asks fragments of; set before the driver is made. */
    public Set<MessageType> fragmentsOf = Set.of();

    private final boolean deliversLater;

    public Transcript() {
        this(false);
    }

    private Transcript(boolean deliversLater) {
        this.deliversLater = deliversLater;
    }

    /** A transcript standing for a transport that queues events and delivers them after parse. */
    public static Transcript deliveringLater() {
        return new Transcript(true);
    }

    @Override
    public boolean deliversLater() {
        return deliversLater;
    }

    @Override
    public boolean wantsFragments(MessageType type) {
        return fragmentsOf.contains(type);
    }

    @Override
    public void onOpen() {
        lines.add("open");
        atOpen.run();
    }

    @Override
    public void onText(String text) {
        lines.add("text:" + text);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        lines.add("binary:" + Hex.hex(data));
    }

    @Override
    public void onFragment(MessageType type, ByteBuffer payload, boolean last) {
        String end = last ? ":last" : ":more";
        if (type == MessageType.BINARY) {
            lines.add("binary-fragment:" + Hex.hex(payload) + end);
            return;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(payload.duplicate()).toString();
            lines.add("text-fragment:" + text + end);
        } catch (CharacterCodingException e) {
            throw new AssertionError("a text fragment that does not decode on its own: " + Hex.hex(payload), e);
        }
    }

    @Override
    public void onPing(ByteBuffer payload) {
        lines.add("ping:" + Hex.hex(payload));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        lines.add("pong:" + Hex.hex(payload));
    }

    @Override
    public void onError(ProtocolException error) {
        lines.add("error:" + error.closeCode());
    }

    @Override
    public void onClose(CloseStatus status) {
        lines.add("close:" + status.code() + ":" + status.reason() + ":" + (status.wasClean() ? "clean" : "unclean"));
    }

    @Override
    public void write(Kind kind, ByteBuffer... buffers) {
        written.add(buffers);
        StringBuilder hex = new StringBuilder();
        for (ByteBuffer b : buffers) {
            if (hex.length() > 0 && b.hasRemaining()) {
                hex.append(' ');
            }
            hex.append(Hex.hex(b));
        }
        lines.add(">" + kind + " " + hex);
    }

    /** The written bytes, all frames concatenated. */
    public byte[] writtenBytes() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (ByteBuffer[] frame : written) {
            for (ByteBuffer b : frame) {
                ByteBuffer d = b.duplicate();
                byte[] a = new byte[d.remaining()];
                d.get(a);
                out.writeBytes(a);
            }
        }
        return out.toByteArray();
    }
}
