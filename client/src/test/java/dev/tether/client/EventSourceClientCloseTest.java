package dev.tether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.client.EventSourceConnection.State;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@link EventSourceClient#close()} from two threads at once: neither returns before every connection is closed. */
class EventSourceClientCloseTest {
    private static final long WAIT_MILLIS = 10_000;

    @Test
    void aSecondCloseReturnsOnlyOnceEveryConnectionIsClosed() throws Exception {
        GatedScheduler scheduler = new GatedScheduler();
        EventSourceClient client = EventSourceClient.builder().proxy(ProxyOptions.none()).scheduler(scheduler).build();
        try {
            // Two connections to a port nobody listens on (127.0.0.1), each waiting 10 minutes to reconnect.
            EventSourceRequest request = EventSourceRequest.builder(deadPort()).retry(Duration.ofMinutes(10)).build();
            EventLog firstLog = new EventLog();
            EventLog secondLog = new EventLog();
            EventSourceConnection first = client.connect(request, firstLog);
            EventSourceConnection second = client.connect(request, secondLog);
            assertEquals("reconnecting CONNECT", firstLog.next());
            assertEquals("reconnecting CONNECT", secondLog.next());

            // The first close() stops at the gate as it cancels one connection's reconnection: that one
            // is closed, the other not yet.
            Thread firstClose = new Thread(() -> {
                scheduler.gate(Thread.currentThread());
                client.close();
            }, "first-close");
            firstClose.start();
            assertTrue(scheduler.atGate.await(WAIT_MILLIS, TimeUnit.MILLISECONDS), "the first close() cancelled no reconnection");

            List<State> whenSecondReturned = new CopyOnWriteArrayList<>();
            Thread secondClose = new Thread(() -> {
                client.close();
                whenSecondReturned.addAll(List.of(first.state(), second.state()));
            }, "second-close");
            secondClose.start();
            awaitReturnedOrWaiting(secondClose);
            scheduler.open.countDown();
            firstClose.join(WAIT_MILLIS);
            secondClose.join(WAIT_MILLIS);
            assertFalse(firstClose.isAlive() || secondClose.isAlive(), "a close() did not return");

            assertEquals(List.of(State.CLOSED, State.CLOSED), whenSecondReturned,
                    "a close() returned while a connection could still reconnect");
            assertNull(firstLog.awaitClose());
            assertNull(secondLog.awaitClose());
            assertEquals(List.of("close -"), firstLog.rest(), "onClose once, nothing after it");
            assertEquals(List.of("close -"), secondLog.rest(), "onClose once, nothing after it");
        } finally {
            scheduler.open.countDown();
            client.close();
            scheduler.shutdownNow();
        }
    }

    /**
     * Waits until {@code thread} has returned or waits for another thread: a close() that waits for
     * the one under way sends no event to latch on, so its thread's state is the sign.
     */
    private static void awaitReturnedOrWaiting(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (true) {
            Thread.State state = thread.getState();
            if (state == Thread.State.TERMINATED || state == Thread.State.BLOCKED || state == Thread.State.WAITING) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("the second close() neither returned nor waited: " + state);
            }
            Thread.onSpinWait();
        }
    }

    private static URI deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/events");
        }
    }

    /**
     * A scheduler whose timers, cancelled from the gated thread, stop it there once until the test
     * opens the gate: a close() caught halfway through its connections.
     */
    private static final class GatedScheduler extends ScheduledThreadPoolExecutor {
        final CountDownLatch atGate = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        private volatile Thread gated;

        GatedScheduler() {
            super(1, runnable -> {
                Thread thread = new Thread(runnable, "gated-scheduler");
                thread.setDaemon(true);
                return thread;
            });
        }

        void gate(Thread thread) {
            gated = thread;
        }

        private void passGate() {
            if (Thread.currentThread() != gated) {
                return;
            }
            gated = null; // once
            atGate.countDown();
            try {
                open.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
            return new Gated<>(task);
        }

        /** The pool's own task, but for a cancel() at the gate. */
        private final class Gated<V> implements RunnableScheduledFuture<V> {
            private final RunnableScheduledFuture<V> task;

            Gated(RunnableScheduledFuture<V> task) {
                this.task = task;
            }

            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                passGate();
                return task.cancel(mayInterruptIfRunning);
            }

            @Override
            public boolean isPeriodic() {
                return task.isPeriodic();
            }

            @Override
            public void run() {
                task.run();
            }

            @Override
            public boolean isCancelled() {
                return task.isCancelled();
            }

            @Override
            public boolean isDone() {
                return task.isDone();
            }

            @Override
            public V get() throws InterruptedException, ExecutionException {
                return task.get();
            }

            @Override
            public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
                return task.get(timeout, unit);
            }

            @Override
            public long getDelay(TimeUnit unit) {
                return task.getDelay(unit);
            }

            @Override
            public int compareTo(Delayed other) {
                return task.compareTo(other instanceof Gated<?> gated ? gated.task : other);
            }
        }
    }
}
