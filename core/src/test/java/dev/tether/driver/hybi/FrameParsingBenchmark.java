package dev.tether.driver.hybi;

import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.internal.Parser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Parsing a read buffer full of small masked client frames (64-byte binary payloads, 70 bytes on the
 * wire): Tether's {@link FrameParser} against Jetty 12.1's own {@code Parser}, both validating each
 * header and unmasking each payload in place, and a plain copy of the same bytes for scale.
 *
 * <p>Every invocation first restores the masked input with one {@code System.arraycopy} (both
 * parsers unmask in place), so {@link #copyOnly} is the floor under both. Scores are frames per
 * second.
 *
 * <p>Run: {@code mvn -B -pl core -Pbench test-compile exec:exec -Dbench.args="FrameParsingBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameParsingBenchmark {
    static final int FRAMES = 1000;
    private static final int PAYLOAD = 64;

    private byte[] pristine;
    private ByteBuffer input;
    private FrameParser tether;
    private Parser jetty;
    private Blackhole blackhole;

    @Setup
    public void setUp(Blackhole bh) {
        this.blackhole = bh;
        Random random = new Random(64);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES; i++) {
            byte[] payload = new byte[PAYLOAD];
            random.nextBytes(payload);
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            wire.write(0x82);
            wire.write(0x80 | PAYLOAD);
            wire.writeBytes(mask);
            for (int j = 0; j < PAYLOAD; j++) {
                wire.write(payload[j] ^ mask[j & 3]);
            }
        }
        pristine = wire.toByteArray();
        input = ByteBuffer.allocate(pristine.length);
        tether = new FrameParser(Role.SERVER, 1 << 20, new FrameParser.FrameSink() {
            @Override
            public void dataFrameStart(int opcode, boolean fin, int rsv, long length) {
                blackhole.consume(length);
            }

            @Override
            public void dataPayload(ByteBuffer chunk) {
                blackhole.consume(chunk.get(chunk.position()));
            }

            @Override
            public void dataFrameEnd(boolean fin) {
                blackhole.consume(fin);
            }

            @Override
            public void controlFrame(int opcode, ByteBuffer payload) {
                blackhole.consume(payload);
            }
        });
        jetty = new Parser(new ArrayByteBufferPool());
    }

    private ByteBuffer restoredInput() {
        System.arraycopy(pristine, 0, input.array(), 0, pristine.length);
        return input.clear();
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void copyOnly(Blackhole bh) {
        bh.consume(restoredInput());
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void tetherFrameParser() throws ProtocolException {
        tether.parse(restoredInput());
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void jettyParser(Blackhole bh) {
        ByteBuffer buffer = restoredInput();
        Frame.Parsed frame;
        while ((frame = jetty.parse(buffer)) != null) {
            bh.consume(frame.getPayload().get(frame.getPayload().position()));
            frame.close();
        }
    }
}
