package dev.tether.servlet.upgrade;

import dev.tether.runtime.Output;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** How a write ended: -1 for all of it, the bytes for a write of frames ended early, or the failure. */
final class WriteEnd implements Output.WriteCallback {
    /** Where the write ended, once it has. */
    final CompletableFuture<Long> ended = new CompletableFuture<>();

    @Override
    public void written() {
        ended.complete(-1L);
    }

    @Override
    public void writtenUpTo(long bytes) {
        ended.complete(bytes);
    }

    @Override
    public void failed(Throwable error) {
        ended.completeExceptionally(error);
    }

    /** Waits for the end, {@code timeout} at most. */
    long await(Duration timeout) throws Exception {
        return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
