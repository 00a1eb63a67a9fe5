package dev.tether.it.support;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the tail of the servers' logs when a test fails; the test class says which servers. */
public final class ServerLogOnFailure implements TestWatcher {
    /** Implemented by test classes that run against several distributions at once (a cluster). */
    public interface HasServers {
        /** The distributions started so far. */
        List<Distribution> servers();
    }

    /** Implemented by test classes that run against one distribution. */
    public interface HasServer extends HasServers {
        Distribution server();

        @Override
        default List<Distribution> servers() {
            return server() == null ? List.of() : List.of(server());
        }
    }

    private static final int LINES = 80;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Optional<Object> instance = context.getTestInstance();
        if (instance.isEmpty() || !(instance.get() instanceof HasServers has)) return;
        String test = context.getTestMethod().map(m -> m.getName() + " ").orElse("") + context.getDisplayName();
        for (Distribution server : has.servers()) {
            System.out.println("[src-it] " + test + " failed on " + server
                    + "; last " + LINES + " lines of " + server.log() + ":\n" + server.tail(LINES) + "\n[src-it] end of log");
        }
    }
}
