package dev.tether.runtime.connection;

import dev.tether.message.MessageType;
import dev.tether.runtime.io.MessageInput;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

/**
 * A message the listener receives as a stream: its {@link MessageInput}, fed by the connection's
 * events as fragments arrive, and the listener's call that reads it, run on the connection's
 * executor when its turn among the events comes. The events behind it wait until that call returns,
 * and the connection reads from the peer only while the input wants more: not past the end of this
 * message until the call has returned, so nothing piles up behind it but the few control frames a
 * peer may send in the middle of a message (past {@link #MOST_EVENTS_BEHIND} of them reading pauses
 * too).
 */
final class StreamedMessage {
    /** The most events (pings, pongs) that may wait behind a message being read before reading pauses. */
    static final int MOST_EVENTS_BEHIND = 1024;

    final MessageInput input;
    private final WebSocketConnection c;
    private final MessageType type;

    /** Under the connection's lock, at the message's first fragment. */
    StreamedMessage(WebSocketConnection connection, MessageType type) {
        this.c = connection;
        this.type = type;
        this.input = new MessageInput(c.options.streamBufferSize(), c::demandInput);
        c.streamBeingRead = input;
    }

    /** Its turn among the connection's events: the listener reads it on the executor; the events behind it wait. */
    void start() {
        c.events.suspend();
        try {
            c.options.executor().execute(this::read);
        } catch (RejectedExecutionException refused) {
            // Not read here instead: this may be the thread that must feed the stream.
            c.listenerFailed(new IOException("the executor refused to run the listener's stream reader", refused));
            finished();
            return;
        }
        c.demandInput(); // events queued ahead of this one may have held reading back
    }

    private void read() {
        try {
            if (type == MessageType.TEXT) {
                c.listener.onTextStream(c, input.reader());
            } else {
                c.listener.onBinaryStream(c, input.stream());
            }
        } catch (Throwable e) {
            if (!input.failedWith(e)) { // the connection's end, which onClose reports
                c.listenerFailed(e);
            }
        } finally {
            finished();
        }
    }

    private void finished() {
        input.abandon();
        c.streamBeingRead = null; // a later message's stream starts after this returns: it is still this one
        c.demandInput();
        c.events.resume();
    }
}
