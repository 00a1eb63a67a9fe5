package dev.tether.driver.hixie;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.driver.Driver;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.WireOutput;
import dev.tether.driver.internal.HeldClose;
import dev.tether.driver.internal.SendChecks;
import dev.tether.message.MemoryBudget;
import dev.tether.message.MessageMemory;
import dev.tether.message.MessageType;
import dev.tether.message.Utf8Validator;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The server side of draft-hixie-thewebsocketprotocol-75: text frames are {@code 0x00}, UTF-8,
 * {@code 0xFF}; frames whose type byte has the high bit set carry a 7-bits-per-byte length and are
 * skipped (no such frame type was ever defined). There is no closing handshake: the connection ends
 * when the TCP connection does. Binary messages, pings and fragments cannot be sent; nor can
 * anything before the connection opens (see {@link Driver}).
 */
public class Hixie75Driver implements Driver {

    private enum Stage { LEADING_BYTE, LENGTH, TEXT, SKIP }

    private static final byte[] FRAME_START = {0x00};
    private static final byte[] FRAME_END = {(byte) 0xFF};

    protected final DriverEvents events;
    private final HeldClose heldClose;
    protected final WireOutput out;
    private final String protocol;
    private final int maxLength;
    private final boolean deliverFragments;

    private static final byte[] NO_TEXT = new byte[0];
    private static final int RETAINED_TEXT = 16 * 1024;

    /** {@code CLOSING} is used by hixie-76 only, whose closing handshake hixie-75 lacks. */
    protected ReadyState state = ReadyState.CONNECTING;

    private Stage stage = Stage.LEADING_BYTE;
    private long length;
    private boolean closingFrame;
    /** The text frame being read; a buffer of up to {@link #RETAINED_TEXT} bytes is kept for the next. */
    private byte[] text = NO_TEXT;
    private int textSize;
    /** What {@link #text} has taken from the connections' budget while it grows. */
    private final MessageMemory textMemory;
    private final Utf8Validator utf8 = new Utf8Validator();

    public Hixie75Driver(int maxLength, String protocol, DriverEvents events, WireOutput out) {
        this(maxLength, false, MemoryBudget.shared(), protocol, events, out);
    }

    /**
     * A driver with {@code options}' limits (a message is one frame: both hold), {@code messageMemory} and {@code deliverFragments}: asked for
     * fragments, it delivers each message as one ({@link DriverEvents#onFragment}), as these drafts
     * have no fragmentation.
     */
    public Hixie75Driver(DriverOptions options, String protocol, DriverEvents events, WireOutput out) {
        this(messageLimit(options), options.deliverFragments(), options.messageMemory(), protocol, events, out);
    }

    /** A hixie message is one frame: the lower of the two limits holds it. */
    static int messageLimit(DriverOptions options) {
        return Math.min(options.maxFrameLength(), options.maxWholeMessageLength());
    }

    Hixie75Driver(int maxLength, boolean deliverFragments, MemoryBudget messageMemory, String protocol,
                  DriverEvents events, WireOutput out) {
        this.maxLength = maxLength;
        this.textMemory = new MessageMemory(messageMemory);
        this.deliverFragments = deliverFragments || events.wantsFragments(MessageType.TEXT);
        this.protocol = protocol;
        this.events = Objects.requireNonNull(events, "events");
        this.heldClose = new HeldClose(events.deliversLater());
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public String version() {
        return "hixie-75";
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
        return List.of();
    }

    @Override
    public void start() {
        open();
    }

    /** Opens the connection and reports it; sends are accepted from here on. */
    protected final void open() {
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
        try {
            while (bytes.hasRemaining() && state != ReadyState.CLOSED && !heldClose.isHeld()) {
                parseStep(bytes);
            }
        } catch (ProtocolException e) {
            heldClose.end(() -> fail(e));
        }
        bytes.position(bytes.limit());
    }

    @Override
    public boolean hasHeldClose() {
        return heldClose.isHeld();
    }

    @Override
    public void releaseHeldClose() {
        heldClose.release();
    }

    private void parseStep(ByteBuffer in) throws ProtocolException {
        switch (stage) {
            case LEADING_BYTE -> {
                int type = in.get() & 0xFF;
                if ((type & 0x80) == 0) {
                    stage = Stage.TEXT;
                    textSize = 0;
                    utf8.reset();
                } else {
                    closingFrame = isClosingFrameType(type);
                    length = 0;
                    stage = Stage.LENGTH;
                }
            }
            case LENGTH -> {
                int b = in.get() & 0xFF;
                length = length * 128 + (b & 0x7F);
                if (length > maxLength) {
                    throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                            "frame of at least " + length + " bytes exceeds the limit of " + maxLength);
                }
                if ((b & 0x80) == 0) {
                    if (closingFrame && length == 0) {
                        stage = Stage.LEADING_BYTE;
                        heldClose.end(this::onClosingFrame);
                    } else {
                        stage = length == 0 ? Stage.LEADING_BYTE : Stage.SKIP;
                    }
                }
            }
            case SKIP -> {
                int n = (int) Math.min(length, in.remaining());
                in.position(in.position() + n);
                length -= n;
                if (length == 0) {
                    stage = Stage.LEADING_BYTE;
                }
            }
            case TEXT -> readText(in);
        }
    }

