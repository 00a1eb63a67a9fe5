package dev.tether.servlet;

import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A server-side listener that records its events as lines ({@code open}, {@code text:…},
 * {@code binary:<n bytes>}, {@code ping}, {@code pong}, {@code error:<class>}, {@code close:<code>:<clean>})
 * for tests to wait on, with a hook to act on each message.
 */
class RecordingListener implements WebSocketListener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    final AtomicInteger closeCalls = new AtomicInteger();
    final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean echo;

    RecordingListener echoing() {
        echo = true;
        return this;
    }

    @Override
    public void onOpen(WebSocket socket) {
        events.add("open");
        opened.complete(socket);
    }

    @Override
    public void onText(WebSocket socket, String text) {
        events.add("text:" + text);
        if (echo) {
            socket.send(text);
        }
    }

    @Override
    public void onBinary(WebSocket socket, ByteBuffer data) {
        events.add("binary:" + data.remaining());
        if (echo) {
            socket.send(data);
        }
    }

    @Override
    public void onPing(WebSocket socket, ByteBuffer payload) {
        events.add("ping:" + StandardCharsets.UTF_8.decode(payload.duplicate()));
    }

    @Override
    public void onPong(WebSocket socket, ByteBuffer payload) {
        events.add("pong");
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
        errors.add(error);
        events.add("error:" + error.getClass().getSimpleName());
    }

    @Override
    public void onClose(WebSocket socket, CloseStatus status) {
        closeCalls.incrementAndGet();
        events.add("close:" + status.code() + ":" + (status.wasClean() ? "clean" : "unclean"));
        closed.complete(status);
    }

    @Override
    public void onDrain(WebSocket socket) {
        events.add("drain");
    }

    /** Waits for the next event that starts with {@code prefix}, skipping others; returns it. */
    String await(String prefix) throws InterruptedException {
        return await(prefix, Duration.ofSeconds(10));
    }

    String await(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            String event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (event == null) {
                fail("no event starting with \"" + prefix + "\" within " + timeout + "; saw " + skipped);
            }
            if (event.startsWith(prefix)) {
                return event;
            }
            skipped.add(event);
        }
    }

    WebSocket socket() throws Exception {
        return opened.get(10, TimeUnit.SECONDS);
    }

    CloseStatus awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }
}
