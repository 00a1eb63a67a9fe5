package dev.tether.runtime.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.driver.DriverOptions;
import dev.tether.protocol.Role;
import dev.tether.runtime.ConnectionOptions;
import dev.tether.runtime.RuntimeThreads;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a listener sends while its connection delivers one read's messages goes out together, after
 * them, in one write; whatever the listener then waits for is written first, so it never waits for
 * its own batch.
 */
class ReadBatchTest {
    private static final int OP_TEXT = 0x1;

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final FakeTransport transport = new FakeTransport();

    @AfterEach
    void stopThreads() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    /**
     * Keeps the shared timer thread busy until closed, so the watch that writes long-held batches
     * cannot run: a spec about who writes a batch then cannot be passed by the watch instead.
     */
    private static Runnable watchAway() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RuntimeThreads.scheduler().execute(() -> {
            busy.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS), "the shared timer never ran the blocker");
        return release::countDown; // run it to let the timer go
    }

    private static ByteBuffer texts(String... texts) {
        ByteBuffer all = ByteBuffer.allocate(1024);
        for (String text : texts) {
            all.put(ServerConnections.clientFrame(OP_TEXT, true, text.getBytes(StandardCharsets.UTF_8)));
        }
        return all.flip();
    }

    /** A server's unmasked text frame of a short text. */
    private static byte[] serverText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    private WebSocketConnection started(BiConsumer<WebSocket, String> onText) {
        return startedOn(executor, onText);
    }

    /** A connection whose events run on {@code events}, its listener's texts going to {@code onText}. */
    private WebSocketConnection startedOn(ExecutorService events, BiConsumer<WebSocket, String> onText) {
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onText(WebSocket socket, String text) {
                onText.accept(socket, text);
            }
        };
        WebSocketConnection socket = ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER),
                out -> out, ConnectionOptions.builder().executor(events).build(), listener);
        transport.writesAtOnce = true;
        socket.start(transport);
        transport.take(); // nothing was sent yet: no write to count
        transport.wrote.drainPermits();
        return socket;
    }

    @Test
    @DisplayName("the echoes of three messages that came in one read go out in one write, in order")
    void theAnswersToOneReadGoOutInOneWrite() {
        WebSocketConnection socket = started((s, text) -> s.send(text.toUpperCase()));

        transport.inbound.onInput(texts("a", "b", "c"));

        assertEquals(1, transport.wrote.availablePermits(), "writes");
        byte[] expected = ByteBuffer.allocate(9).put(serverText("A")).put(serverText("B")).put(serverText("C")).array();
        assertArrayEquals(expected, transport.take());
        socket.terminate();
    }

    @Test
    @DisplayName("a listener that waits for its own send (join) finds it written, not held for the end of the read")
    void aListenerWaitingForItsSendFindsItWritten() throws Exception {
        CompletableFuture<Boolean> joined = new CompletableFuture<>();
        WebSocketConnection socket = started((s, text) -> {
            s.send(text).toCompletableFuture().join();
            joined.complete(true);
        });

        Runnable letTheWatchGo = watchAway();
        try {
            executor.submit(() -> transport.inbound.onInput(texts("x")));

            assertTrue(joined.get(10, TimeUnit.SECONDS));
        } finally {
            letTheWatchGo.run();
        }
        assertArrayEquals(serverText("x"), transport.take());
        socket.terminate();
    }

    @Test
    @DisplayName("get() with a timeout on a stage derived from a send writes the batch too")
    void aDerivedStageWaitedForWithATimeoutWritesTheBatch() throws Exception {
        CompletableFuture<String> got = new CompletableFuture<>();
        WebSocketConnection socket = started((s, text) -> {
            try {
                got.complete(s.send(text).thenApply(v -> "sent").toCompletableFuture().get(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                got.completeExceptionally(e);
            }
        });

        Runnable letTheWatchGo = watchAway();
        try {
            executor.submit(() -> transport.inbound.onInput(texts("y")));

            assertEquals("sent", got.get(10, TimeUnit.SECONDS));
        } finally {
            letTheWatchGo.run();
        }
        socket.terminate();
    }

    @Test
    @DisplayName("what a listener sent before terminating is written before the connection is dropped")
    void sentBeforeTerminateIsWritten() {
        WebSocketConnection socket = started((s, text) -> {
            s.send("bye");
            s.terminate();
        });

        transport.inbound.onInput(texts("go"));

        assertArrayEquals(serverText("bye"), transport.take());
        assertTrue(transport.calls.contains("abort"), transport.calls.toString());
    }

    @Test
    @DisplayName("a listener's close is written before the listener returns")
    void aCloseIsWrittenAtOnce() {
        CompletableFuture<byte[]> seenInListener = new CompletableFuture<>();
        WebSocketConnection socket = started((s, text) -> {
            s.close(1000, "");
            seenInListener.complete(transport.written.toByteArray());
        });

        transport.inbound.onInput(texts("go"));

        assertEquals("88 02 03 e8", HexFormat.ofDelimiter(" ").formatHex(seenInListener.join()));
        socket.terminate();
    }

    @Test
    @DisplayName("another thread's send during a read's batch is written at once, with what the batch held")
    void anotherThreadsSendIsNotHeld() throws Exception {
        CountDownLatch listenerIn = new CountDownLatch(1);
        CountDownLatch otherSent = new CountDownLatch(1);
        WebSocketConnection socket = started((s, text) -> {
            s.send("first");
            listenerIn.countDown();
            try {
                assertTrue(otherSent.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<?> reading = CompletableFuture.runAsync(() -> transport.inbound.onInput(texts("go")), executor);
        assertTrue(listenerIn.await(10, TimeUnit.SECONDS));

        socket.send("second").toCompletableFuture().get(10, TimeUnit.SECONDS);

        byte[] expected = ByteBuffer.allocate(15).put(serverText("first")).put(serverText("second")).array();
        assertArrayEquals(expected, transport.written.toByteArray());
        otherSent.countDown();
        reading.get(10, TimeUnit.SECONDS);
        socket.terminate();
    }

    @Test
    @DisplayName("a listener that blocks on something else than its send's stage (allOf of its sends) is not held for ever: the watch writes the batch")
    void aListenerBlockingOnAllOfItsSendsIsWrittenByTheWatch() throws Exception {
        CompletableFuture<Boolean> returned = new CompletableFuture<>();
        WebSocketConnection socket = started((s, text) -> {
            CompletableFuture.allOf(s.send("a").toCompletableFuture(), s.send("b").toCompletableFuture()).join();
            returned.complete(true);
        });

        executor.submit(() -> transport.inbound.onInput(texts("go")));

        assertTrue(returned.get(10, TimeUnit.SECONDS));
        byte[] expected = ByteBuffer.allocate(6).put(serverText("a")).put(serverText("b")).array();
        assertArrayEquals(expected, transport.take());
        socket.terminate();
    }

    @Test
    @DisplayName("a listener waiting for its peer to have read its message (a reply on another channel) gets it written by the watch")
    void aListenerWaitingForThePeerToReadItsMessage() throws Exception {
        CountDownLatch peerRead = new CountDownLatch(1);
        CompletableFuture<Boolean> returned = new CompletableFuture<>();
        WebSocketConnection socket = started((s, text) -> {
            s.send("question");
            try {
                returned.complete(peerRead.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        executor.submit(() -> transport.inbound.onInput(texts("go")));

        assertTrue(transport.wrote.tryAcquire(10, TimeUnit.SECONDS), "the question was never written");
        peerRead.countDown();

        assertTrue(returned.get(10, TimeUnit.SECONDS));
        assertArrayEquals(serverText("question"), transport.take());
        socket.terminate();
    }

    @Test
    @DisplayName("a batch holds back 64 KiB at most: a listener sending more to a fast peer is written as it goes, nothing refused")
    void aBatchHoldsBackABoundedAmount() {
        java.util.List<Throwable> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Integer> writesDuringTheCall = new CompletableFuture<>();
        WebSocketConnection socket = started((s, text) -> {
            for (int i = 0; i < 96; i++) { // 6 MiB: past the default outbound limit, had it been held
                s.send(ByteBuffer.allocate(64 * 1024)).whenComplete((v, e) -> {
                    if (e != null) {
                        refused.add(e);
                    }
                });
            }
            writesDuringTheCall.complete(transport.wrote.availablePermits());
        });

        transport.inbound.onInput(texts("go"));

        assertEquals(java.util.List.of(), refused);
        assertTrue(writesDuringTheCall.join() >= 90, "writes while the listener was sending: " + writesDuringTheCall.join());
        socket.terminate();
    }

    @Test
    @DisplayName("a listener waiting for a broadcast to its room writes its own held copy itself, not after the watch")
    void waitingForABroadcastWritesTheListenersOwnCopy() throws Exception {
        FakeTransport otherTransport = new FakeTransport();
        otherTransport.writesAtOnce = true;
        WebSocketConnection other = ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER),
                out -> out, ConnectionOptions.builder().executor(executor).build(), new WebSocketListener() { });
        other.start(otherTransport);
        dev.tether.api.WebSocketRegistry room = new dev.tether.api.WebSocketRegistry();
        room.add(other); // the first member: the broadcast's stage comes from its send
        CompletableFuture<Thread> listenerThread = new CompletableFuture<>();
        WebSocketConnection socket = started((s, text) -> {
            room.broadcast(text).join();
            listenerThread.complete(Thread.currentThread());
        });
        room.add(socket);

        Thread listener;
        Runnable letTheWatchGo = watchAway();
        try {
            executor.submit(() -> transport.inbound.onInput(texts("hello")));
            listener = listenerThread.get(10, TimeUnit.SECONDS);
        } finally {
            letTheWatchGo.run();
        }
        assertEquals(java.util.List.of(listener), transport.writeThreads, "the listener's own copy was written by its thread");
        assertArrayEquals(serverText("hello"), transport.take());
        socket.terminate();
        other.terminate();
    }

    @Test
    @DisplayName("a listener on its executor's only thread waiting for a stage made from its send is not left waiting for that thread")
    void aDerivedStageWaitedForOnTheExecutorsOnlyThread() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<String> got = new CompletableFuture<>();
            WebSocketConnection socket = startedOn(one, (s, text) -> {
                try {
                    got.complete(s.send(text).thenApply(v -> "sent").toCompletableFuture().get(10, TimeUnit.SECONDS));
                } catch (Exception e) {
                    got.completeExceptionally(e);
                }
            });

            one.submit(() -> transport.inbound.onInput(texts("y")));

            assertEquals("sent", got.get(10, TimeUnit.SECONDS));
            socket.terminate();
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    @DisplayName("the watch writes a batch whose listener waits for its peer on the executor's only thread")
    void theWatchWritesWhileTheExecutorsOnlyThreadWaits() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch peerRead = new CountDownLatch(1);
            WebSocketConnection socket = startedOn(one, (s, text) -> {
                s.send("question");
                try {
                    peerRead.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            one.submit(() -> transport.inbound.onInput(texts("go")));

            boolean written = transport.wrote.tryAcquire(10, TimeUnit.SECONDS);
            peerRead.countDown();
            assertTrue(written, "the question was never written while its listener waited");
            socket.terminate();
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    @DisplayName("a read delivered inside another connection's listener, on its thread, writes its own batch when its listener waits")
    void aNestedBatchsWaitWritesItsOwnSend() throws Exception {
        FakeTransport innerTransport = new FakeTransport();
        innerTransport.writesAtOnce = true;
        CompletableFuture<Thread> innerListener = new CompletableFuture<>();
        WebSocketConnection inner = ServerConnections.answering(ServerConnections.request(), DriverOptions.defaults(Role.SERVER),
                out -> out, ConnectionOptions.builder().executor(executor).build(), new WebSocketListener() {
                    @Override
                    public void onText(WebSocket socket, String text) {
                        socket.send(text).toCompletableFuture().join();
                        innerListener.complete(Thread.currentThread());
                    }
                });
        inner.start(innerTransport);
        innerTransport.take();
        innerTransport.writeThreads.clear();
        WebSocketConnection outer = started((s, text) -> innerTransport.inbound.onInput(texts("inner")));

        Runnable letTheWatchGo = watchAway();
        try {
            transport.inbound.onInput(texts("outer"));
        } finally {
            letTheWatchGo.run();
        }

        Thread listener = innerListener.get(10, TimeUnit.SECONDS);
        assertEquals(java.util.List.of(listener), innerTransport.writeThreads, "the inner listener's send was written by its own wait");
        outer.terminate();
        inner.terminate();
    }
}
