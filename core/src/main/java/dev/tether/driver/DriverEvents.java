package dev.tether.driver;

import dev.tether.api.CloseStatus;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;

/**
 * What a driver reports while it parses and sends. Calls arrive synchronously, on the thread that
 * called the driver, one at a time and in protocol order; a transport that holds a lock while it
 * drives should queue them, deliver them after it lets go, and say so with {@link #deliversLater()}.
 */
public interface DriverEvents {

    /**
     * Whether these events reach the application only after {@code parse} returns (queued), rather
     * than as they are reported. If so, the driver does not answer a peer's Close frame, or a protocol
     * violation, inside {@code parse}: it holds it ({@link Driver#hasHeldClose()}) until the owner has
     * delivered the events before it and calls {@link Driver#releaseHeldClose()}, so that what the
     * application sends in reply to the peer's last messages goes out before the close frame.
     *
     * @return true when the owner queues these events and delivers them after {@code parse} returns
     */
    default boolean deliversLater() {
        return false;
    }

    /**
     * The connection is open: the driver is already {@code OPEN}, so sends made from here are
     * written, ahead of anything the peer's later input causes. An owner that kept sends made before
     * open (a driver refuses them) writes them from here, in order.
     */
    default void onOpen() {
    }

    /**
     * Whether received messages of {@code type} are reported fragment by fragment
     * ({@link #onFragment}) rather than whole, besides when the driver was made with
     * {@link DriverOptions#deliverFragments()} (then all are). Asked once per type, when the driver
     * is made; the answer holds for the connection. Default false.
     *
     * @param type the message type asked about
     * @return true to receive messages of {@code type} through {@link #onFragment}
     */
    default boolean wantsFragments(MessageType type) {
        return false;
    }

    /**
     * A whole, valid text message (unless fragments are delivered: see {@link #onFragment}).
     *
     * @param text the message
     */
    default void onText(String text) {
    }

    /**
     * A whole binary message (unless fragments are delivered: see {@link #onFragment}); the buffer is
     * the receiver's to keep, unless the driver was given a
     * {@link dev.tether.message.BufferPool}: then the buffer may be a loan from it, and the receiver
     * gives it back ({@code release}) once done with it.
     *
     * @param data the message, from position to limit
     */
    default void onBinary(ByteBuffer data) {
    }

    /**
     * The next fragment of a received data message, instead of {@link #onText} and {@link #onBinary},
     * when the driver was made with {@link DriverOptions#deliverFragments()}, or for the types that
     * {@link #wantsFragments} asks for. Fragments come in order,
     * one message at a time; {@code last} ends a message, and the next fragment begins the next one.
     *
     * <ul>
     *   <li>They follow the peer's frames, a frame over {@link DriverOptions#fragmentSize()} cut into
     *       pieces of that size, so they are the same however the input was split into reads. A
     *       fragment may be empty (the peer may send empty frames).</li>
     *   <li>Text is validated as it comes: bad UTF-8 fails the connection with 1007 at the fragment
     *       that shows it, before that fragment is reported. Each text fragment ends on a character
     *       boundary, so it decodes on its own: the bytes of a character that a frame boundary cuts
     *       are held back and begin the next fragment (a text fragment may thus run up to 3 bytes
     *       over the fragment size).</li>
     *   <li>The frame and message size limits hold as for whole messages (1009): a frame that would
     *       pass one fails at its header, before its payload is read, and what extensions make of a
     *       message is held to the message limit as it comes. The message limit may be off
     *       ({@link DriverOptions#NO_MESSAGE_LIMIT}): a message of any size then streams through.</li>
     *   <li>The buffer is the receiver's to keep; it is never a loan from a
     *       {@link dev.tether.message.BufferPool}.</li>
     *   <li>When an active extension works on whole messages only, each message arrives whole, as one
     *       fragment with {@code last} set. The hixie drafts deliver each message so too.</li>
     *   <li>After our close, as for whole messages, the rest is read and checked but not reported.</li>
     * </ul>
     *
     * @param type    the message's type, on every fragment of it
     * @param payload the fragment's bytes, UTF-8 for text
     * @param last    whether this fragment ends its message
     */
    default void onFragment(MessageType type, ByteBuffer payload, boolean last) {
    }

    /**
     * A ping arrived (the pong has already been written); the buffer is the receiver's to keep.
     *
     * @param payload the ping's application data
     */
    default void onPing(ByteBuffer payload) {
    }

    /**
     * A pong arrived, solicited or not; the buffer is the receiver's to keep.
     *
     * @param payload the pong's application data, to match against pending pings
     */
    default void onPong(ByteBuffer payload) {
    }

    /**
     * The peer broke the protocol; {@link #onClose} follows at once.
     *
     * @param error what the peer did wrong, with the close code it calls for
     */
    default void onError(ProtocolException error) {
    }

    /**
     * The connection is over at the protocol level (state {@code CLOSED}): the transport flushes
     * what is queued and then closes the connection. Reported exactly once.
     *
     * @param status the close code and reason, and whether the close handshake completed
     */
    default void onClose(CloseStatus status) {
    }
}
