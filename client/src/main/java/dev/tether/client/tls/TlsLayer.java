package dev.tether.client.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One TLS session over a byte stream, as buffers in and out: ciphertext from below is
 * {@link #append appended} and {@link #unwrap unwrapped} into plaintext; plaintext from above is
 * {@link #wrap wrapped} into ciphertext records, in the order they must reach the wire. The handshake
 * runs through the same calls ({@link #needsWrap()} says when the engine has something to send
 * without input); delegated tasks (certificate checks) run on the calling thread. Post-handshake
 * messages (TLS 1.3's key updates and tickets) pass through both directions; a TLS 1.2
 * renegotiation is refused with an error, as a write cannot wait for it.
 *
 * <p>Unwrapping is done by one thread at a time, wrapping by one thread at a time, and the two may
 * overlap, as {@link SSLEngine} allows. An idle session holds no buffers.
 */
public final class TlsLayer {
    private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};
    /** Records wrapped into one output buffer at most, so a large write goes out in a few large buffers. */
    private static final int RECORDS_PER_BUFFER = 4;
    /** The most plaintext one TLS record carries (RFC 8446 §5.1, RFC 5246 §6.2.1). */
    private static final long MAX_PLAINTEXT = 1 << 14;
    /** Operations in a row that move no byte before the session is declared stuck. */
    private static final int STALLS_ALLOWED = 2;
    /**
     * Plaintext comes out into a buffer of the reading thread's, and small writes are wrapped in one of
     * the writing thread's: both are used up before the call that fills them returns (handed on, or
     * copied out), so a connection, busy or idle, holds neither.
     */
    private static final ThreadLocal<ByteBuffer> PLAINTEXT = new ThreadLocal<>();
    private static final ThreadLocal<ByteBuffer> SCRATCH = new ThreadLocal<>();

    private final SSLEngine engine;
    /** Ciphertext not yet unwrapped, ready to read (flipped); null when there is none. */
    private ByteBuffer netIn;
    private volatile boolean handshaking = true;
    private volatile boolean justFinished;
    private boolean peerClosed;

    public TlsLayer(SSLEngine engine) {
        this.engine = engine;
    }

    /** Starts the handshake; {@link #wrapHandshake()} then makes the first flight. */
    public void begin() throws SSLException {
        engine.beginHandshake();
    }

    /** Whether the handshake is still under way. */
    public boolean handshaking() {
        return handshaking;
    }

    /** Whether the handshake finished since the last call (reported once). */
    public boolean takeFinished() {
        boolean finished = justFinished;
        justFinished = false;
        return finished;
    }

    /** Whether the peer sent its close_notify: no more plaintext will come. */
    public boolean peerClosed() {
        return peerClosed;
    }

    /** Whether the engine has handshake bytes (a flight, an alert, a key update) to send now. */
    public boolean needsWrap() {
        return engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
    }

    /**
     * Whether a whole record's worth of ciphertext is waiting: the layer below should not feed this
     * one more until it has unwrapped what it holds (TLS inside TLS: the outer session would otherwise
     * hand on plaintext faster than the inner one takes it).
     */
    public boolean backedUp() {
        return netIn != null && netIn.remaining() >= engine.getSession().getPacketBufferSize();
    }

    /** Whether ciphertext is waiting that has not been unwrapped yet. */
    public boolean hasBufferedInput() {
        return netIn != null && netIn.hasRemaining();
    }

    /**
     * Keeps a copy of {@code ciphertext} (consumed) for {@link #unwrap}. After the peer's close_notify
     * it is dropped: nothing after it is part of the session.
     *
     * @throws SSLException when ciphertext piles up that unwrapping does not take (never so with a peer
     *                      that sends records of the allowed size)
     */
    public void append(ByteBuffer ciphertext) throws SSLException {
        if (peerClosed) {
            ciphertext.position(ciphertext.limit());
            return;
        }
        if (!ciphertext.hasRemaining()) {
            return;
        }
        int packet = engine.getSession().getPacketBufferSize();
        if (netIn == null) {
            netIn = ByteBuffer.allocate(Math.max(packet, ciphertext.remaining())).flip();
        } else if (netIn.remaining() > 2 * packet) {
            // Each append is unwrapped before the next, which leaves less than a record behind.
            throw new SSLException("TLS data piled up undecrypted (" + netIn.remaining() + " bytes): the peer is not speaking TLS records");
        }
        if (netIn.capacity() - netIn.remaining() < ciphertext.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.remaining() + ciphertext.remaining());
            netIn = bigger.put(netIn).flip();
        }
        netIn.compact().put(ciphertext).flip();
    }

    /**
     * Unwraps what ciphertext there is into plaintext, until it runs out, a record is incomplete,
     * the plaintext buffer is full, the peer closed, or the engine needs to send something first
     * ({@link #needsWrap()}).
     *
     * @return the plaintext, ready to read, valid until this thread unwraps again; may be empty
     */
    public ByteBuffer unwrap() throws SSLException {
        ByteBuffer out = threadBuffer(PLAINTEXT, engine.getSession().getApplicationBufferSize());
        while (netIn != null && netIn.hasRemaining()) {
            SSLEngineResult result = engine.unwrap(netIn, out);
            boolean ranTasks = result.getHandshakeStatus() == HandshakeStatus.NEED_TASK;
            HandshakeStatus status = afterOperation(result.getHandshakeStatus());
            Status outcome = result.getStatus();
            if (outcome == Status.CLOSED) {
                peerClosed = true;
                netIn = null; // whatever follows a close_notify is not part of the session
                break;
            }
            if (outcome == Status.BUFFER_UNDERFLOW || status == HandshakeStatus.NEED_WRAP) {
                break; // more ciphertext first, or something to send first
            }
            if (outcome == Status.BUFFER_OVERFLOW) {
                if (out.position() > 0) {
                    break; // deliver what there is, then go on
                }
                out = ByteBuffer.allocate(out.capacity() * 2);
                PLAINTEXT.set(out);
            } else if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && !ranTasks) {
                break; // no progress: wait for more
            }
        }
        if (netIn != null && !netIn.hasRemaining()) {
            netIn = null; // an idle session holds no ciphertext buffer
        }
        return out.flip();
    }

    /**
     * Wraps all of {@code plaintext} (consumed) into ciphertext buffers, ready to write, in order,
     * with whatever the engine has to send on its own in between or after (a key update).
     */
    public List<ByteBuffer> wrap(ByteBuffer[] plaintext) throws SSLException {
        int packet = engine.getSession().getPacketBufferSize();
        long left = remaining(plaintext);
        boolean small = left < packet / 2;
        List<ByteBuffer> records = new ArrayList<>(2);
        ByteBuffer out = null;
        int stalls = 0;
        while (left > 0 || needsWrap()) {
            if (out == null || out.remaining() < packet) {
                takeOut(out, small, records);
                // A small write is wrapped in the thread's scratch buffer and copied out at its size.
                // Room for the records the rest needs, and one more for a key update.
                out = small ? threadBuffer(SCRATCH, packet)
                        : ByteBuffer.allocate((int) Math.min(RECORDS_PER_BUFFER, (left + MAX_PLAINTEXT - 1) / MAX_PLAINTEXT + 1) * packet);
            }
            SSLEngineResult result = engine.wrap(left > 0 ? plaintext : NOTHING, out);
            boolean ranTasks = result.getHandshakeStatus() == HandshakeStatus.NEED_TASK;
            HandshakeStatus status = afterOperation(result.getHandshakeStatus());
            left -= result.bytesConsumed();
            switch (result.getStatus()) {
                case OK -> {
                    if (result.bytesConsumed() > 0 || result.bytesProduced() > 0 || ranTasks) {
                        stalls = 0;
                    } else if (status == HandshakeStatus.NEED_UNWRAP || ++stalls > STALLS_ALLOWED) {
                        throw new SSLException("the TLS session cannot send now (handshake status " + status
                                + "): the server started a renegotiation, which this client does not do");
                    }
                }
                case BUFFER_OVERFLOW -> {
                    takeOut(out, small, records);
                    out = null; // a fresh buffer with room for a whole record
                    packet = engine.getSession().getPacketBufferSize(); // it may have grown
                }
                case CLOSED -> {
                    if (left > 0) {
                        throw new SSLException("the TLS session is closed: nothing more can be sent");
                    }
                    takeOut(out, small, records); // the close_notify answering the peer's (TLS 1.2)
                    return records;
                }
                case BUFFER_UNDERFLOW -> throw new SSLException("wrapping reported an underflow");
            }
        }
        takeOut(out, small, records);
        return records;
    }

    /** Adds what {@code out} holds to {@code records}: a copy when it is the thread's scratch buffer. */
    private static void takeOut(ByteBuffer out, boolean scratch, List<ByteBuffer> records) {
        if (out == null || out.position() == 0) {
            return;
        }
        out.flip();
        records.add(scratch ? ByteBuffer.allocate(out.remaining()).put(out).flip() : out);
    }

    /** Wraps what the handshake (or an alert, or a key update) has to send, while it has something. */
    public List<ByteBuffer> wrapHandshake() throws SSLException {
        return wrap(NOTHING);
    }

    /** Starts closing our side: the close_notify to send (empty when the engine has nothing to say). */
    public List<ByteBuffer> closeOutbound() {
        engine.closeOutbound();
        List<ByteBuffer> out = new ArrayList<>(1);
        try {
            int packet = engine.getSession().getPacketBufferSize();
            while (!engine.isOutboundDone()) {
                ByteBuffer buffer = ByteBuffer.allocate(packet);
                SSLEngineResult result = engine.wrap(NOTHING, buffer);
                if (buffer.position() > 0) {
                    out.add(buffer.flip());
                }
                if (result.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException e) {
            // the session was broken already: nothing more to say on it
        }
        return out;
    }

    /** Runs delegated tasks and notes when the handshake finished; returns the status after that. */
    private HandshakeStatus afterOperation(HandshakeStatus status) {
        if (status == HandshakeStatus.NEED_TASK) {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run(); // certificate checks: CPU only, on the connect's thread
            }
            status = engine.getHandshakeStatus();
        }
        if (handshaking && (status == HandshakeStatus.FINISHED
                || (status == HandshakeStatus.NOT_HANDSHAKING && engine.getSession().isValid()))) {
            handshaking = false;
            justFinished = true;
        }
        return status;
    }

    private static ByteBuffer threadBuffer(ThreadLocal<ByteBuffer> buffers, int size) {
        ByteBuffer buffer = buffers.get();
        if (buffer == null || buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(size);
            buffers.set(buffer);
        }
        return buffer.clear();
    }

    private static long remaining(ByteBuffer[] buffers) {
        long n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        return n;
    }
}
