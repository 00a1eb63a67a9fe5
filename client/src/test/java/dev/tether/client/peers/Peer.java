package dev.tether.client.peers;

import java.net.URI;

/** A running WebSocket server the client is specified against, echoing and obeying the {@code !commands}. */
public interface Peer extends AutoCloseable {
    /** Its name, for test display names. */
    String name();

    /** {@code ws://127.0.0.1:port} (or {@code wss://}) followed by {@code path}. */
    URI uri(String path);

    @Override
    void close();
}
