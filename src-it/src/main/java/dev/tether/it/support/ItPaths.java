package dev.tether.it.support;

import java.nio.file.Path;

/** The paths the build passes to the tests as system properties (src-it/pom.xml, failsafe). */
public final class ItPaths {
    private ItPaths() {
    }

    /** The path in system property {@code name}; fails with a hint when the tests run outside Maven. */
    public static Path property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name
                    + " is not set: run these tests through Maven (mvn -B verify, or mvn -B -pl src-it -am verify)");
        }
        return Path.of(value).toAbsolutePath();
    }
}
