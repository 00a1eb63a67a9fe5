package dev.tether.api;

import java.io.IOException;
import java.io.Writer;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * One text message written as a stream of characters, sent in fragments as {@link MessageOutputStream}
 * does. A fragment never ends between the two halves of a surrogate pair, so every fragment is
 * valid UTF-8 on its own. Blocking: not for container threads.
 */
final class MessageWriter extends Writer {
    private final WebSocket socket;
    private final StringBuilder chunk = new StringBuilder();
    private final int chunkChars;
    private CompletionStage<Void> previous;
    private boolean closed;

    MessageWriter(WebSocket socket, int chunkChars) {
        if (chunkChars < 2) {
            throw new IllegalArgumentException("chunk size must be at least 2 characters: " + chunkChars);
        }
        this.socket = Objects.requireNonNull(socket, "socket");
        this.chunkChars = chunkChars;
    }

    @Override
    public void write(char[] buffer, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buffer.length);
        if (closed) {
            throw new IOException("the message was already sent (writer closed)");
        }
        for (int i = off; i < off + len; i++) {
            chunk.append(buffer[i]);
            if (chunk.length() >= chunkChars && !Character.isHighSurrogate(buffer[i])) {
                sendChunk(false);
            }
        }
    }

    @Override
    public void flush() {
        // Fragments go out as chunks fill; the message ends at close().
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        sendChunk(true);
        closed = true;
        MessageOutputStream.await(previous);
    }

    private void sendChunk(boolean last) throws IOException {
        MessageOutputStream.await(previous);
        previous = socket.sendPart(chunk.toString(), last);
        chunk.setLength(0);
    }
}
