package dev.tether.client.nio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One selector thread: it waits for sockets to become connectable, readable or writable and tells
 * each socket's {@link Selectable}, which must not block (the client's sockets hand application work
 * to an executor). Registrations and other work for the selector run as tasks on its thread.
 */
public final class SelectorLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SelectorLoop.class.getName());

    /** What a registered socket does when the selector finds it ready. Runs on the selector thread. */
    public interface Selectable {
        void onReady(SelectionKey key, int readyOps);

        /** The loop stopped with the socket still registered. */
        void onLoopClosed();
    }

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    /** Set under this loop's monitor once the last tasks have run: a task added later would never run. */
    private boolean tasksClosed;

    public SelectorLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a selector", e);
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Runs {@code task} on the selector thread, soon.
     *
     * @throws RejectedExecutionException once the loop is closing
     */
    public void execute(Runnable task) {
        synchronized (this) {
            if (closing || tasksClosed) {
                throw new RejectedExecutionException("the client is closed");
            }
            tasks.add(task);
        }
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    /** Registers {@code channel} (non-blocking) for {@code ops}, on the selector thread; the key goes to {@code registered}. */
    public void register(SelectableChannel channel, int ops, Selectable selectable,
                         Consumer<SelectionKey> registered, Consumer<IOException> failed) {
        try {
            execute(() -> {
                try {
                    registered.accept(channel.register(selector, ops, selectable));
                } catch (IOException | RuntimeException e) {
                    failed.accept(e instanceof IOException io ? io : new IOException("could not register the socket", e));
                }
            });
        } catch (RejectedExecutionException e) {
            failed.accept(new IOException(e.getMessage(), e));
        }
    }

    /** Adds {@code op} to what {@code key} waits for; any thread. */
    public void interest(SelectionKey key, int op) {
        try {
            if ((key.interestOps() & op) == 0) {
                key.interestOpsOr(op);
                if (Thread.currentThread() != thread) {
                    selector.wakeup(); // a select in progress would not see the change until it returns
                }
            }
        } catch (java.nio.channels.CancelledKeyException ignored) {
            // the socket closed meanwhile: its transport reports that
        }
    }

    /**
     * Lets the selector see what changed: a channel closed while registered is only really closed
     * (its descriptor released, the peer told) once the selector has dropped its key, which happens
     * when it next selects.
     */
    public void wakeup() {
        selector.wakeup();
    }

    private void run() {
        try {
            while (!closing) {
                selector.select(this::ready);
                runTasks();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closing) {
                LOG.log(Level.ERROR, "the client's selector failed; its sockets are closed", e);
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "the client's selector thread failed; its sockets are closed", e);
        } finally {
            shutDown();
        }
    }

    private void ready(SelectionKey key) {
        Selectable selectable = (Selectable) key.attachment();
        try {
            selectable.onReady(key, key.readyOps());
        } catch (java.nio.channels.CancelledKeyException ignored) {
            // closed while it was being handled
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a socket's selector callback failed", e);
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a selector task failed", e);
            }
        }
    }

    private void shutDown() {
        closing = true;
        synchronized (this) {
            tasksClosed = true;
        }
        runTasks();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Selectable selectable) {
                try {
                    selectable.onLoopClosed();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "closing a socket with its selector failed", e);
                }
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the selector failed", e);
        }
        stopped.countDown();
    }

    /** Stops the thread after telling every registered socket; waits for it a bounded time. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
