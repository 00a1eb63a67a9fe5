package dev.tether.fuzz;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fuzz targets in regression mode: each run over every input of its committed corpus (its seeds
 * and the inputs of every finding fixed), and over the empty input. Fast, and in every build.
 */
class FuzzCorpusTest {

    @TestFactory
    Stream<DynamicTest> everyTargetOverItsCorpus() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Class<?> target : FuzzTargets.ALL) {
            Path corpus = FuzzTargets.corpus(target);
            assertTrue(Files.isDirectory(corpus), "no corpus for " + target.getSimpleName() + " at " + corpus.toAbsolutePath());
            tests.add(DynamicTest.dynamicTest(target.getSimpleName() + ": empty input", () -> FuzzTargets.run(target, new byte[0])));
            try (Stream<Path> inputs = Files.list(corpus)) {
                for (Path input : inputs.sorted().toList()) {
                    tests.add(DynamicTest.dynamicTest(target.getSimpleName() + ": " + input.getFileName(),
                            () -> FuzzTargets.run(target, Files.readAllBytes(input))));
                }
            }
        }
        return tests.stream();
    }
}
