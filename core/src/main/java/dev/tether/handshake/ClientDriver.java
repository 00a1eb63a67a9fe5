package dev.tether.handshake;

import dev.tether.driver.Driver;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.WireOutput;
import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.driver.handshake.HandshakeException;
import dev.tether.driver.handshake.HttpResponseHead;
import dev.tether.driver.handshake.HttpResponseHeadParser;
import dev.tether.driver.hybi.HybiDriver;
import dev.tether.driver.internal.SendChecks;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The client role of RFC 6455 over any byte stream: {@link #start()} writes the request head,
 * {@link #parse} first reads and checks the server's response head, then hands every following byte
 * (including those that came in the same read as the head) to the RFC 6455 driver the handshake makes
 * ({@link ClientHandshake#newDriver}), for the handshake's version. It opens, and
 * reports {@link DriverEvents#onOpen()}, once the response has been validated; sends made before are
 * refused, as on every {@link Driver}. A failed handshake reports an error and a 1006 close, and
 * {@linkplain ClientHandshake#abandon() abandons} the handshake, closing the offered extensions.
 */
public final class ClientDriver implements Driver {
    private final ClientHandshake handshake;
    private final IntSupplier maskKeys;
    private final DriverEvents events;
    private final WireOutput out;
    private final HttpResponseHeadParser responseParser = new HttpResponseHeadParser();

    private boolean started;
    private boolean failed;
    private HttpResponseHead response;
    private Driver connection;

    /**
     * A client connection that has sent nothing yet: {@link #start()} writes the request head.
     *
     * @param handshake the handshake to make, not yet validated; this driver validates it and
     *                  abandons it on failure
     * @param maskKeys  the source of masking keys; must be unpredictable to the server
     * @param events    where the connection's events go, handshake failure included
     * @param out       where the request head and then the frames are written
     */
    public ClientDriver(ClientHandshake handshake, IntSupplier maskKeys, DriverEvents events, WireOutput out) {
        this.handshake = Objects.requireNonNull(handshake, "handshake");
        this.maskKeys = Objects.requireNonNull(maskKeys, "maskKeys");
        this.events = Objects.requireNonNull(events, "events");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * The server's response head (status and headers), once it has arrived; null before.
     *
     * @return the response head, whether or not it passed validation; or null
     */
    public HttpResponseHead handshakeResponse() {
        return response;
    }

    @Override
    public String version() {
        return HybiDriver.versionName(handshake.version());
    }

    @Override
    public ReadyState readyState() {
        if (connection != null) {
            return connection.readyState();
        }
        return failed ? ReadyState.CLOSED : ReadyState.CONNECTING;
    }

    @Override
    public String protocol() {
        return connection == null ? null : connection.protocol();
    }

    @Override
    public List<String> extensions() {
        return connection == null ? List.of() : connection.extensions();
    }

    @Override
    public void start() {
        if (!started) {
            started = true;
            out.write(WireOutput.Kind.DATA, ByteBuffer.wrap(handshake.requestHead()));
        }
    }

    @Override
    public void parse(ByteBuffer bytes) {
        if (connection != null) {
            connection.parse(bytes);
            return;
        }
        if (failed) {
            bytes.position(bytes.limit());
            return;
        }
        if (!started) {
            throw new IllegalStateException("parse before start: the request has not been sent");
        }
        try {
            HttpResponseHead head = responseParser.parse(bytes);
            if (head == null) {
                return;
            }
            response = head;
            handshake.validate(head);
        } catch (HandshakeException e) {
            bytes.position(bytes.limit());
            fail(e.getMessage());
            return;
        }
        connection = handshake.newDriver(maskKeys, events, out);
        connection.start(); // reports onOpen, from which the owner may send at once
        if (bytes.hasRemaining()) {
            connection.parse(bytes);
        }
    }

    private void fail(String reason) {
        failed = true;
        handshake.abandon();
        events.onError(new ProtocolException(CloseCodes.PROTOCOL_ERROR, "WebSocket handshake failed: " + reason));
        events.onClose(new CloseStatus(CloseCodes.ABNORMAL, reason, false));
    }

    @Override
    public boolean hasHeldClose() {
        return connection != null && connection.hasHeldClose();
    }

    @Override
    public void releaseHeldClose() {
        if (connection != null) {
            connection.releaseHeldClose();
        }
    }

    @Override
    public void endOfInput() {
        if (connection != null) {
            connection.endOfInput();
        } else if (!failed) {
            fail("the connection ended before the handshake completed");
        }
    }

    // Until the handshake completes there is no connection to send on: the arguments are checked as
    // the connection would check them, then the send is refused.

    @Override
    public boolean text(String text) {
        Objects.requireNonNull(text, "text");
        return connection != null && connection.text(text);
    }

    @Override
    public boolean textUtf8(ByteBuffer utf8) {
        Objects.requireNonNull(utf8, "utf8");
        return connection != null && connection.textUtf8(utf8);
    }

    @Override
    public boolean binary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        return connection != null && connection.binary(data);
    }

    @Override
    public boolean uncompressed(MessageType type, ByteBuffer payload) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        return connection != null && connection.uncompressed(type, payload);
    }

    @Override
    public boolean fragment(MessageType type, ByteBuffer data, boolean fin) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        return connection != null && connection.fragment(type, data, fin);
    }

    @Override
    public boolean ping(ByteBuffer payload) {
        SendChecks.controlPayload(payload);
        return connection != null && connection.ping(payload);
    }

    @Override
    public boolean pong(ByteBuffer payload) {
        SendChecks.controlPayload(payload);
        return connection != null && connection.pong(payload);
    }

    @Override
    public boolean close(int code, String reason) {
        CloseCodes.checkSendable(code, Objects.requireNonNull(reason, "reason"));
        return connection != null && connection.close(code, reason);
    }
}
