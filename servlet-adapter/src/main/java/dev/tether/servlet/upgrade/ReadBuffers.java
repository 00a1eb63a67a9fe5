package dev.tether.servlet.upgrade;

import java.nio.ByteBuffer;

/**
 * The read buffer of the thread that reads a connection, for the container routes that read the
 * socket themselves (Tomcat's, Undertow's): one per thread, not per connection, so idle connections
 * hold none; 4 KiB at first, doubled when a read fills it, up to the connection's read buffer size.
 * A buffer is used only within one read and its delivery ({@code Inbound.onInput} consumes it).
 */
final class ReadBuffers {
    private static final ThreadLocal<ByteBuffer> BUFFERS = new ThreadLocal<>();
    private static final int FIRST_BUFFER = 4 * 1024;

    private ReadBuffers() {
    }

    /** The calling thread's buffer: at most {@code readBufferSize} bytes. */
    static ByteBuffer forThisThread(int readBufferSize) {
        ByteBuffer buffer = BUFFERS.get();
        if (buffer == null) {
            buffer = ByteBuffer.allocate(Math.min(FIRST_BUFFER, readBufferSize));
            BUFFERS.set(buffer);
        }
        return buffer;
    }

    /** A read filled the calling thread's buffer of {@code filled} bytes: one twice as large (at most {@code readBufferSize}) replaces it. */
    static ByteBuffer grown(int filled, int readBufferSize) {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(2L * filled, readBufferSize));
        BUFFERS.set(buffer);
        return buffer;
    }
}
