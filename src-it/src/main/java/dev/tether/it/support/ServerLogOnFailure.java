package dev.tether.it.support;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the tail of the server's log when a test fails; the test class says which server. */
public final class ServerLogOnFailure implements TestWatcher {
    /** Implemented by test classes that run against a distribution. */
    public interface HasServer {
        Distribution server();
    }

    private static final int LINES = 80;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Optional<Object> instance = context.getTestInstance();
        if (instance.isPresent() && instance.get() instanceof HasServer has && has.server() != null) {
            Distribution server = has.server();
            String test = context.getTestMethod().map(m -> m.getName() + " ").orElse("") + context.getDisplayName();
            System.out.println("[src-it] " + test + " failed on " + server
                    + "; last " + LINES + " lines of " + server.log() + ":\n" + server.tail(LINES) + "\n[src-it] end of log");
        }
    }
}
