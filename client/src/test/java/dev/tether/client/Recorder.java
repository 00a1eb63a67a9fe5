package dev.tether.client;

import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client listener that writes down what it hears, one line per event ({@code open},
 * {@code text:…}, {@code binary:<length>}, {@code ping:…}, {@code pong:…},
 * {@code close:<code>:<reason>:<clean|unclean>}, {@code error:…}), for tests to take in order.
 */
class Recorder implements WebSocketListener {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();
    final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

    @Override
    public void onOpen(WebSocket socket) {
        events.add("open");
    }

    @Override
    public void onText(WebSocket socket, String text) {
        events.add("text:" + text);
    }

    @Override
    public void onBinary(WebSocket socket, ByteBuffer data) {
        binaries.add(ByteBuffer.allocate(data.remaining()).put(data).flip());
        events.add("binary:" + binaries.peek().remaining());
    }

    @Override
    public void onPing(WebSocket socket, ByteBuffer payload) {
        events.add("ping:" + StandardCharsets.UTF_8.decode(payload));
    }

    @Override
    public void onPong(WebSocket socket, ByteBuffer payload) {
        events.add("pong:" + StandardCharsets.UTF_8.decode(payload));
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
        events.add("error:" + error);
    }

    @Override
    public void onClose(WebSocket socket, CloseStatus status) {
        events.add("close:" + status.code() + ":" + status.reason() + ":" + (status.wasClean() ? "clean" : "unclean"));
        closed.complete(status);
    }

    /** The next event, waiting a bounded time. */
    String next() throws InterruptedException {
        String event = events.poll(20, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("no event within 20 s");
        }
        return event;
    }

    /** The next event that is not a ping or pong (keepalive traffic, which some servers send). */
    String nextMessage() throws InterruptedException {
        String event;
        do {
            event = next();
        } while (event.startsWith("ping:") || event.startsWith("pong:"));
        return event;
    }

    /** The next binary message's bytes, waiting a bounded time. */
    ByteBuffer nextBinary() throws InterruptedException {
        ByteBuffer data = binaries.poll(20, TimeUnit.SECONDS);
        if (data == null) {
            throw new AssertionError("no binary message within 20 s");
        }
        return data;
    }
}
