package dev.tether.runtime.connection;

import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.message.MessageType;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Listeners for the streamed-message specifications: every message as a stream, read as each test needs. */
final class StreamListeners {
    private StreamListeners() {
    }

    /** What a test does with a binary message's stream. */
    @FunctionalInterface
    interface Reading {
        void read(WebSocket socket, InputStream message) throws IOException;
    }

    /** Receives every message as a stream; binary ones go to {@code reading}. */
    static WebSocketListener streaming(Reading reading) {
        return new WebSocketListener() {
            @Override
            public ReceiveMode receiveMode(MessageType type) {
                return ReceiveMode.STREAM;
            }

            @Override
            public void onBinaryStream(WebSocket socket, InputStream message) throws IOException {
                reading.read(socket, message);
            }
        };
    }

    /**
     * Reads each binary message whole once {@code go} is counted down, completing {@code outcome} with
     * its length, or with the {@link IOException} reading it failed with (then thrown on, as a reader would).
     */
    static WebSocketListener readingAllAfter(CountDownLatch go, CompletableFuture<Object> outcome) {
        return streaming((socket, message) -> {
            await(go);
            try {
                outcome.complete(message.readAllBytes().length);
            } catch (IOException e) {
                outcome.complete(e);
                throw e;
            }
        });
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("not counted down within 10 s");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
