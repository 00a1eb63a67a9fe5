package dev.tether.bench;

import dev.tether.message.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Validating 64 KiB of UTF-8 text held in a heap buffer: Tether's {@link Utf8Validator} against
 * Jetty 12.1's validator, the JDK's decoder, and {@link System#arraycopy} of the same bytes (the
 * memory-bandwidth ceiling).
 *
 * <p>Jetty validates incoming text frames in its {@code ValidationExtension} with
 * {@code org.eclipse.jetty.websocket.core.internal.NullAppendable}, a {@link Utf8StringBuilder}
 * that keeps no characters: per frame it calls {@code append(ByteBuffer)}, then
 * {@code complete()} on the last frame, then {@code hasCodingErrors()}. {@link #jettyValidate}
 * makes exactly those calls on one message. The class is not exported from Jetty's module, so it is
 * created reflectively in {@link #setUp} and called through its public supertype; JMH runs on the
 * class path, where that is allowed. {@link #jettyDecode} is what Jetty's text message sinks do
 * with the same bytes: decode them into a String with a plain {@link Utf8StringBuilder}.
 *
 * <p>Scores are operations per second; one operation handles {@value #SIZE} bytes, so bytes/s is
 * score × {@value #SIZE}. Every benchmark returns its result so nothing is dead code.
 *
 * <p>Run: {@code mvn -B -pl core -Pbench test-compile exec:exec -Dbench.args="Utf8ValidationBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Utf8ValidationBenchmark {
    static final int SIZE = 64 * 1024;
    private static final String ASCII_SAMPLE =
            "The quick brown fox jumps over the lazy dog; {\"id\": 42, \"ok\": true}\n";
    // Greek, Cyrillic, CJK and emoji: 2-, 3- and 4-byte characters, with spaces between words.
    private static final String MIXED_SAMPLE =
            "Καλημέρα κόσμε Привет мир 你好世界 こんにちは \uD83D\uDE00\uD83C\uDF0D\uD83D\uDE80 ";

    @Param({"ascii", "mixed"})
    public String text;

    private ByteBuffer tetherBuffer;
    private Utf8Validator tetherValidator;
    private byte[] copySource;
    private byte[] copyTarget;
    private ByteBuffer jettyBuffer;
    private Utf8StringBuilder jettyValidator;
    private Utf8StringBuilder jettyDecoder;

    @Setup
    public void setUp() throws ReflectiveOperationException {
        byte[] bytes = textOfExactly(SIZE, "ascii".equals(text) ? ASCII_SAMPLE : MIXED_SAMPLE);
        if (!Utf8Validator.isValid(bytes, 0, bytes.length)) {
            throw new IllegalStateException("benchmark text is not valid UTF-8");
        }
        tetherBuffer = ByteBuffer.wrap(bytes.clone());
        tetherValidator = new Utf8Validator();
        copySource = bytes.clone();
        copyTarget = new byte[SIZE];
        jettyBuffer = ByteBuffer.wrap(bytes.clone());
        jettyValidator = (Utf8StringBuilder) Class
                .forName("org.eclipse.jetty.websocket.core.internal.NullAppendable")
                .getConstructor()
                .newInstance();
        jettyDecoder = new Utf8StringBuilder(SIZE);
    }

    /** Whole copies of {@code sample}, then spaces up to exactly {@code size} bytes: valid UTF-8. */
    private static byte[] textOfExactly(int size, String sample) {
        byte[] unit = sample.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[size];
        int at = 0;
        for (; at + unit.length <= size; at += unit.length) {
            System.arraycopy(unit, 0, bytes, at, unit.length);
        }
        for (; at < size; at++) {
            bytes[at] = ' ';
        }
        return bytes;
    }

    @Benchmark
    public boolean tetherValidate() {
        tetherValidator.reset();
        return tetherValidator.update(tetherBuffer) && tetherValidator.isComplete();
    }

    @Benchmark
    public byte[] arraycopy() {
        System.arraycopy(copySource, 0, copyTarget, 0, SIZE);
        return copyTarget;
    }

    @Benchmark
    public boolean jettyValidate() {
        jettyValidator.reset();
        jettyBuffer.clear(); // append(ByteBuffer) consumes the buffer
        jettyValidator.append(jettyBuffer);
        jettyValidator.complete();
        return !jettyValidator.hasCodingErrors();
    }

    @Benchmark
    public String jettyDecode() {
        jettyDecoder.reset();
        jettyBuffer.clear();
        jettyDecoder.append(jettyBuffer);
        return jettyDecoder.toCompleteString();
    }

    @Benchmark
    public String jdkNewString() {
        return new String(copySource, StandardCharsets.UTF_8);
    }
}