    private void readText(ByteBuffer in) throws ProtocolException {
        int start = in.position();
        int end = start;
        int limit = in.limit();
        while (end < limit && in.get(end) != (byte) 0xFF) {
            end++;
        }
        int n = end - start;
        int allowed = maxLength - textSize;
        ByteBuffer chunk = in.slice(start, Math.min(n, allowed));
        // The first bad byte decides, wherever the reads end: bad UTF-8 before the limit is 1007.
        if (!utf8.update(chunk)) {
            throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text frame is not valid UTF-8");
        }
        if (n > allowed) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG, "text frame longer than the limit of " + maxLength + " bytes");
        }
        if (text.length - textSize < n) {
            int needed = textSize + n;
            // as it arrives: never past twice what came and 4 KiB, and within the budget
            text = Arrays.copyOf(text, textMemory.grow(needed, (int) Math.min(maxLength, 2L * needed + 4096)));
        }
        chunk.get(0, text, textSize, n);
        textSize += n;
        if (end == limit) {
            in.position(limit);
            return;
        }
        in.position(end + 1); // past the 0xFF that ends the frame
        stage = Stage.LEADING_BYTE;
        if (!utf8.isComplete()) {
            throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text frame ends inside a UTF-8 sequence");
        }
        if (state == ReadyState.OPEN) {
            if (deliverFragments) {
                events.onFragment(MessageType.TEXT, ByteBuffer.wrap(Arrays.copyOf(text, textSize)), true);
            } else {
                events.onText(new String(text, 0, textSize, StandardCharsets.UTF_8)); // decoded where it lies
            }
        }
        releaseText();
    }

    /** Gives back what the text frame took; only a small buffer is kept for the next one. */
    private void releaseText() {
        textMemory.release();
        textSize = 0;
        if (text.length > RETAINED_TEXT) {
            text = NO_TEXT;
        }
    }

    /** Hixie-75 has no closing frame: {@code 0xFF 0x00} is just an empty frame to skip. */
    protected boolean isClosingFrameType(int type) {
        return false;
    }

    /** Called when a closing frame arrives (hixie-76 only). */
    protected void onClosingFrame() {
    }

    @Override
    public void endOfInput() {
        heldClose.drop();
        if (state != ReadyState.CLOSED) {
            finish(new CloseStatus(CloseCodes.ABNORMAL, "", false));
        }
    }

    @Override
    public boolean text(String message) {
        Objects.requireNonNull(message, "text");
        return textUtf8(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public boolean textUtf8(ByteBuffer utf8) {
        Objects.requireNonNull(utf8, "utf8");
        if (state != ReadyState.OPEN) {
            return false;
        }
        out.write(WireOutput.Kind.DATA, ByteBuffer.wrap(FRAME_START), utf8.slice(), ByteBuffer.wrap(FRAME_END));
        return true;
    }

    /** The hixie drafts carry text only. */
    @Override
    public boolean binary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        return false;
    }

    @Override
    public boolean fragment(MessageType type, ByteBuffer data, boolean fin) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        return false;
    }

    @Override
    public boolean ping(ByteBuffer payload) {
        SendChecks.controlPayload(payload);
        return false;
    }

    @Override
    public boolean pong(ByteBuffer payload) {
        SendChecks.controlPayload(payload);
        return false;
    }

    /**
     * Hixie-75 has no closing handshake: the connection is closed at once and the transport closes
     * the TCP connection. The code and reason are only reported locally, but are checked as on
     * every driver.
     */
    @Override
    public boolean close(int code, String reason) {
        CloseCodes.checkSendable(code, Objects.requireNonNull(reason, "reason"));
        if (state != ReadyState.OPEN) {
            return false;
        }
        finish(new CloseStatus(code, reason, true));
        return true;
    }

    protected void fail(ProtocolException error) {
        if (state != ReadyState.CLOSED) {
            events.onError(error);
            finish(new CloseStatus(error.closeCode(), error.getMessage(), false));
        }
    }

    protected final void finish(CloseStatus status) {
        state = ReadyState.CLOSED;
        heldClose.drop();
        try {
            releaseText();
        } finally {
            events.onClose(status);
        }
    }
}
