package dev.tether.client;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.client.peers.NodePeer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One client on two selector threads holds 10,000 open connections, and every one of them still works. */
class ManyConnectionsTest {
    private static final int CONNECTIONS = 10_000;
    /** Connects in progress at once: below node's accept backlog (511), so no SYN is dropped and retried a second later. */
    private static final int WINDOW = 128;

    @Test
    void tenThousandConnectionsOnTwoSelectorThreads() throws Exception {
        ClientOptions options = ClientOptions.builder().proxy(ProxyOptions.none()).build();
        AtomicInteger echoes = new AtomicInteger();
        CountDownLatch allEchoed = new CountDownLatch(CONNECTIONS);
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onText(WebSocket socket, String text) {
                echoes.incrementAndGet();
                allEchoed.countDown();
            }
        };
        long selectorsBefore = selectorThreads();
        try (NodePeer peer = NodePeer.start("ws");
             WebSocketClient client = WebSocketClient.builder().selectorThreads(2).build()) {
            URI uri = peer.uri("/many");
            List<WebSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>(CONNECTIONS));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Semaphore window = new Semaphore(WINDOW);
            CountDownLatch opened = new CountDownLatch(CONNECTIONS);
            for (int i = 0; i < CONNECTIONS && failure.get() == null; i++) {
                assertTrue(window.tryAcquire(30, TimeUnit.SECONDS), "connects stopped completing");
                client.connect(uri, options, listener).whenComplete((socket, error) -> {
                    window.release();
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else {
                        sockets.add(socket);
                    }
                    opened.countDown();
                });
            }
            assertNull(failure.get(), () -> "a connect failed: " + failure.get());
            assertTrue(opened.await(60, TimeUnit.SECONDS), "not every connect completed");
            assertEquals(CONNECTIONS, sockets.size());

            assertEquals(2, selectorThreads() - selectorsBefore, "this client's selector threads");

            synchronized (sockets) {
                for (WebSocket socket : sockets) {
                    socket.send("still here");
                }
            }
            assertTrue(allEchoed.await(60, TimeUnit.SECONDS), "echoes: " + echoes.get() + " of " + CONNECTIONS);

            CountDownLatch closed = new CountDownLatch(CONNECTIONS);
            synchronized (sockets) {
                for (WebSocket socket : sockets) {
                    socket.closed().whenComplete((status, error) -> closed.countDown());
                    socket.close(1000, "");
                }
            }
            assertTrue(closed.await(60, TimeUnit.SECONDS), "not every connection closed");
        }
    }

    private static long selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("tether-client-selector-")).count();
    }
}
