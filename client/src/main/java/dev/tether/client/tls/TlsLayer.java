package dev.tether.client.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One TLS session over a byte stream, as buffers in and out: ciphertext from below is
 * {@link #append appended} and {@link #unwrap unwrapped} into plaintext; plaintext from above is
 * {@link #wrap wrapped} into ciphertext records, in the order they must reach the wire. The handshake
 * runs through the same calls ({@link #needsWrap()} says when the engine has something to send
 * without input); delegated tasks (certificate checks) run on the calling thread.
 *
 * <p>Unwrapping is done by one thread at a time, wrapping by one thread at a time, and the two may
 * overlap, as {@link SSLEngine} allows. An idle session holds no buffers.
 */
public final class TlsLayer {
    private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};
    /** Records wrapped into one output buffer at most, so a large write goes out in a few large buffers. */
    private static final int RECORDS_PER_BUFFER = 4;

    private final SSLEngine engine;
    /** Ciphertext not yet unwrapped, ready to read (flipped); null when there is none. */
    private ByteBuffer netIn;
    /**
     * Plaintext comes out into a buffer of the reading thread's, and small writes are wrapped in one of
     * the writing thread's: both are used up before the call that fills them returns (handed on, or
     * copied out), so a connection, busy or idle, holds neither.
     */
    private static final ThreadLocal<ByteBuffer> PLAINTEXT = new ThreadLocal<>();
    private static final ThreadLocal<ByteBuffer> SCRATCH = new ThreadLocal<>();
    private volatile boolean handshaking = true;
    private boolean justFinished;
    private boolean peerClosed;
    /** Whether the last operation ran delegated tasks (it may then have made no progress of its own). */
    private boolean ranTasks;

    public TlsLayer(SSLEngine engine) {
        this.engine = engine;
    }

    public SSLEngine engine() {
        return engine;
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

    /** Whether the engine has handshake bytes to send now. */
    public boolean needsWrap() {
        return engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
    }

    /** Whether ciphertext is waiting that has not been unwrapped yet. */
    public boolean hasBufferedInput() {
        return netIn != null && netIn.hasRemaining();
    }

    /** Keeps a copy of {@code ciphertext} (consumed) for {@link #unwrap}. */
    public void append(ByteBuffer ciphertext) {
        if (!ciphertext.hasRemaining()) {
            return;
        }
        int packet = engine.getSession().getPacketBufferSize();
        if (netIn == null) {
            netIn = ByteBuffer.allocate(Math.max(packet, ciphertext.remaining())).flip();
        }
        if (netIn.capacity() - netIn.remaining() < ciphertext.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(netIn.capacity() * 2, netIn.remaining() + ciphertext.remaining()));
            netIn = bigger.put(netIn).flip();
        }
        netIn.compact().put(ciphertext).flip();
    }

    /**
     * Unwraps what ciphertext there is into plaintext, until it runs out, a record is incomplete,
     * the plaintext buffer is full, or the engine needs to send something first ({@link #needsWrap()}).
     *
     * @return the plaintext, ready to read, valid until this thread unwraps again; may be empty
     */
    public ByteBuffer unwrap() throws SSLException {
        int appSize = engine.getSession().getApplicationBufferSize();
        ByteBuffer out = threadBuffer(PLAINTEXT, appSize);
        while (netIn != null && netIn.hasRemaining() && !peerClosed) {
            SSLEngineResult result = engine.unwrap(netIn, out);
            HandshakeStatus status = afterOperation(result.getHandshakeStatus());
            switch (result.getStatus()) {
                case OK -> {
                    if (status == HandshakeStatus.NEED_WRAP) {
                        return finishUnwrap(out);
                    }
                    if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && !ranTasks) {
                        return finishUnwrap(out); // no progress: wait for more
                    }
                }
                case BUFFER_UNDERFLOW -> { // an incomplete record: more ciphertext first
                    return finishUnwrap(out);
                }
                case BUFFER_OVERFLOW -> {
                    if (out.position() > 0) {
                        return finishUnwrap(out); // deliver what there is, then go on
                    }
                    out = ByteBuffer.allocate(out.capacity() * 2);
                    PLAINTEXT.set(out);
                }
                case CLOSED -> peerClosed = true;
            }
        }
        return finishUnwrap(out);
    }

    private ByteBuffer finishUnwrap(ByteBuffer out) {
        if (netIn != null && !netIn.hasRemaining()) {
            netIn = null; // an idle session holds no ciphertext buffer
        }
        return out.flip();
    }

    /** Wraps all of {@code plaintext} (consumed) into ciphertext buffers, ready to write, in order. */
    public List<ByteBuffer> wrap(ByteBuffer[] plaintext) throws SSLException {
        int packet = engine.getSession().getPacketBufferSize();
        long left = remaining(plaintext);
        if (left < packet / 2) {
            return List.of(wrapSmall(plaintext, packet));
        }
        List<ByteBuffer> records = new ArrayList<>(2);
        ByteBuffer out = null;
        while (left > 0) {
            if (out == null || out.remaining() < packet) {
                if (out != null) {
                    records.add(out.flip());
                }
                long wanted = Math.min(RECORDS_PER_BUFFER, left / (packet / 2) + 1);
                out = ByteBuffer.allocate((int) wanted * packet);
            }
            SSLEngineResult result = engine.wrap(plaintext, out);
            afterOperation(result.getHandshakeStatus());
            left -= result.bytesConsumed();
            checkWrapped(result);
        }
        if (out != null && out.position() > 0) {
            records.add(out.flip());
        }
        return records;
    }

    /** A write smaller than a record: wrapped into the scratch buffer, then copied out at its size. */
    private ByteBuffer wrapSmall(ByteBuffer[] plaintext, int packet) throws SSLException {
        ByteBuffer scratch = threadBuffer(SCRATCH, packet); // an engine wants room for a whole record
        long left = remaining(plaintext);
        while (left > 0) {
            SSLEngineResult result = engine.wrap(plaintext, scratch);
            afterOperation(result.getHandshakeStatus());
            left -= result.bytesConsumed();
            checkWrapped(result);
        }
        scratch.flip();
        return ByteBuffer.allocate(scratch.remaining()).put(scratch).flip();
    }

    private static void checkWrapped(SSLEngineResult result) throws SSLException {
        switch (result.getStatus()) {
            case OK -> {
                if (result.bytesConsumed() == 0) { // only while handshaking, which no write waits for
                    throw new SSLException("the TLS session took no data (handshake status " + result.getHandshakeStatus() + ")");
                }
            }
            case CLOSED -> throw new SSLException("the TLS session is closed: nothing more can be sent");
            default -> throw new SSLException("could not wrap the data: " + result.getStatus());
        }
    }

    /** Wraps what the handshake (or an alert, or a key update) has to send, while it has something. */
    public List<ByteBuffer> wrapHandshake() throws SSLException {
        List<ByteBuffer> flights = new ArrayList<>(1);
        int packet = engine.getSession().getPacketBufferSize();
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            ByteBuffer out = ByteBuffer.allocate(packet);
            SSLEngineResult result = engine.wrap(NOTHING, out);
            afterOperation(result.getHandshakeStatus());
            if (out.position() > 0) {
                flights.add(out.flip());
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("could not wrap the TLS handshake: " + result.getStatus());
            }
        }
        return flights;
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
        ranTasks = status == HandshakeStatus.NEED_TASK;
        if (ranTasks) {
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
