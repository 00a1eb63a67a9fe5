package dev.tether.bench.client;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One WebSocket client library as the client benchmark drives it: open a connection, send the same
 * binary payload again and again, hear whole binary messages come back, close. {@link ClientProcess}
 * builds the scenarios on these few calls, so each library's class is only the glue to its API, used
 * the way its documentation shows, with the settings a benchmark on 127.0.0.1 needs (message size,
 * idle timeout, connection limits, TCP_NODELAY) said where they are set.
 */
public interface ClientDriver {
    /** The kinds {@link #create} knows, in the order the benchmark runs them. */
    List<String> KINDS = List.of("tether", "jdk", "jetty", "okhttp", "java-websocket");

    /**
     * Starts a connection to {@code uri}; the future completes once it is open, or fails. Every
     * {@link Connection#send()} on it sends {@code payload}, which nobody changes.
     */
    CompletableFuture<Connection> connect(URI uri, byte[] payload, Handler handler);

    /** One open connection; its methods may be called from any thread, the handler's included. */
    interface Connection {
        /** Sends the payload as one binary message; a failure goes to the handler's {@code onError}. */
        void send();

        /** Starts the close handshake (1000); {@link Handler#onClosed} follows. */
        void close();
    }

    /** A connection's events, one at a time for one connection. */
    interface Handler {
        /** A whole binary message of the payload's length arrived. */
        void onMessage(Connection connection);

        /** The connection is over. */
        void onClosed(Connection connection);

        /** A send failed, a message of another length or kind arrived, or the connection failed. */
        void onError(Connection connection, Throwable error);
    }

    /** Stops the library's threads; the connections must have been closed. */
    void shutdown() throws Exception;

    static ClientDriver create(String kind) throws Exception {
        return switch (kind) {
            case "tether" -> new TetherDriver();
            case "jdk" -> new JdkDriver();
            case "jetty" -> new JettyDriver();
            case "okhttp" -> new OkHttpDriver();
            case "java-websocket" -> new JavaWebSocketDriver();
            default -> throw new IllegalArgumentException("unknown client " + kind + "; known: " + KINDS);
        };
    }

    /** The error for a message that is not the payload echoed. */
    static IllegalStateException unexpected(String what, int bytes, int expected) {
        return new IllegalStateException("unexpected " + what + " message of " + bytes + " bytes (expected binary, " + expected + ")");
    }
}
