package dev.tether.bench;

import dev.tether.driver.hybi.Masking;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Unmasking a heap payload in place: Tether's {@link Masking#unmask} against Jetty 12.1's
 * {@link Frame#demask()} and against {@link System#arraycopy} of the same number of bytes (the
 * memory-bandwidth ceiling: a copy reads and writes every byte once, as unmasking does).
 *
 * <p>Scores are operations per second; one operation handles {@code size} bytes, so bytes/s is
 * score × size. Every operation XORs the same buffer again, which alternately masks and unmasks
 * it: the work per operation is identical either way, and nothing needs resetting in between.
 * Results stay observable because the benchmarks write into {@link State} buffers JMH keeps
 * alive, and {@link #jettyDemask} also returns the frame.
 *
 * <p>Run: {@code mvn -B -pl core -Pbench test-compile exec:exec -Dbench.args="MaskingBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskingBenchmark {
    private static final byte[] MASK_BYTES = {0x37, (byte) 0xfa, 0x21, 0x3d};
    private static final int MASK_KEY = 0x37fa213d;

    @Param({"64", "1024", "65536"})
    public int size;

    private ByteBuffer payload;
    private byte[] copySource;
    private byte[] copyTarget;
    private ByteBuffer jettyPayload;
    private Frame jettyFrame;
    private byte[] jettyMask;

    @Setup
    public void setUp() {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        payload = ByteBuffer.wrap(bytes.clone());
        copySource = bytes.clone();
        copyTarget = new byte[size];
        jettyPayload = ByteBuffer.wrap(bytes.clone());
        jettyMask = new byte[4];
        jettyFrame = new Frame(OpCode.BINARY, true, jettyPayload);
    }

    @Benchmark
    public ByteBuffer tetherUnmask() {
        Masking.unmask(payload, MASK_KEY, 0);
        return payload;
    }

    @Benchmark
    public byte[] arraycopy() {
        System.arraycopy(copySource, 0, copyTarget, 0, size);
        return copyTarget;
    }

    /**
     * Jetty's parser calls {@code Frame.demask()} once per parsed frame (from the
     * {@code Frame.Parsed} constructor). {@code demask()} zero-fills the mask array when it is
     * done, so each operation first restores the 4 key bytes into the frame's mask array (a 4-byte
     * copy, no allocation) and then demasks the whole payload: what is measured is
     * {@code demask()} over {@code size} bytes plus that 4-byte copy.
     */
    @Benchmark
    public Frame jettyDemask() {
        System.arraycopy(MASK_BYTES, 0, jettyMask, 0, 4);
        jettyFrame.setMask(jettyMask);
        jettyFrame.demask();
        return jettyFrame;
    }
}
