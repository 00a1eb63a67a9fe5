package dev.tether.runtime.sse;

import dev.tether.runtime.Output;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An output the test drives by hand, as a client reading at its own pace: each write takes its
 * bytes at once, and is reported written at once when {@code writesAtOnce}, else when the test
 * calls {@link #completeWrite()} (the socket took it) or {@link #failWrite} (the client is gone).
 */
final class FakeOutput implements Output {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private boolean writesAtOnce;
    private int writes;
    private WriteCallback pending;

    FakeOutput writesAtOnce(boolean atOnce) {
        synchronized (this) {
            this.writesAtOnce = atOnce;
        }
        return this;
    }

    @Override
    public void write(ByteBuffer[] buffers, WriteCallback callback) {
        boolean now;
        synchronized (this) {
            if (pending != null) {
                throw new AssertionError("a write while another is in progress");
            }
            for (ByteBuffer b : buffers) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                written.writeBytes(bytes);
            }
            writes++;
            now = writesAtOnce;
            if (!now) {
                pending = callback;
            }
        }
        if (now) {
            callback.written();
        }
    }

    /** The socket took the write in progress; false when there was none. */
    boolean completeWrite() {
        WriteCallback callback;
        synchronized (this) {
            callback = pending;
            pending = null;
        }
        if (callback == null) {
            return false;
        }
        callback.written();
        return true;
    }

    /** The socket took {@code bytes} more of the write in progress, not all of it yet. */
    void progress(long bytes) {
        WriteCallback callback;
        synchronized (this) {
            callback = pending;
        }
        callback.progressed(bytes);
    }

    /** Completes writes until none is left in progress. */
    void completeAll() {
        while (completeWrite()) {
            // the next queued write begins inside the callback
        }
    }

    /** The write in progress fails: the client is gone. */
    void failWrite(Throwable error) {
        WriteCallback callback;
        synchronized (this) {
            callback = pending;
            pending = null;
        }
        callback.failed(error);
    }

    synchronized boolean writing() {
        return pending != null;
    }

    synchronized int writes() {
        return writes;
    }

    /** Everything written so far, as text. */
    synchronized String text() {
        return written.toString(StandardCharsets.UTF_8);
    }

    /** The events written so far (blank-line separated blocks), comments and retry included. */
    synchronized List<String> blocks() {
        List<String> blocks = new ArrayList<>();
        for (String block : text().split("\n\n")) {
            if (!block.isEmpty()) blocks.add(block);
        }
        return blocks;
    }

    /** The ids of the events written so far, in order. */
    synchronized List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (String line : text().split("\n")) {
            if (line.startsWith("id: ")) ids.add(line.substring(4));
        }
        return ids;
    }
}
