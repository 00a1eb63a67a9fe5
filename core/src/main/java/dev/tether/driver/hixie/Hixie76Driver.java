package dev.tether.driver.hixie;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.WireOutput;
import dev.tether.message.MemoryBudget;
import dev.tether.driver.handshake.Hixie76Key;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The server side of draft-hixie-thewebsocketprotocol-76: hixie-75 framing plus the key challenge
 * and the closing handshake. The 8 key bytes arrive after the request head, as the first bytes of
 * the upgraded stream; the 16-byte answer must be the first bytes written after the 101 head. The
 * connection opens once both {@link #start()} was called and those 8 bytes arrived, in either order;
 * sends made before are refused, as on every driver. {@code 0xFF 0x00} closes: answered once, then
 * the connection ends.
 */
public final class Hixie76Driver extends Hixie75Driver {
    private static final byte[] CLOSING_FRAME = {(byte) 0xFF, 0x00};

    private final String key1;
    private final String key2;
    private final byte[] key3 = new byte[8];
    private int key3Received;
    private boolean started;

    /** The keys must already have passed {@link Hixie76Key#keyNumber(String)} (done by the handshake). */
    public Hixie76Driver(String key1, String key2, int maxLength, String protocol, DriverEvents events, WireOutput out) {
        super(maxLength, false, MemoryBudget.shared(), protocol, events, out);
        this.key1 = key1;
        this.key2 = key2;
    }

    /** As above, with {@code options}' limits, {@code messageMemory} and {@code deliverFragments} (see {@link Hixie75Driver}). */
    public Hixie76Driver(String key1, String key2, DriverOptions options, String protocol, DriverEvents events,
                         WireOutput out) {
        super(Hixie75Driver.messageLimit(options), options.deliverFragments(), options.messageMemory(), protocol, events, out);
        this.key1 = key1;
        this.key2 = key2;
    }

    @Override
    public String version() {
        return "hixie-76";
    }

    @Override
    public void start() {
        started = true;
        openWhenReady();
    }

    @Override
    public void parse(ByteBuffer bytes) {
        if (state == ReadyState.CONNECTING) {
            int n = Math.min(key3.length - key3Received, bytes.remaining());
            bytes.get(key3, key3Received, n);
            key3Received += n;
            openWhenReady();
            if (state == ReadyState.CONNECTING) {
                return;
            }
        }
        super.parse(bytes);
    }

    private void openWhenReady() {
        if (started && key3Received == key3.length && state == ReadyState.CONNECTING) {
            out.write(WireOutput.Kind.DATA, ByteBuffer.wrap(Hixie76Key.challengeResponse(key1, key2, key3)));
            open();
        }
    }

    @Override
    protected boolean isClosingFrameType(int type) {
        return type == 0xFF;
    }

    @Override
    protected void onClosingFrame() {
        if (state == ReadyState.OPEN) {
            out.write(WireOutput.Kind.CLOSE, ByteBuffer.wrap(CLOSING_FRAME));
        }
        finish(new CloseStatus(CloseCodes.NORMAL, "", true));
    }

    /** Sends the closing frame; the connection is closed when the peer answers with its own. */
    @Override
    public boolean close(int code, String reason) {
        CloseCodes.checkSendable(code, Objects.requireNonNull(reason, "reason"));
        if (state != ReadyState.OPEN) {
            return false;
        }
        out.write(WireOutput.Kind.CLOSE, ByteBuffer.wrap(CLOSING_FRAME));
        state = ReadyState.CLOSING;
        return true;
    }

    @Override
    protected void fail(ProtocolException error) {
        if (state == ReadyState.OPEN) {
            out.write(WireOutput.Kind.CLOSE, ByteBuffer.wrap(CLOSING_FRAME));
        }
        super.fail(error);
    }
}
