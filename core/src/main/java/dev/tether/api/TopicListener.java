package dev.tether.api;

import java.nio.ByteBuffer;

/**
 * Told of every message broadcast on a {@link WebSocketTopic}, from any node, this one's included:
 * for what a node keeps of a topic beside its connections (a chat room's recent history, a log).
 * Called on the broadcasting thread or a broker's thread, before the message is handed to this
 * node's members (so what a member has seen, a listener has too); it must not block.
 */
public interface TopicListener {

    /**
     * A text message was broadcast.
     *
     * @param text the message
     */
    default void onText(String text) {
    }

    /**
     * A binary message was broadcast; {@code data} is a read-only view, valid during the call.
     *
     * @param data the message, read-only and valid only during the call
     */
    default void onBinary(ByteBuffer data) {
    }
}
