package dev.tether.fuzz;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

/**
 * Every fuzz target of the core: a class beside what it fuzzes with a
 * {@code public static void fuzzerTestOneInput(byte[])} that checks the invariants for any input and
 * throws when one breaks. {@link FuzzCorpusTest} runs each over its committed corpus in every build;
 * {@link Fuzz} runs Jazzer on them, on demand.
 */
public final class FuzzTargets {
    public static final List<Class<?>> ALL = List.of(
            dev.tether.driver.hybi.FrameParserFuzz.class,
            dev.tether.extension.deflate.InflateFuzz.class,
            dev.tether.handshake.ServerHandshakeFuzz.class,
            dev.tether.driver.handshake.ResponseHeadFuzz.class,
            dev.tether.extension.ExtensionHeaderFuzz.class,
            dev.tether.sse.EventStreamFuzz.class,
            dev.tether.message.Utf8Fuzz.class,
            dev.tether.driver.hixie.HixieFramingFuzz.class);

    private FuzzTargets() {
    }

    /** Where a target's committed corpus lies: seeds, and every input a finding was fixed for. */
    public static Path corpus(Class<?> target) {
        return Path.of("src/test/resources/fuzz", target.getSimpleName());
    }

    /** Runs {@code target} on one input, rethrowing what it threw. */
    public static void run(Class<?> target, byte[] input) throws Throwable {
        Method method = target.getMethod("fuzzerTestOneInput", byte[].class);
        try {
            method.invoke(null, (Object) input);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
