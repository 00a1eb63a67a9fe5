package dev.tether.runtime.connection;

import dev.tether.message.MessageType;
import dev.tether.runtime.io.MessageInput;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

/**
 * A message the listener receives as a stream: its {@link MessageInput}, fed by the connection's
 * events as fragments arrive, and the listener's call that reads it, run on the connection's
 * executor when its turn among the events comes. The events behind it wait until that call returns.
 * The connection reads from the peer for it while its input wants more, and for nothing else while
 * its reader runs: what one read brings past the end of this message (the start of the next) waits
 * in the next message's input, and the pings and pongs within it wait as events (at most
 * {@link #MOST_EVENTS_BEHIND} of them are reported; later ones are still answered).
 *
 * <p>Asking for input again from the reader's thread is done there, not on the executor: the
 * reader's thread delivers no events while it reads (they wait for it), and on a bounded executor a
 * reader waiting for input must not wait for a task queued behind itself.
 */
final class StreamedMessage {
    /** The most ping and pong events that wait behind a message being read; later ones are answered but not reported. */
    static final int MOST_EVENTS_BEHIND = 1024;

    final MessageInput input;
    private final WebSocketConnection c;
    private final MessageType type;

    /** Under the connection's lock, at the message's first fragment: it is the message being fed from now. */
    StreamedMessage(WebSocketConnection connection, MessageType type) {
        this.c = connection;
        this.type = type;
        this.input = new MessageInput(c.options.streamBufferSize(), c::demandInputHere, c.options.messageMemory());
        c.streamFed = input;
    }

    /** Its turn among the connection's events: the listener reads it on the executor; the events behind it wait. */
    void start() {
        c.events.suspend();
        c.streamBeingRead = input;
        try {
            c.options.executor().execute(this::read);
        } catch (RejectedExecutionException refused) {
            // Not read here instead: this may be the thread that must feed the stream.
            c.listenerFailed(new IOException("the executor refused to run the listener's stream reader", refused));
            finished();
        }
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

    /** The reader returned: the rest of the message is dropped, the events behind it run, then reading goes on. */
    private void finished() {
        input.abandon();
        synchronized (c.lock) {
            c.controlEventsBehindStream = 0; // they run now
        }
        c.streamBeingRead = null; // the next message's reader is set by its start(), one of the events resumed now
        c.events.resume();
        c.demandInputHere();
    }
}
