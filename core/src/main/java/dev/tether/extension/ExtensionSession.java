package dev.tether.extension;

import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.protocol.ProtocolException;

import java.util.function.Consumer;

/**
 * One extension active on one connection. The driver calls it synchronously from one thread at a
 * time, through {@link Extensions}: outgoing messages in negotiated order (the order of the server's
 * response), incoming messages in the reverse order.
 *
 * <p>A session works on whole messages ({@link #processIncoming}, {@link #processOutgoing}) unless
 * it says it {@linkplain #processesFragments() processes fragments}. Then, provided every active
 * session does, received messages reach it fragment by fragment as they arrive, and so do messages
 * sent in fragments; whole messages sent still come through {@link #processOutgoing}. When one active
 * session works on whole messages only, every session gets whole messages and fragments sent bypass
 * them all, as before.
 */
public interface ExtensionSession {

    /**
     * Client side: the parameters to offer in the request. The default throws
     * {@link UnsupportedOperationException}: a server session has no offer.
     *
     * @return the offer, named as this session's extension; {@code null} to offer nothing
     */
    default ExtensionParams generateOffer() {
        throw new UnsupportedOperationException("not a client session");
    }

    /**
     * Client side: accepts the server's response parameters; returns false when they are not
     * acceptable, which fails the handshake. The default throws
     * {@link UnsupportedOperationException}: a server session is not activated.
     *
     * @param response the server's element for this extension
     * @return true to run with these parameters, false to refuse them
     */
    default boolean activate(ExtensionParams response) {
        throw new UnsupportedOperationException("not a client session");
    }

    /**
     * Server side: the parameters to answer with. The default throws
     * {@link UnsupportedOperationException}: a client session has no response.
     *
     * @return the response, named as this session's extension; not null
     */
    default ExtensionParams generateResponse() {
        throw new UnsupportedOperationException("not a server session");
    }

    /**
     * Transforms a received message. Throws with 1007/1009/1010 … when the message is bad; a
     * message without this extension's RSV bits should normally pass through unchanged.
     *
     * @param message the message as received, or as the session after this one made it
     * @return the transformed message; not null
     * @throws ProtocolException when the message is bad; the connection fails with its close code
     */
    Message processIncoming(Message message) throws ProtocolException;

    /**
     * Transforms a message about to be sent. A compressing extension leaves a message that is not
     * {@link Message#compressible()} as it is; make the result with {@link Message#with}, which keeps
     * that flag for the sessions after this one.
     *
     * @param message the message as the application sent it, or as the session before this one
     *                made it
     * @return the transformed message; not null
     */
    Message processOutgoing(Message message);

    /**
     * Whether this session can transform messages fragment by fragment, through
     * {@link #processIncomingFragment} and {@link #processOutgoingFragment}. Asked once, when the
     * driver is created. Default false: each received message is assembled before this session sees
     * it, and fragments sent bypass it.
     *
     * @return true when this session implements the fragment methods
     */
    default boolean processesFragments() {
        return false;
    }

    /**
     * Transforms one fragment of a received message and passes what it makes of it to {@code next}:
     * nothing yet, one fragment, or several (inflation may give more than one fragment's worth). For
     * each message it passes on exactly one fragment with {@code first} and one with {@code last}
     * (the same one for a single fragment), in order. The fragment given is this session's to keep;
     * what it passes on is {@code next}'s. Throws with 1007/1009/1010 … when the message is bad.
     * Called only if {@link #processesFragments()}; the default passes the fragment on unchanged.
     *
     * @param fragment the next fragment received, or as the session after this one made it
     * @param next     where to pass the result: the session before this one, or the driver
     * @throws ProtocolException when the message is bad; the connection fails with its close code
     */
    default void processIncomingFragment(Fragment fragment, FragmentSink next) throws ProtocolException {
        next.accept(fragment);
    }

    /**
     * Transforms one fragment of a message being sent in fragments, passing on what it makes of it as
     * {@link #processIncomingFragment} does. The RSV bits of the fragment passed on with
     * {@code first} are those the message goes out with. The payload given belongs to the caller:
     * read it, do not change it. Called only if {@link #processesFragments()}; the default passes the
     * fragment on unchanged.
     *
     * @param fragment the next fragment sent, or as the session before this one made it
     * @param next     where to pass the result: the session after this one, or the wire
     */
    default void processOutgoingFragment(Fragment fragment, Consumer<Fragment> next) {
        next.accept(fragment);
    }

    /** Frees what the session holds (native zlib state …). Called exactly once, at close. */
    default void close() {
    }
}
