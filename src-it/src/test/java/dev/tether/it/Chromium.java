package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.it.support.ItPaths;
import dev.tether.it.support.NodeClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** What the tests that drive the page in headless Chromium (node/browser.mjs) share. */
final class Chromium {
    /** Debian's Chromium, or the one TETHER_CHROMIUM names (browser.mjs reads the same variable). */
    private static final Path EXECUTABLE = Path.of(System.getenv().getOrDefault("TETHER_CHROMIUM", "/usr/bin/chromium"));

    private Chromium() {
    }

    /** Where a test's screenshots go: src-it/target/screenshots/{@code dir}; fails when Chromium is missing. */
    static Path screenshots(String dir) throws Exception {
        if (!Files.isExecutable(EXECUTABLE)) {
            fail("the browser tests need Chromium at " + EXECUTABLE + ": install it with `apt-get install chromium` "
                    + "(Debian's package; .ci/run installs it in CI), or name another in TETHER_CHROMIUM");
        }
        Path path = ItPaths.property("tether.it.screenshots").resolve(dir);
        Files.createDirectories(path);
        return path;
    }

    /** The browser asked for nothing beyond 127.0.0.1, and the page threw nothing. */
    static void assertClean(NodeClient.Run run) {
        assertEquals(List.of(), run.only("offsite").get("urls"), () -> "the browser asked for nothing beyond 127.0.0.1\n" + run);
        assertEquals(List.of(), run.only("pageErrors").get("errors"), () -> "the page threw\n" + run);
    }

    /** The run saved each of {@code names} in {@code dir}, as real pictures. */
    static void assertScreenshots(NodeClient.Run run, Path dir, String... names) throws Exception {
        List<Object> saved = run.events("screenshot").stream().map(e -> e.get("file")).collect(Collectors.toList());
        for (String name : names) {
            Path file = dir.resolve(name);
            assertTrue(saved.contains(file.toString()), () -> name + " was saved\n" + run);
            assertTrue(Files.size(file) > 10_000, () -> file + " is a real screenshot");
        }
    }
}
