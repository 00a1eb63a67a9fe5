package dev.tether.driver;

import dev.tether.api.CloseCodes;
import dev.tether.api.ReadyState;
import dev.tether.message.Message;
import dev.tether.message.MessageType;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A sans-IO WebSocket protocol state machine: bytes in through {@link #parse}, events out through
 * {@link DriverEvents}, bytes out through {@link WireOutput}. It owns no thread, timer or socket,
 * and is not thread-safe: its owner calls it from one thread at a time.
 *
 * <p>Sends are accepted only while the driver is {@link ReadyState#OPEN}. Send methods (text,
 * binary, fragments, ping, pong and close) return {@code false}, write nothing and change nothing
 * when the message cannot be sent; {@link #readyState()} tells why:
 * <ul>
 *   <li>{@code CONNECTING}: the connection has not opened yet. A driver keeps nothing for later:
 *       its owner keeps what is sent before open (one queue, in the connection that owns the
 *       driver) and sends it from {@link DriverEvents#onOpen()}, which the driver reports once it is
 *       {@code OPEN}. A hybi server opens in {@link #start()}; a hixie-76 server and a client open
 *       later, in {@link #parse}, so {@code start()} returning is not the signal.</li>
 *   <li>{@code CLOSING} or {@code CLOSED}: the close handshake has begun or the connection is over.</li>
 *   <li>{@code OPEN}: the protocol version cannot carry it (binary, ping and fragments on the hixie
 *       drafts).</li>
 * </ul>
 * Arguments are checked first, whatever the state: a null, a control payload over 125 bytes or a
 * close code that may not be sent throws at once.
 */
public interface Driver {

    /**
     * The protocol spoken: {@code "hybi-13"} (or 8, 7), {@code "hixie-76"} or {@code "hixie-75"}.
     *
     * @return the name of the protocol version
     */
    String version();

    /**
     * Where the connection is in its life; it decides which sends are accepted (see the class comment).
     *
     * @return the driver's current state
     */
    ReadyState readyState();

    /**
     * The negotiated subprotocol, or {@code null} when none was agreed.
     *
     * @return the subprotocol agreed in the handshake, or {@code null}
     */
    String protocol();

    /**
     * The names of the negotiated extensions, in pipeline order.
     *
     * @return the extension names, empty when none was agreed
     */
    List<String> extensions();

    /**
     * Starts the connection once the handshake response is on its way. A hybi server opens at once;
     * a hixie-76 server opens when the 8 key bytes have arrived; a client opens when the server's
     * response has been validated. Each reports {@link DriverEvents#onOpen()} as it opens.
     */
    void start();

    /**
     * Consumes all remaining bytes of {@code bytes}; may emit any number of events. When the events
     * are {@link DriverEvents#deliversLater() delivered later}, a peer's Close frame or a protocol
     * violation is held instead of answered, and the input after it dropped.
     *
     * @param bytes the input read from the transport, from position to limit; consumed entirely
     */
    void parse(ByteBuffer bytes);

    /**
     * Whether {@link #parse} holds a peer's Close frame or a protocol violation that the owner has to
     * {@link #releaseHeldClose() release}. Until then the connection stays as it was: sends are
     * written, further input is dropped.
     *
     * @return true while a Close frame or violation waits for {@link #releaseHeldClose()}
     */
    default boolean hasHeldClose() {
        return false;
    }

    /**
     * Acts on the held Close or violation, now that the events reported before it have been
     * delivered: answers it (a close frame, unless one was sent already) and reports
     * {@link DriverEvents#onClose}. Does nothing when nothing is held.
     */
    default void releaseHeldClose() {
    }

    /**
     * The transport's input ended (EOF, reset, timeout). If the close handshake had not completed,
     * reports {@link CloseCodes#ABNORMAL} with {@code wasClean} false, dropping a held close (a
     * transport whose peer merely half-closed after its Close releases that instead). Idempotent.
     */
    void endOfInput();

    /**
     * Sends a text message.
     *
     * @param text the message
     * @return true when it was sent; false, with nothing written, when it cannot be ({@link #readyState()}
     *         tells why)
     */
    boolean text(String text);

    /**
     * Sends a text message given as UTF-8 bytes (position to limit), as when it was encoded once for
     * many connections. The bytes are not validated: they must be UTF-8.
     *
     * @param utf8 the message's UTF-8 bytes, from position to limit
     * @return true when it was sent; false, with nothing written, when it cannot be ({@link #readyState()}
     *         tells why)
     */
    boolean textUtf8(ByteBuffer utf8);

    /**
     * Sends a binary message of the bytes from position to limit.
     *
     * @param data the message, from position to limit; {@link WireOutput} says when it must stay unchanged
     * @return true when it was sent; false, with nothing written, when it cannot be ({@link #readyState()}
     *         tells why)
     */
    boolean binary(ByteBuffer data);

    /**
     * Sends a whole message that no extension may compress (see {@link Message#compressible()}):
     * data that is compressed already. Text carries UTF-8 bytes, not validated. A driver without
     * extensions sends it as any other message.
     *
     * @param type    whether the message is text or binary
     * @param payload the message's bytes, from position to limit
     * @return true when it was sent; false, with nothing written, when it cannot be ({@link #readyState()}
     *         tells why)
     */
    default boolean uncompressed(MessageType type, ByteBuffer payload) {
        return switch (type) {
            case TEXT -> textUtf8(payload);
            case BINARY -> binary(payload);
        };
    }

    /**
     * Sends one fragment of a message: the first fragment starts a message of {@code type}, the one
     * with {@code fin} ends it. Control frames may be sent between fragments; another message may
     * not. Fragments go through the extensions when every active one works on fragments, and bypass
     * them otherwise (an extension on whole messages cannot see a message that is not whole). Text
     * fragments carry UTF-8 bytes.
     *
     * @param type the message's type, the same on every fragment of it
     * @param data the fragment's bytes, from position to limit
     * @param fin  true for the fragment that ends the message
     * @return true when it was sent; false, with nothing written, when it cannot be ({@link #readyState()}
     *         tells why)
     */
    boolean fragment(MessageType type, ByteBuffer data, boolean fin);

    /**
     * Sends a ping of at most 125 bytes. Matching pongs to pings is {@link PingTracker}'s job.
     *
     * @param payload the ping's application data, from position to limit
     * @return true when it was sent; false, with nothing written, when it cannot be ({@link #readyState()}
     *         tells why)
     * @throws IllegalArgumentException for a payload over 125 bytes
     */
    boolean ping(ByteBuffer payload);

    /**
     * Sends an unsolicited pong of at most 125 bytes (a ping is answered automatically).
     *
     * @param payload the pong's application data, from position to limit
     * @return true when it was sent; false, with nothing written, when it cannot be ({@link #readyState()}
     *         tells why)
     * @throws IllegalArgumentException for a payload over 125 bytes
     */
    boolean pong(ByteBuffer payload);

    /**
     * Starts the close handshake with 1000 and no reason.
     *
     * @return true when the close was started; false when the driver is not {@code OPEN}
     */
    default boolean close() {
        return close(CloseCodes.NORMAL, "");
    }

    /**
     * Starts the close handshake; the connection is {@code CLOSED} when the peer answers. The code
     * must be valid on the wire ({@link CloseCodes#isValidOnWire}) and the reason at most 123 UTF-8
     * bytes.
     *
     * @param code   the close code
     * @param reason the close reason, empty for none
     * @return true when the close was started; false when the driver is not {@code OPEN}
     * @throws IllegalArgumentException for a code that may not be sent or a reason that is too long
     */
    boolean close(int code, String reason);
}
