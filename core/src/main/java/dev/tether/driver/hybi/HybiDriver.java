package dev.tether.driver.hybi;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.driver.Driver;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.WireOutput;
import dev.tether.driver.internal.HeldClose;
import dev.tether.driver.internal.SendChecks;
import dev.tether.extension.Extensions;
import dev.tether.message.BufferPool;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.message.Utf8Validator;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The RFC 6455 driver (versions 13, 8 and 7 share the wire format), for either role: frame parsing
 * and writing, message assembly through the extension pipeline, automatic pongs, and the close
 * handshake.
 *
 * <p>Close states: {@code OPEN} → (we send CLOSE) {@code CLOSING} → (peer's CLOSE arrives)
 * {@code CLOSED}; or {@code OPEN} → (peer's CLOSE arrives, we echo its code at once) {@code CLOSED}.
 * Once a close frame has been written nothing more is; a protocol violation writes a close frame with
 * the matching code (when none was sent yet) and ends the connection at once (RFC 6455 §7.1.7).
 * When the events are {@link DriverEvents#deliversLater() delivered later}, the peer's close frame
 * and a violation are held until the owner releases them (RFC 6455 §5.5.1 lets an endpoint finish
 * sending before it answers a close).
 */
public final class HybiDriver implements Driver {
    private final int version;
    private final String protocol;
    private final Extensions extensions;
    private final DriverEvents events;
    private final FrameParser parser;
    private final FrameWriter writer;
    private final MessageAssembler assembler;
    private final BufferPool lender;

    /** {@code CLOSING} means our close frame is sent; a received one is answered at once, or when released. */
    private ReadyState state = ReadyState.CONNECTING;
    private MessageType outgoingFragmented;
    private final HeldClose heldClose;

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
     * payload it is given.
     *
     * @param lender where binary messages sent in one large frame take their buffers; null for none
     */
    public HybiDriver(Role role, int version, int maxLength, Extensions extensions, String protocol,
                      IntSupplier maskKeys, DriverEvents events, WireOutput out, BufferPool lender) {
        this.version = version;
        this.protocol = protocol;
        this.extensions = Objects.requireNonNull(extensions, "extensions");
        this.events = Objects.requireNonNull(events, "events");
        this.heldClose = new HeldClose(events.deliversLater());
        this.writer = new FrameWriter(role, maskKeys, Objects.requireNonNull(out, "out"));
        this.lender = extensions.isEmpty() ? lender : null;
        this.assembler = new MessageAssembler(maxLength, this::onMessage, this.lender);
        this.parser = new FrameParser(role, maxLength, new FrameParser.FrameSink() {
            @Override
            public void dataFrameStart(int opcode, boolean fin, int rsv, long length) throws ProtocolException {
                assembler.frameStart(opcode, fin, rsv, length);
            }

            @Override
            public void dataPayload(ByteBuffer chunk) throws ProtocolException {
                assembler.payload(chunk);
            }

            @Override
            public void dataFrameEnd(boolean fin) throws ProtocolException {
                assembler.frameEnd(fin);
            }

            @Override
            public void controlFrame(int opcode, ByteBuffer payload) throws ProtocolException {
                onControlFrame(opcode, payload);
            }
        });
        parser.allowedRsv(extensions.allowedRsv());
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
        if (state == ReadyState.CLOSED || heldClose.isHeld()) {
            bytes.position(bytes.limit()); // after the close, input is read and dropped
            return;
        }
        try {
            parser.parse(bytes);
        } catch (ProtocolException e) {
            bytes.position(bytes.limit());
            end(() -> fail(e));
        }
        if (heldClose.isHeld()) {
            bytes.position(bytes.limit());
        }
    }

    /** Ends the connection as the peer's input asks: now, or when the owner releases it. */
    private void end(Runnable ending) {
        if (heldClose.end(ending)) {
            parser.stop();
        }
    }

    @Override
    public boolean hasHeldClose() {
        return heldClose.isHeld();
    }

    @Override
    public void releaseHeldClose() {
        heldClose.release();
    }

    @Override
    public void endOfInput() {
        heldClose.drop();
        if (state != ReadyState.CLOSED) {
            finish(new CloseStatus(CloseCodes.ABNORMAL, "", false));
        }
    }

    @Override
    public boolean text(String text) {
        Objects.requireNonNull(text, "text");
        return sendMessage(MessageType.TEXT, () -> ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public boolean textUtf8(ByteBuffer utf8) {
        Objects.requireNonNull(utf8, "utf8");
        return sendMessage(MessageType.TEXT, () -> utf8);
    }

    @Override
    public boolean binary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        return sendMessage(MessageType.BINARY, () -> data);
    }

    private interface Payload {
        ByteBuffer get();
    }

    private boolean sendMessage(MessageType type, Payload payload) {
        if (state != ReadyState.OPEN) { // before open too: the owner keeps sends until onOpen
            return false;
        }
        if (outgoingFragmented != null) {
            throw new IllegalStateException("a fragmented message is being sent: send its last fragment first");
        }
        Message message = new Message(type, 0, payload.get());
        if (!extensions.isEmpty()) {
            message = extensions.processOutgoing(message);
        }
        int opcode = type == MessageType.TEXT ? Opcode.TEXT : Opcode.BINARY;
        writer.write(WireOutput.Kind.DATA, true, message.rsv(), opcode, message.payload());
        return true;
    }

    @Override
    public boolean fragment(MessageType type, ByteBuffer data, boolean fin) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (state != ReadyState.OPEN) {
            return false;
        }
        int opcode;
        if (outgoingFragmented == null) {
            opcode = type == MessageType.TEXT ? Opcode.TEXT : Opcode.BINARY;
        } else if (outgoingFragmented != type) {
            throw new IllegalStateException("a " + outgoingFragmented + " message is being sent in fragments, not " + type);
        } else {
            opcode = Opcode.CONTINUATION;
        }
        outgoingFragmented = fin ? null : type;
        writer.write(WireOutput.Kind.DATA, fin, 0, opcode, data);
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

    private void onMessage(Message message, boolean utf8Checked) throws ProtocolException {
        if (!extensions.isEmpty()) {
            message = extensions.processIncoming(message);
        }
        if (state != ReadyState.OPEN) {
            if (lender != null) {
                lender.release(message.payload());
            }
            return; // after our close, messages are read but not delivered (as the W3C API does)
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
                CloseStatus status = closeStatusOf(payload);
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

    private static CloseStatus closeStatusOf(ByteBuffer payload) throws ProtocolException {
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
            reason = decode(reasonBytes);
        }
        return new CloseStatus(code, reason, true);
    }

    private void fail(ProtocolException error) {
        if (state == ReadyState.OPEN) {
            writeClose(error.closeCode(), truncatedUtf8(error.getMessage()));
        }
        if (state != ReadyState.CLOSED) {
            events.onError(error);
            finish(new CloseStatus(error.closeCode(), error.getMessage(), false));
        }
    }

    private void finish(CloseStatus status) {
        state = ReadyState.CLOSED;
        heldClose.drop();
        assembler.discard();
        try {
            extensions.close();
        } finally {
            events.onClose(status);
        }
    }

    private void writeClose(int code, byte[] reason) {
        ByteBuffer payload;
        if (code == CloseCodes.NO_STATUS) {
            payload = ByteBuffer.allocate(0);
        } else {
            payload = ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).flip();
        }
        writer.write(WireOutput.Kind.CLOSE, true, 0, Opcode.CLOSE, payload);
    }

    private static ByteBuffer copy(ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
        copy.put(payload.duplicate());
        return copy.flip();
    }

    private static String decode(ByteBuffer utf8) {
        if (utf8.hasArray()) {
            return new String(utf8.array(), utf8.arrayOffset() + utf8.position(), utf8.remaining(), StandardCharsets.UTF_8);
        }
        return StandardCharsets.UTF_8.decode(utf8.duplicate()).toString();
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
        return java.util.Arrays.copyOf(bytes, end);
    }
}
