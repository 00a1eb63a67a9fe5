package dev.tether.runtime.io;

import dev.tether.message.MemoryBudget;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One received message on its way to a reader on another thread: the connection offers its parts
 * as they arrive (never waiting), the reader takes them through {@link #stream()} or
 * {@link #reader()}, waiting for more. The connection asks {@link #wantsMore()} before it reads
 * from the peer; past {@code limit} unread bytes the answer is no, and once the reader has taken the
 * buffer down to half the limit {@code onRoom} runs (on the reader's thread, outside any lock) so
 * the connection reads again. What one read of the peer's brings may pass the limit, and so may the
 * piece of a frame the driver was filling when it came (at most its {@code fragmentSize}): the bound
 * is the limit, one read and one piece, or, for a compressed message, what one read inflates to.
 * Unread bytes are counted against a {@link MemoryBudget} as well, so that inflation is bounded too.
 *
 * <p>Text parts must each end on a character boundary, as the driver cuts them, so each decodes on
 * its own.
 */
public final class MessageInput {
    private final long limit;
    private final Runnable onRoom;
    private final MemoryBudget budget;
    // Guarded by this.
    private final ArrayDeque<ByteBuffer> parts = new ArrayDeque<>();
    private long buffered;
    private boolean complete;
    private boolean abandoned;
    private IOException failure;
    /** {@link #wantsMore()} said no: the reader that makes room says so with {@code onRoom}. */
    private boolean heldBack;

    /**
     * @param limit  how many unread bytes hold the peer back
     * @param onRoom run when the reader has made room after the peer was held back
     * @param budget what the unread bytes are counted against until they are read (inflation can
     *               bring far more than the limit in one read of the peer's)
     */
    public MessageInput(long limit, Runnable onRoom, MemoryBudget budget) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 byte: " + limit);
        }
        this.limit = limit;
        this.onRoom = onRoom;
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * The next part; {@code last} ends the message. Never waits. The buffer is kept until read.
     *
     * @param part the part's bytes, from position to limit; text ends on a character boundary
     * @param last true if this part ends the message
     * @return false when the budget has no room for the part: it is dropped, and the message is
     *         over for the connection (which fails it)
     * @throws IllegalStateException if the last part was offered already
     */
    public synchronized boolean offer(ByteBuffer part, boolean last) {
        if (complete) {
            throw new IllegalStateException("the message has ended");
        }
        int n = part.remaining();
        if (!abandoned && n > 0) {
            if (!budget.tryReserve(n)) {
                return false; // not complete: the connection fails the message, and the reader learns it
            }
            parts.add(part);
            buffered += n;
        }
        complete = last;
        notifyAll();
        return true;
    }

    /**
     * The connection ended before the message did: reading fails with {@code cause} once what arrived is read.
     *
     * @param cause what the reader's next read past the arrived bytes throws
     */
    public synchronized void fail(IOException cause) {
        if (!complete && failure == null) {
            failure = cause;
            notifyAll();
        }
    }

    /**
     * Whether {@code e} is what {@link #fail} made reading throw: the connection's end, not the reader's fault.
     *
     * @param e what the reader threw, or null
     * @return true if {@code e} is the very exception given to {@link #fail}
     */
    public synchronized boolean failedWith(Throwable e) {
        return e != null && e == failure;
    }

    /**
     * Whether the peer may be read from for this message: it has not ended, and the reader keeps up.
     *
     * @return true if more of the message is wanted now; false also holds the peer back until
     *         {@code onRoom} runs
     */
    public synchronized boolean wantsMore() {
        if (abandoned) {
            return !complete; // what is left of it is read and dropped
        }
        if (complete || failure != null || buffered < limit) {
            return !complete && failure == null;
        }
        heldBack = true;
        return false;
    }

    /**
     * Whether the reader has the limit or more unread (without asking, as {@link #wantsMore()} does, to be told of room).
     *
     * @return true if the unread bytes have reached the limit
     */
    public synchronized boolean isFull() {
        return !abandoned && buffered >= limit;
    }

    /**
     * Whether the last part has been offered.
     *
     * @return true once a part was offered with {@code last}
     */
    public synchronized boolean isComplete() {
        return complete;
    }

    /** The reader is done (its method returned): what is unread is dropped, and so is the rest of the message. */
    public void abandon() {
        boolean wasHeldBack;
        synchronized (this) {
            abandoned = true;
            parts.clear();
            budget.release(buffered);
            buffered = 0;
            wasHeldBack = heldBack;
            heldBack = false;
            notifyAll();
        }
        if (wasHeldBack) {
            onRoom.run();
        }
    }

    /**
     * The bytes unread; for tests and monitoring.
     *
     * @return the bytes offered and not yet read or dropped
     */
    public synchronized long buffered() {
        return buffered;
    }

    /**
     * The next part with something left in it, waiting for one; null at the end of the message.
     *
     * @throws IOException when the connection ended first, or the reader was interrupted
     */
    private ByteBuffer next() throws IOException {
        synchronized (this) {
            while (true) {
                ByteBuffer head = parts.peek();
                if (head != null && head.hasRemaining()) {
                    return head;
                }
                if (head != null) {
                    parts.poll();
                    continue;
                }
                if (abandoned) {
                    throw new IOException("the message stream is closed");
                }
                if (complete) {
                    return null;
                }
                if (failure != null) {
                    throw failure;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the message");
                }
            }
        }
    }

    /** {@code n} bytes of the head part were read: counts them off, and says so to the connection when that makes room. */
    private void taken(int n) {
        boolean room;
        synchronized (this) {
            if (abandoned) {
                return; // closed while these bytes were being read: abandon() gave back all that was unread
            }
            buffered -= n;
            budget.release(n);
            room = heldBack && buffered <= limit / 2;
            if (room) {
                heldBack = false;
            }
        }
        if (room) {
            onRoom.run();
        }
    }

    /**
     * The message's bytes. Reads wait for the peer; {@code close()} skips the rest.
     *
     * @return a new stream over the message's unread bytes, at its end once the last part is read
     */
    public InputStream stream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                ByteBuffer head = next();
                if (head == null) {
                    return -1;
                }
                int b = head.get() & 0xFF;
                taken(1);
                return b;
            }

            @Override
            public int read(byte[] into, int offset, int length) throws IOException {
                Objects.checkFromIndexSize(offset, length, into.length);
                if (length == 0) {
                    return 0;
                }
                ByteBuffer head = next();
                if (head == null) {
                    return -1;
                }
                int n = Math.min(length, head.remaining());
                head.get(into, offset, n);
                taken(n);
                return n;
            }

            @Override
            public int available() {
                synchronized (MessageInput.this) {
                    return (int) Math.min(Integer.MAX_VALUE, buffered);
                }
            }

            @Override
            public void close() {
                abandon();
            }
        };
    }

    /**
     * The message's characters (its parts decoded one by one). Reads wait for the peer; {@code close()} skips the rest.
     *
     * @return a new reader over the message's unread bytes, decoded as UTF-8
     */
    public Reader reader() {
        return new Reader() {
            private CharBuffer decoded = CharBuffer.allocate(0);

            @Override
            public int read(char[] into, int offset, int length) throws IOException {
                Objects.checkFromIndexSize(offset, length, into.length);
                if (length == 0) {
                    return 0;
                }
                while (!decoded.hasRemaining()) {
                    ByteBuffer head = next();
                    if (head == null) {
                        return -1;
                    }
                    int n = head.remaining();
                    decoded = StandardCharsets.UTF_8.decode(head); // whole characters: checked by the driver
                    taken(n);
                }
                int n = Math.min(length, decoded.remaining());
                decoded.get(into, offset, n);
                return n;
            }

            @Override
            public void close() {
                abandon();
            }
        };
    }
}
