package dev.tether.client.peers;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the client module's test files (node peers, certificates) wherever the tests run from. */
final class TestFiles {
    private TestFiles() {
    }

    /**
     * The client module's directory: Maven's {@code basedir} (surefire sets it, and runs the tests
     * there), or {@code ../client} beside it (another module's tests using these peers), else the
     * working directory if it is the module, else {@code client/} under it (an IDE running from the
     * repository root).
     */
    static Path moduleDir() {
        String basedir = System.getProperty("basedir");
        if (basedir != null && Files.exists(Path.of(basedir, "src", "test", "node", "peer-server.js"))) return Path.of(basedir);
        if (basedir != null && Files.exists(Path.of(basedir, "..", "client", "src", "test", "node", "peer-server.js"))) {
            return Path.of(basedir, "..", "client").normalize();
        }
        Path here = Path.of("").toAbsolutePath();
        if (Files.isDirectory(here.resolve("src/test/node"))) return here;
        if (Files.isDirectory(here.resolve("client/src/test/node"))) return here.resolve("client");
        throw new IllegalStateException("cannot find the client module's src/test/node from " + here
                + " (basedir=" + basedir + "): run the tests from the repository root or the client module");
    }
}
