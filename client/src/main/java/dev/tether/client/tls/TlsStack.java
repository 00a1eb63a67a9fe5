package dev.tether.client.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The TLS sessions of one connection, the socket's first: none for {@code ws://}, one to the server
 * for {@code wss://}, and one to an HTTPS proxy below it when the tunnel runs through one. Outbound,
 * plaintext is wrapped by the top session, then by each below it; inbound, ciphertext from the socket
 * is unwrapped by the bottom session, then by each above it.
 *
 * <p>Wrapping ({@link #encode}, {@link #handshakeBytes}, {@link #closeNotifies}, {@link #begin}) is
 * done under the caller's write lock, which also queues the result, so records leave in the order
 * they were made. Unwrapping ({@link #append}, {@link #decode}) is done by the reading thread.
 */
public final class TlsStack {

    /** Sends what a session's handshake (or alert, or key update) has to say, under the write lock. */
    @FunctionalInterface
    public interface HandshakeWriter {
        void send(int level) throws SSLException;
    }

    /** What one {@link #decode} pass came to. */
    public record Decoded(ByteBuffer plaintext, boolean moved, boolean ended) {
        private static final Decoded NOTHING = new Decoded(null, false, false);
        private static final Decoded MOVED = new Decoded(null, true, false);
        private static final Decoded ENDED = new Decoded(null, false, true);
    }

    private final List<TlsLayer> layers = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> handshakes = new CopyOnWriteArrayList<>();
    private final Executor executor;

    /** @param executor where handshake stages complete: never on the reading thread */
    public TlsStack(Executor executor) {
        this.executor = executor;
    }

    public boolean isEmpty() {
        return layers.isEmpty();
    }

    /** Whether the top session's handshake is under way: it reads whether or not anybody wants input. */
    public boolean handshaking() {
        return !layers.isEmpty() && layers.get(layers.size() - 1).handshaking();
    }

    /**
     * Puts a session on top and begins its handshake; under the write lock.
     *
     * @return the first flight, wrapped by the sessions below, to queue
     */
    public ByteBuffer[] begin(SSLEngine engine, CompletableFuture<Void> handshaken) throws SSLException {
        TlsLayer layer = new TlsLayer(engine);
        layers.add(layer);
        handshakes.add(handshaken);
        layer.begin();
        return handshakeBytes(layers.size() - 1);
    }

    /** {@code plaintext} wrapped by every session, the top one first; under the write lock. */
    public ByteBuffer[] encode(ByteBuffer[] plaintext) throws SSLException {
        return encodeBelow(layers.size(), plaintext);
    }

    /** What the session at {@code level} has to send by itself, wrapped by those below; under the write lock. */
    public ByteBuffer[] handshakeBytes(int level) throws SSLException {
        return encodeBelow(level, layers.get(level).wrapHandshake().toArray(ByteBuffer[]::new));
    }

    /** Each session's close_notify, the top one's first, each wrapped by those below; under the write lock. */
    public List<ByteBuffer[]> closeNotifies() {
        List<ByteBuffer[]> notifies = new ArrayList<>(layers.size());
        for (int i = layers.size() - 1; i >= 0; i--) {
            try {
                notifies.add(encodeBelow(i, layers.get(i).closeOutbound().toArray(ByteBuffer[]::new)));
            } catch (SSLException e) {
                break; // a broken session below: the socket closes anyway
            }
        }
        return notifies;
    }

    /** The alerts the sessions have to send after a failure, top first; under the write lock. */
    public List<ByteBuffer[]> alerts() throws SSLException {
        List<ByteBuffer[]> alerts = new ArrayList<>(1);
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i).needsWrap()) {
                alerts.add(handshakeBytes(i));
            }
        }
        return alerts;
    }

    private ByteBuffer[] encodeBelow(int level, ByteBuffer[] plaintext) throws SSLException {
        ByteBuffer[] bytes = plaintext;
        for (int i = level - 1; i >= 0; i--) {
            bytes = layers.get(i).wrap(bytes).toArray(ByteBuffer[]::new);
        }
        return bytes;
    }

    /** Ciphertext read from the socket, for {@link #decode}. */
    public void append(ByteBuffer ciphertext) throws SSLException {
        layers.get(0).append(ciphertext);
    }

    /**
     * One pass of unwrapping buffered ciphertext up through the sessions. A session whose handshake
     * has something to send has it sent through {@code writer}; a finished handshake completes its
     * stage on the executor. The pass returns the plaintext that came out on top (to be consumed
     * before the next pass), or whether anything moved, or that the peer's close_notify ended input.
     */
    public Decoded decode(HandshakeWriter writer) throws SSLException {
        boolean moved = false;
        ByteBuffer plaintext = null;
        for (int i = 0; i < layers.size(); i++) {
            TlsLayer layer = layers.get(i);
            if (i > 0 && plaintext != null && plaintext.hasRemaining()) {
                layer.append(plaintext);
                moved = true;
            }
            boolean aboveBackedUp = i + 1 < layers.size() && layers.get(i + 1).backedUp();
            if (!layer.hasBufferedInput() || aboveBackedUp) { // the session above unwraps what it holds first
                plaintext = null;
                continue;
            }
            plaintext = layer.unwrap();
            if (layer.needsWrap()) {
                writer.send(i);
                moved = true;
            }
            if (layer.takeFinished()) {
                CompletableFuture<Void> handshaken = handshakes.get(i);
                execute(() -> handshaken.complete(null)); // the connect goes on off the reading thread
                moved = true;
            }
        }
        if (plaintext != null && plaintext.hasRemaining()) {
            return new Decoded(plaintext, true, false); // what came before a close_notify first
        }
        for (TlsLayer layer : layers) {
            if (layer.peerClosed() && !layer.hasBufferedInput()) {
                return Decoded.ENDED;
            }
        }
        return moved ? Decoded.MOVED : Decoded.NOTHING;
    }

    /** The handshakes still under way fail with {@code cause}, on the executor. */
    public void failHandshakes(Throwable cause) {
        for (CompletableFuture<Void> handshake : handshakes) {
            if (!handshake.isDone()) {
                execute(() -> handshake.completeExceptionally(cause));
            }
        }
    }

    private void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
