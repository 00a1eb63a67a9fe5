package dev.tether.servlet.testing;

import java.net.URI;

/**
 * A started container serving one web application at the root context, on 127.0.0.1 and a port
 * chosen by the OS. {@link #close()} stops it and returns once its port is released.
 */
public interface RunningServer extends AutoCloseable {

    /** The container's name, e.g. {@code "Jetty 12.1.8"}, for test display names and messages. */
    String name();

    /** The port the OS gave the connector. */
    int port();

    /** {@code http://127.0.0.1:port} followed by {@code path} (which starts with '/' and may have a query). */
    default URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** {@code ws://127.0.0.1:port} followed by {@code path}. */
    default URI wsUri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** Stops the container and waits for it: connections closed, port released. */
    @Override
    void close();
}
