package dev.tether.extension;

import dev.tether.message.Message;
import dev.tether.protocol.ProtocolException;

/**
 * One extension active on one connection. The driver calls it synchronously from one thread at a
 * time, through {@link Extensions}: outgoing messages in negotiated order (the order of the server's
 * response), incoming messages in the reverse order.
 */
public interface ExtensionSession {

    /** Client side: the parameters to offer in the request. */
    default ExtensionParams generateOffer() {
        throw new UnsupportedOperationException("not a client session");
    }

    /**
     * Client side: accepts the server's response parameters; returns false when they are not
     * acceptable, which fails the handshake.
     */
    default boolean activate(ExtensionParams response) {
        throw new UnsupportedOperationException("not a client session");
    }

    /** Server side: the parameters to answer with. */
    default ExtensionParams generateResponse() {
        throw new UnsupportedOperationException("not a server session");
    }

    /**
     * Transforms a received message. Throws with 1007/1009/1010 … when the message is bad; a
     * message without this extension's RSV bits should normally pass through unchanged.
     */
    Message processIncoming(Message message) throws ProtocolException;

    /** Transforms a message about to be sent. */
    Message processOutgoing(Message message);

    /** Frees what the session holds (native zlib state …). Called exactly once, at close. */
    default void close() {
    }
}
