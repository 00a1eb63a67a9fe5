package dev.tether.driver.hybi;

import dev.tether.driver.DriverEvents;
import dev.tether.driver.DriverOptions;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.Extensions;
import dev.tether.message.BufferPool;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Receiving one 1 MiB masked binary message the way the servlet adapter feeds it: 64 KiB reads,
 * each copied into one reused read buffer first (as a socket read into it would), then handed to a
 * server {@link HybiDriver}, which parses, unmasks and assembles the message into a new array the
 * application keeps, or ({@code lending} heap or direct) into a buffer lent from a {@link BufferPool}
 * and given back once consumed. Beside it, the floor under any receiver that hands out new arrays:
 * allocating the 1 MiB array and copying the reads into it, nothing else (the same whatever
 * {@code lending} says).
 *
 * <p>Scores are messages per second (× 1 MiB = bytes per second). The driver unmasks in place in
 * the read buffer; every read is copied afresh from the untouched wire bytes, so nothing needs
 * restoring between operations.
 *
 * <p>Run: {@code mvn -B -pl core -Pbench test-compile exec:exec -Dbench.args="LargeMessageBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LargeMessageBenchmark {
    private static final int PAYLOAD = 1 << 20;
    private static final int READ = 64 * 1024;

    private byte[] wire;
    private final byte[] readBuffer = new byte[READ];
    private HybiDriver driver;
    private Blackhole blackhole;
    private BufferPool pool;

    /** Where the message's buffer comes from: a new array ({@code none}), or a heap or direct pool. */
    @Param({"none", "heap", "direct"})
    public String lending;

    @Setup
    public void setUp(Blackhole bh) {
        this.blackhole = bh;
        byte[] payload = new byte[PAYLOAD];
        new Random(1).nextBytes(payload);
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        ByteBuffer frame = ByteBuffer.allocate(14 + PAYLOAD);
        frame.put((byte) 0x82).put((byte) (0x80 | 127)).putLong(PAYLOAD).put(mask);
        for (int i = 0; i < PAYLOAD; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        wire = frame.array();
        pool = lending.equals("none") ? null : new BufferPool(lending.equals("direct"), 4 << 20, 64 << 20);
        driver = new HybiDriver(Role.SERVER, 13, DriverOptions.DEFAULT_MAX_LENGTH,
                new Extensions(List.of(), new ExtensionContext(Role.SERVER, DriverOptions.DEFAULT_MAX_LENGTH)),
                null, () -> 0, new DriverEvents() {
                    @Override
                    public void onBinary(ByteBuffer data) {
                        blackhole.consume(data);
                        if (pool != null) {
                            pool.release(data);
                        }
                    }

                    // A driver that failed would drop the input from then on, and score absurdly high.
                    @Override
                    public void onError(ProtocolException error) {
                        throw new IllegalStateException("the benchmark's input was refused", error);
                    }
                }, (kind, buffers) -> { }, pool);
        driver.start();
    }

    @Benchmark
    public void tetherReceive() {
        for (int at = 0; at < wire.length; at += READ) {
            int n = Math.min(READ, wire.length - at);
            System.arraycopy(wire, at, readBuffer, 0, n);
            driver.parse(ByteBuffer.wrap(readBuffer, 0, n));
        }
    }

    @Benchmark
    public byte[] allocateAndCopy() {
        byte[] message = new byte[PAYLOAD];
        for (int at = 0; at < PAYLOAD; at += READ) {
            System.arraycopy(wire, at, readBuffer, 0, READ);
            System.arraycopy(readBuffer, 0, message, at, READ);
        }
        return message;
    }
}
