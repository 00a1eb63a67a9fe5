package dev.tether.driver.hybi;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.driver.Driver;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.WireOutput;
import dev.tether.driver.internal.SendChecks;
import dev.tether.extension.Extensions;
import dev.tether.message.BufferPool;
import dev.tether.message.MemoryBudget;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The RFC 6455 driver (versions 13, 8 and 7 share the wire format), for either role: frame parsing
 * and writing, messages through the extension pipeline whole or fragment by fragment, automatic
 * pongs, and the close handshake.
 *
 * <p>Close states: {@code OPEN} → (we send CLOSE) {@code CLOSING} → (peer's CLOSE arrives)
 * {@code CLOSED}; or {@code OPEN} → (peer's CLOSE arrives, we echo its code at once) {@code CLOSED}.
 * Once a close frame has been written nothing more is; a protocol violation writes a close frame with
 * the matching code (when none was sent yet) and ends the connection at once (RFC 6455 §7.1.7).
 * When the events are {@link DriverEvents#deliversLater() delivered later}, the peer's close frame
 * and a violation are held until the owner releases them (RFC 6455 §5.5.1 lets an endpoint finish
 * sending before it answers a close).
 *
 * <p>This class is the state machine and the control frames; the data path is
 * {@link InboundMessages} (frames to events) and {@link OutboundMessages} (sends to frames), and
 * {@link CloseFrames} reads and writes close payloads.
 */
public final class HybiDriver implements Driver {
    private final int version;
    private final String protocol;
    private final Extensions extensions;
    private final DriverEvents events;
    private final FrameParser parser;
    private final FrameWriter writer;
    private final InboundMessages inbound;
    private final OutboundMessages outbound;

    /** {@code CLOSING} means our close frame is sent; a received one is answered at once, or when released. */
    private ReadyState state = ReadyState.CONNECTING;
    /**
     * Whether an ending the input asks for is held for {@link #releaseHeldClose()} (events delivered
     * later) rather than run at once; and the ending held, if any. As {@code HeldClose}, kept here:
     * one object fewer per connection.
     */
    private final boolean holdsClose;
    private Runnable heldClose;

    /**
     * @param role       which end this driver plays (decides masking)
     * @param version    the negotiated {@code Sec-WebSocket-Version} (13, 8 or 7)
     * @param maxLength  the largest frame and message accepted, in bytes
     * @param extensions the negotiated extensions (possibly none)
     * @param protocol   the negotiated subprotocol, or null
     * @param maskKeys   the source of masking keys (client role); must be unpredictable to the peer
     */
    public HybiDriver(Role role, int version, int maxLength, Extensions extensions, String protocol,
                      IntSupplier maskKeys, DriverEvents events, WireOutput out) {
        this(role, version, maxLength, extensions, protocol, maskKeys, events, out, null);
    }

    /**
     * As above, lending large binary messages from {@code lender} (see
     * {@link DriverEvents#onBinary}); without extensions only, since an extension may replace the
     * payload it is given. Messages take memory from the {@linkplain MemoryBudget#shared() shared}
     * budget, and are sent in frames of at most {@link DriverOptions#DEFAULT_SEND_FRAME_SIZE} bytes.
     *
     * @param lender where binary messages sent in one large frame take their buffers; null for none
     */
    public HybiDriver(Role role, int version, int maxLength, Extensions extensions, String protocol,
                      IntSupplier maskKeys, DriverEvents events, WireOutput out, BufferPool lender) {
        this(role, version, maxLength, maxLength, false, DriverOptions.DEFAULT_FRAGMENT_SIZE, MemoryBudget.shared(),
                extensions, protocol, maskKeys, events, out, lender, DriverOptions.DEFAULT_SEND_FRAME_SIZE);
    }

    /**
     * A driver with {@code options}' role, limits, {@code deliverFragments}, {@code fragmentSize},
     * {@code messageMemory} and {@code sendFrameSize} (the handshake has used the rest to negotiate
     * {@code extensions} and {@code protocol}).
     *
     * @param version  the negotiated {@code Sec-WebSocket-Version} (13, 8 or 7)
     * @param maskKeys the source of masking keys (client role); must be unpredictable to the peer
     * @param lender   where large binary messages take their buffers (see {@link DriverEvents#onBinary}),
     *                 when they are delivered whole and no extension is active; null for none
     */
    public HybiDriver(DriverOptions options, int version, Extensions extensions, String protocol,
                      IntSupplier maskKeys, DriverEvents events, WireOutput out, BufferPool lender) {
        this(options.role(), version, options.maxFrameLength(), options.maxMessageLength(), options.deliverFragments(),
                options.fragmentSize(), options.messageMemory(), extensions, protocol, maskKeys, events, out, lender,
                options.sendFrameSize());
    }

    private HybiDriver(Role role, int version, int maxFrameLength, long maxMessageLength, boolean deliverFragments,
                       int fragmentSize, MemoryBudget messageMemory, Extensions extensions, String protocol,
                       IntSupplier maskKeys, DriverEvents events, WireOutput out, BufferPool lender, int sendFrameSize) {
        this.version = version;
        this.protocol = protocol;
        this.extensions = Objects.requireNonNull(extensions, "extensions");
        this.events = Objects.requireNonNull(events, "events");
        this.holdsClose = events.deliversLater();
        Frames frames = new Frames();
        this.writer = new FrameWriter(role, maskKeys, Objects.requireNonNull(out, "out"));
        this.inbound = new InboundMessages(maxMessageLength, deliverFragments || events.wantsFragments(MessageType.TEXT),
                deliverFragments || events.wantsFragments(MessageType.BINARY), fragmentSize, messageMemory, extensions, lender,
                events, frames);
        this.outbound = new OutboundMessages(extensions, writer, sendFrameSize);
        this.parser = new FrameParser(role, maxFrameLength, frames);
        parser.allowedRsv(extensions.allowedRsv());
    }

    /**
     * The parser's frames, to the inbound messages or {@link #onControlFrame}; and whether a message
     * read now reaches the events (the connection is open). One object for both.
     */
    private final class Frames implements FrameParser.FrameSink, OpenCheck {
        @Override
        public void dataFrameStart(int opcode, boolean fin, int rsv, long length) throws ProtocolException {
            inbound.frameStart(opcode, fin, rsv, length);
        }

        @Override
        public void dataPayload(ByteBuffer chunk) throws ProtocolException {
            inbound.payload(chunk);
        }

        @Override
        public void dataFrameEnd(boolean fin) throws ProtocolException {
            inbound.frameEnd(fin);
        }

        @Override
        public void controlFrame(int opcode, ByteBuffer payload) throws ProtocolException {
            onControlFrame(opcode, payload);
        }

        @Override
        public boolean isOpen() {
            return state == ReadyState.OPEN;
        }
    }

    @Override
    public String version() {
        return versionName(version);
    }

    /** {@code hybi-13} and so on: one shared string per version, not one per connection that keeps it. */
    public static String versionName(int version) {
        return switch (version) {
            case 13 -> "hybi-13";
            case 8 -> "hybi-8";
            case 7 -> "hybi-7";
            default -> "hybi-" + version;
        };
    }

    @Override
    public ReadyState readyState() {
        return state;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public List<String> extensions() {
        return extensions.names();
    }

    @Override
    public void start() {
        if (state != ReadyState.CONNECTING) {
            return;
        }
        state = ReadyState.OPEN;
        events.onOpen();
    }

    @Override
    public void parse(ByteBuffer bytes) {
        if (state == ReadyState.CONNECTING) {
            throw new IllegalStateException("parse before start: the connection is not open yet");
        }
        if (state == ReadyState.CLOSED || heldClose != null) {
            bytes.position(bytes.limit()); // after the close, input is read and dropped
            return;
        }
        try {
            parser.parse(bytes);
        } catch (ProtocolException e) {
            bytes.position(bytes.limit());
            end(() -> fail(e));
        }
        if (heldClose != null || state == ReadyState.CLOSED) {
            bytes.position(bytes.limit()); // what followed the close is read and dropped
        }
    }

    /** Ends the connection as the peer's input asks: now, or when the owner releases it. */
    private void end(Runnable ending) {
        if (holdsClose) {
            heldClose = ending;
            parser.stop();
        } else {
            ending.run();
        }
    }

    @Override
    public boolean hasHeldClose() {
        return heldClose != null;
    }

    @Override
    public void releaseHeldClose() {
        Runnable held = heldClose;
        if (held != null) { // run once
            heldClose = null;
            held.run();
        }
    }

    @Override
    public void endOfInput() {
        heldClose = null; // the connection ended otherwise
        if (state != ReadyState.CLOSED) {
            finish(new CloseStatus(CloseCodes.ABNORMAL, "", false));
        }
    }

    // Before open, sends are refused: the owner keeps them until onOpen (see Driver).

    @Override
    public boolean text(String text) {
        Objects.requireNonNull(text, "text");
        return message(MessageType.TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), true);
    }

    @Override
    public boolean textUtf8(ByteBuffer utf8) {
        return message(MessageType.TEXT, Objects.requireNonNull(utf8, "utf8"), true);
    }

    @Override
    public boolean binary(ByteBuffer data) {
        return message(MessageType.BINARY, Objects.requireNonNull(data, "data"), true);
    }

    @Override
    public boolean uncompressed(MessageType type, ByteBuffer payload) {
        return message(Objects.requireNonNull(type, "type"), Objects.requireNonNull(payload, "payload"), false);
    }

    private boolean message(MessageType type, ByteBuffer payload, boolean compressible) {
        if (state != ReadyState.OPEN) {
            return false;
        }
        outbound.message(type, payload, compressible);
        return true;
    }

    @Override
    public boolean fragment(MessageType type, ByteBuffer data, boolean fin) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (state != ReadyState.OPEN) {
            return false;
        }
        outbound.fragment(type, data, fin);
        return true;
    }

    @Override
    public boolean ping(ByteBuffer payload) {
        return sendControl(Opcode.PING, payload);
    }

    @Override
    public boolean pong(ByteBuffer payload) {
        return sendControl(Opcode.PONG, payload);
    }

    private boolean sendControl(int opcode, ByteBuffer payload) {
        SendChecks.controlPayload(payload);
        if (state != ReadyState.OPEN) {
            return false;
        }
        writer.write(WireOutput.Kind.CONTROL, true, 0, opcode, payload);
        return true;
    }

    @Override
    public boolean close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        CloseCodes.checkSendable(code, reason);
        if (state != ReadyState.OPEN) {
            return false;
        }
        writeClose(code, reason.getBytes(StandardCharsets.UTF_8));
        state = ReadyState.CLOSING;
        return true;
    }

    private void onControlFrame(int opcode, ByteBuffer payload) throws ProtocolException {
        switch (opcode) {
            case Opcode.PING -> {
                if (state == ReadyState.OPEN) {
                    ByteBuffer copy = copy(payload);
                    writer.write(WireOutput.Kind.CONTROL, true, 0, Opcode.PONG, copy);
                    events.onPing(copy);
                }
            }
            case Opcode.PONG -> {
                if (state == ReadyState.OPEN) {
                    events.onPong(copy(payload));
                }
            }
            default -> {
                CloseStatus status = CloseFrames.read(payload);
                end(() -> onPeerClose(status));
            }
        }
    }

    private void onPeerClose(CloseStatus status) {
        if (state == ReadyState.OPEN) {
            writeClose(status.code(), new byte[0]); // echo the peer's code (none if it sent none)
        }
        finish(status);
    }

    private void fail(ProtocolException error) {
        if (state == ReadyState.OPEN) {
            writeClose(error.closeCode(), CloseFrames.truncatedUtf8(error.getMessage()));
        }
        if (state != ReadyState.CLOSED) {
            events.onError(error);
            finish(new CloseStatus(error.closeCode(), error.getMessage(), false));
        }
    }

    private void finish(CloseStatus status) {
        state = ReadyState.CLOSED;
        heldClose = null; // the connection ended otherwise
        parser.stop(); // what follows in the same read is dropped, as later reads are: nothing is assembled
        try {
            inbound.discard();
        } finally {
            try {
                extensions.close();
            } finally {
                events.onClose(status);
            }
        }
    }

    private void writeClose(int code, byte[] reason) {
        writer.write(WireOutput.Kind.CLOSE, true, 0, Opcode.CLOSE, CloseFrames.payload(code, reason));
    }

    private static ByteBuffer copy(ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
        copy.put(payload.duplicate());
        return copy.flip();
    }
}
