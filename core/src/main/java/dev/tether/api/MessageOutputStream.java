package dev.tether.api;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * One binary message written as a stream: each full chunk goes out as a fragment, {@link #close()}
 * sends the last one. Writing waits until the previous fragment has been written, so memory stays at
 * one chunk whatever the message's size, and a peer that reads slowly slows the writer down.
 * Blocking: not for container threads.
 */
final class MessageOutputStream extends OutputStream {
    private final WebSocket socket;
    private byte[] chunk;
    private int filled;
    private CompletionStage<Void> previous;
    private boolean closed;

    MessageOutputStream(WebSocket socket, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        this.socket = Objects.requireNonNull(socket, "socket");
        this.chunk = new byte[chunkSize];
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (filled == chunk.length) {
            sendChunk(false);
        }
        chunk[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (filled == chunk.length) {
                sendChunk(false);
            }
            int n = Math.min(len, chunk.length - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /** Sends the last fragment (possibly empty) and waits until it is written. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        sendChunk(true);
        closed = true;
        await(previous);
    }

    private void sendChunk(boolean last) throws IOException {
        await(previous);
        byte[] full = chunk;
        previous = socket.sendPart(ByteBuffer.wrap(full, 0, filled), last);
        chunk = new byte[full.length]; // the sent one stays untouched until written
        filled = 0;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the message was already sent (stream closed)");
        }
    }

    static void await(CompletionStage<Void> stage) throws IOException {
        if (stage == null) {
            return;
        }
        try {
            stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        } catch (ExecutionException e) {
            throw new IOException("sending failed: " + e.getCause(), e.getCause());
        }
    }
}
