package dev.tether.servlet.upgrade;

import dev.tether.runtime.Output;
import dev.tether.runtime.Transport;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Echoes every byte back through the transport it is started on, with backpressure: it wants no
 * input while its last echo is being written, and asks for input again once it is. It closes the
 * transport when the input ends (after the last echo), aborts it when it fails. Reports to
 * {@link UpgradeEvents}.
 */
final class EchoInbound implements ContainerUpgrade.Upgraded, Transport.Inbound {
    private final UpgradeEvents events;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Transport transport;
    private volatile boolean writing;
    private volatile boolean inputEnded;

    EchoInbound(UpgradeEvents events) {
        this.events = events;
    }

    @Override
    public void start(Transport t) {
        events.record("start " + t.getClass().getName());
        transport = t;
        t.start(this);
        events.started.countDown();
    }

    @Override
    public void startFailed(Throwable cause) {
        events.record("start failed " + cause);
        events.startFailed.countDown();
    }

    @Override
    public boolean wantsInput() {
        return !writing && !closed.get();
    }

    @Override
    public void onInput(ByteBuffer bytes) {
        events.largestRead.accumulateAndGet(bytes.remaining(), Math::max);
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip(); // valid only during the call
        writing = true;
        transport.write(new ByteBuffer[] {copy}, new Output.WriteCallback() {
            @Override
            public void written() {
                writing = false;
                if (inputEnded) {
                    close();
                } else {
                    transport.demand();
                }
            }

            @Override
            public void failed(Throwable error) {
                events.record("write failed " + error);
                abort();
            }
        });
    }

    @Override
    public void onEndOfInput() {
        events.record("end of input");
        inputEnded = true;
        if (!writing) {
            close();
        }
    }

    @Override
    public void onFailure(Throwable error) {
        if (!closed.get()) {
            events.record("failure " + error);
        }
        abort();
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            events.record("close");
            transport.close();
            events.closed.countDown();
        }
    }

    private void abort() {
        if (closed.compareAndSet(false, true)) {
            events.record("abort");
            transport.abort();
            events.closed.countDown();
        }
    }
}
