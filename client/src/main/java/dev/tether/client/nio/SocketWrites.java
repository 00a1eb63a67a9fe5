package dev.tether.client.nio;

import dev.tether.runtime.Output;
import dev.tether.runtime.Output.WriteCallback;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The write side of a {@link SocketTransport}: the bytes waiting for the socket, in order, each
 * write's callback once its last byte has gone, and the FIN once a close has everything out.
 *
 * <p>What goes in is made under the same lock that queues it ({@link Bytes}): TLS records then leave
 * in the order they were wrapped. Writing happens on the caller's thread while the socket takes
 * bytes, and goes on ({@link #flushWhenWritable()}) when the selector says it can; the selector
 * itself never takes the lock, which a writer may hold while it encrypts a large message.
 */
final class SocketWrites {
    private static final System.Logger LOG = System.getLogger(SocketWrites.class.getName());

    /** Makes bytes to queue; run under the lock. */
    @FunctionalInterface
    interface Bytes {
        ByteBuffer[] make() throws IOException;
    }

    /** What the transport does when the writes reach a point of its concern. */
    interface Owner {
        /** The last byte is out after a close, and the FIN sent. */
        void outputShut();

        /** Writing failed: the socket is broken. */
        void broke(Throwable error);

        /** Runs {@code task} on the executor. */
        void execute(Runnable task);
    }

    /** One write's buffers and callback; a write of frames is cut after the frame the socket fills up in. */
    private static final class PendingWrite {
        private ByteBuffer[] buffers;
        private final WriteCallback callback;
        /** For a write of frames not written to yet: the index after each frame's last buffer; null otherwise. */
        private int[] frameEnds;
        /** Where the write was cut, in bytes; -1 when it goes to its end. */
        private long endsAt = -1;

        PendingWrite(ByteBuffer[] buffers, WriteCallback callback, int[] frameEnds) {
            this.buffers = buffers;
            this.callback = callback;
            this.frameEnds = frameEnds;
        }

        boolean done() {
            for (ByteBuffer b : buffers) {
                if (b.hasRemaining()) {
                    return false;
                }
            }
            return true;
        }

        /** Writes what the socket takes now; a write of frames left unfinished is cut after the frame it stopped in. */
        void writeTo(SocketChannel channel) throws IOException {
            if (frameEnds == null) {
                channel.write(buffers);
                return;
            }
            long[] endBytes = Output.frameEndBytes(buffers, frameEnds);
            long total = endBytes[endBytes.length - 1];
            long left = total - channel.write(buffers);
            if (left > 0) {
                long sent = total - left;
                int frame = Output.frameInProgress(endBytes, sent);
                boolean between = frame > 0 && sent == endBytes[frame - 1];
                int last = between ? frame - 1 : frame; // the frames after it are the runtime's to write again
                if (last < frameEnds.length - 1) {
                    buffers = Arrays.copyOfRange(buffers, 0, frameEnds[last]);
                    endsAt = endBytes[last];
                }
            }
            frameEnds = null;
        }

        void complete() {
            if (endsAt >= 0) {
                callback.writtenUpTo(endsAt);
            } else {
                callback.written();
            }
        }
    }

    private final SocketChannel channel;
    private final SelectionKey key;
    private final SelectorLoop loop;
    private final Owner owner;

    // Guarded by lock.
    private final Object lock = new Object();
    private final ArrayDeque<PendingWrite> writes = new ArrayDeque<>();
    private boolean closing;
    private volatile boolean outputShut;
    /** abort(): nothing more is written, and what waited has failed. */
    private volatile boolean aborted;

    SocketWrites(SocketChannel channel, SelectionKey key, SelectorLoop loop, Owner owner) {
        this.channel = channel;
        this.key = key;
        this.loop = loop;
        this.owner = owner;
    }

    /** Whether the FIN has gone: every write, then the close, is out. */
    boolean outputShut() {
        return outputShut;
    }

    boolean aborted() {
        return aborted;
    }

    /**
     * Queues what {@code bytes} makes and writes what the socket takes. The callback may run in here
     * (the bytes went at once); a refusal (closing, or the bytes could not be made) fails it on the
     * executor.
     */
    void write(Bytes bytes, WriteCallback callback) {
        write(bytes, null, callback);
    }

    /**
     * As {@link #write}, for frames ending at {@code frameEnds}: if the socket fills up inside one,
     * the write ends after it, as {@link dev.tether.runtime.Output#writeFrames} says.
     */
    void write(Bytes bytes, int[] frameEnds, WriteCallback callback) {
        List<PendingWrite> done;
        Throwable refused = null;
        synchronized (lock) {
            if (aborted || closing) {
                refused = new ClosedChannelException();
                done = List.of();
            } else {
                try {
                    enqueueLocked(bytes.make(), callback, frameEnds);
                } catch (IOException e) {
                    refused = e;
                }
                done = flushLocked();
            }
        }
        if (refused != null) {
            Throwable error = refused;
            owner.execute(() -> callback.failed(error));
        }
        complete(done);
    }

    /** Queues bytes of the transport's own (a TLS flight, an alert, a key update) and writes what the socket takes. */
    void send(Bytes bytes) throws IOException {
        List<PendingWrite> done;
        synchronized (lock) {
            enqueueLocked(bytes.make(), null, null);
            done = flushLocked();
        }
        complete(done);
    }

    /**
     * Closes once everything queued is out: what {@code last} makes (the close_notifies) goes after
     * it, then the FIN. Does nothing after a close or an abort.
     */
    void close(Bytes last) {
        List<PendingWrite> done;
        synchronized (lock) {
            if (aborted || closing) {
                return;
            }
            closing = true;
            try {
                enqueueLocked(last.make(), null, null);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "could not end the TLS session", e); // the socket closes anyway
            }
            done = flushLocked();
        }
        complete(done);
    }

    /**
     * Drops what waits; its callbacks fail on the executor. A flush in progress holds the lock, so
     * once this returns no buffer handed over is being read.
     */
    void abort() {
        List<WriteCallback> dropped = new ArrayList<>();
        synchronized (lock) {
            aborted = true;
            for (PendingWrite write : writes) {
                if (write.callback != null) {
                    dropped.add(write.callback);
                }
            }
            writes.clear();
        }
        if (!dropped.isEmpty()) {
            ClosedChannelException error = new ClosedChannelException();
            owner.execute(() -> dropped.forEach(callback -> callback.failed(error)));
        }
    }

    /** The selector said the socket takes bytes again: on the executor, never on the selector. */
    void flushWhenWritable() {
        List<PendingWrite> done;
        synchronized (lock) {
            done = flushLocked();
        }
        complete(done);
    }

    /** After a failure: writes what {@code alerts} makes, as far as the socket takes it at once, in order. */
    void writeAlertsNow(Bytes alerts) {
        synchronized (lock) {
            try {
                enqueueLocked(alerts.make(), null, null);
                for (PendingWrite write : writes) {
                    channel.write(write.buffers); // best effort, never waits
                    if (!write.done()) {
                        break; // what follows may not overtake the rest of this write
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "could not send the TLS alert", e);
            }
        }
    }

    private void enqueueLocked(ByteBuffer[] buffers, WriteCallback callback, int[] frameEnds) {
        if (buffers.length > 0 || callback != null) {
            writes.add(new PendingWrite(buffers, callback, frameEnds));
        }
    }

    /** Writes what the socket takes; returns the writes that completed, for their callbacks. */
    private List<PendingWrite> flushLocked() {
        List<PendingWrite> done = null;
        try {
            PendingWrite head;
            while (!aborted && (head = writes.peek()) != null) {
                if (!head.done()) {
                    head.writeTo(channel);
                    if (!head.done()) {
                        loop.interest(key, SelectionKey.OP_WRITE);
                        break;
                    }
                }
                writes.poll();
                if (head.callback != null) {
                    if (done == null) {
                        done = new ArrayList<>(2);
                    }
                    done.add(head);
                }
            }
            if (writes.isEmpty() && closing && !outputShut && !aborted) {
                outputShut = true;
                channel.shutdownOutput(); // the FIN: the server closes its side
                owner.outputShut();
            }
        } catch (IOException | RuntimeException e) {
            List<WriteCallback> failedWrites = new ArrayList<>();
            for (PendingWrite write : writes) {
                if (write.callback != null) {
                    failedWrites.add(write.callback);
                }
            }
            writes.clear();
            owner.execute(() -> failedWrites.forEach(callback -> callback.failed(e)));
            owner.broke(e);
        }
        return done == null ? List.of() : done;
    }

    private static void complete(List<PendingWrite> done) {
        for (PendingWrite write : done) {
            try {
                write.complete();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a write completion failed", e);
            }
        }
    }
}
