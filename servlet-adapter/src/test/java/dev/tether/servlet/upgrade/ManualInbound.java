package dev.tether.servlet.upgrade;

import dev.tether.runtime.Output;
import dev.tether.runtime.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport's user that a test drives by hand: it wants input only while {@link #wants} is set,
 * and records what the transport tells it, and whether two calls ever overlapped.
 */
final class ManualInbound implements ContainerUpgrade.Upgraded, Transport.Inbound {
    final CompletableFuture<Transport> started = new CompletableFuture<>();
    final CompletableFuture<Throwable> startFailed = new CompletableFuture<>();
    /** "input", "end of input" or "failure ...", one per call. */
    final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    /** Counted down when the transport asked for input and was told no. */
    final CountDownLatch refused = new CountDownLatch(1);
    final AtomicInteger overlappingCalls = new AtomicInteger();
    /** The most bytes one onInput brought. */
    final AtomicInteger largestInput = new AtomicInteger();
    volatile boolean wants = true;
    /** Thrown by the next onInput, as an application's listener might (out of memory …). */
    volatile Error throwOnInput;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final AtomicInteger inside = new AtomicInteger();

    /** The transport, once started; fails after {@code timeout}. */
    Transport awaitStarted(Duration timeout) throws Exception {
        return started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void start(Transport transport) {
        transport.start(this);
        started.complete(transport);
    }

    @Override
    public void startFailed(Throwable cause) {
        startFailed.complete(cause);
    }

    @Override
    public boolean wantsInput() {
        boolean yes = wants;
        if (!yes) {
            refused.countDown();
        }
        return yes;
    }

    @Override
    public void onInput(ByteBuffer bytes) {
        Error error = throwOnInput;
        if (error != null) {
            throwOnInput = null;
            throw error;
        }
        enter();
        largestInput.accumulateAndGet(bytes.remaining(), Math::max);
        synchronized (received) {
            while (bytes.hasRemaining()) {
                received.write(bytes.get());
            }
        }
        calls.add("input");
        leave();
    }

    @Override
    public void onEndOfInput() {
        enter();
        calls.add("end of input");
        leave();
    }

    @Override
    public void onFailure(Throwable error) {
        enter();
        calls.add("failure " + error);
        leave();
    }

    /** All bytes received so far. */
    byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** A write callback that completes {@code done}. */
    static Output.WriteCallback completing(CompletableFuture<Void> done) {
        return new Output.WriteCallback() {
            @Override
            public void written() {
                done.complete(null);
            }

            @Override
            public void failed(Throwable error) {
                done.completeExceptionally(error);
            }
        };
    }

    private void enter() {
        if (inside.incrementAndGet() != 1) {
            overlappingCalls.incrementAndGet();
        }
    }

    private void leave() {
        inside.decrementAndGet();
    }
}
