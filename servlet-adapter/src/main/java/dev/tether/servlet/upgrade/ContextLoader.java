package dev.tether.servlet.upgrade;

import java.util.function.Supplier;

/**
 * Runs a call into the application with its class loader as the thread's context loader: the
 * container routes call the connection (and so its listener) from container threads that have
 * none of the application's bound (Tomcat binds none for its internal upgrade handlers; Undertow's
 * I/O and worker threads have their own).
 */
final class ContextLoader {
    private ContextLoader() {
    }

    static void run(ClassLoader loader, Runnable call) {
        get(loader, () -> {
            call.run();
            return null;
        });
    }

    static <T> T get(ClassLoader loader, Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (previous == loader) {
            return call.get();
        }
        thread.setContextClassLoader(loader);
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
