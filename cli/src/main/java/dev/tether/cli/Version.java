package dev.tether.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code tether --version}: the version the jar was built as, and the Java it runs on. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Version.class.getPackage().getImplementationVersion();
        return new String[]{
                "tether " + (version != null ? version : "(development build)"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}
