package dev.tether.api;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The open connections of an endpoint, for broadcast. A connection leaves by itself when it
 * closes. A broadcast hands the message to each connection's own outbound queue and never waits for
 * any of them, so one slow client cannot hold up the others: it meets its own buffer limit and
 * overflow policy instead. The topic of one process: every member is on this node.
 */
public final class WebSocketRegistry implements WebSocketTopic {
    private final Set<WebSocket> sockets = ConcurrentHashMap.newKeySet();
    private final List<TopicListener> listeners = new CopyOnWriteArrayList<>();

    /** Creates an empty registry, with no connections and no listeners. */
    public WebSocketRegistry() {
    }

    /** Adds {@code socket}; it is removed when it closes. */
    @Override
    public void add(WebSocket socket) {
        Objects.requireNonNull(socket, "socket");
        sockets.add(socket);
        socket.closed().whenComplete((status, error) -> sockets.remove(socket));
    }

    @Override
    public boolean remove(WebSocket socket) {
        return sockets.remove(socket);
    }

    @Override
    public int size() {
        return sockets.size();
    }

    /** A snapshot of the connections. */
    @Override
    public List<WebSocket> sockets() {
        return List.copyOf(sockets);
    }

    @Override
    public void addListener(TopicListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(TopicListener listener) {
        listeners.remove(listener);
    }

    /**
     * Whether any listener is added: a topic of a broker is kept while it has one.
     *
     * @return true while at least one {@link TopicListener} is added
     */
    public boolean hasListeners() {
        return !listeners.isEmpty();
    }

    /**
     * Sends {@code text} to every open connection. The stage completes when every send has completed
     * or failed, with the number that were written.
     */
    @Override
    public CompletableFuture<Integer> broadcast(String text) {
        for (TopicListener listener : listeners) {
            try {
                listener.onText(text); // first: what a member has seen, a listener has too
            } catch (RuntimeException e) {
                listenerFailed(listener, e);
            }
        }
        return sendToAll(socket -> socket.send(text));
    }

    /**
     * Sends binary {@code data} (position to limit) to every open connection, sharing the bytes: the
     * buffer must not change until the returned stage completes. A buffer lent to
     * {@link WebSocketListener#onBinary} may be broadcast from that call: the loan lasts until every
     * send of it has completed.
     */
    @Override
    public CompletableFuture<Integer> broadcast(ByteBuffer data) {
        for (TopicListener listener : listeners) {
            try {
                listener.onBinary(data.asReadOnlyBuffer());
            } catch (RuntimeException e) {
                listenerFailed(listener, e);
            }
        }
        return sendToAll(socket -> socket.send(data.duplicate()));
    }

    /** A listener's bug is logged; the message still goes to the members and the other listeners. */
    private static void listenerFailed(TopicListener listener, RuntimeException e) {
        System.getLogger(WebSocketRegistry.class.getName()).log(System.Logger.Level.WARNING, "topic listener " + listener + " failed", e);
    }

    private CompletableFuture<Integer> sendToAll(Function<WebSocket, CompletionStage<Void>> send) {
        AtomicInteger written = new AtomicInteger();
        List<WebSocket> targets = sockets();
        CompletableFuture<?>[] sends = new CompletableFuture<?>[targets.size()];
        CompletableFuture<?> aSend = null;
        for (int i = 0; i < sends.length; i++) {
            WebSocket socket = targets.get(i);
            CompletableFuture<Void> done;
            if (socket.readyState() == ReadyState.OPEN) {
                done = send.apply(socket).toCompletableFuture();
                aSend = aSend == null ? done : aSend;
            } else {
                done = CompletableFuture.failedFuture(new ConnectionClosedException("not open"));
            }
            sends[i] = done.handle((ok, error) -> error == null ? written.incrementAndGet() : 0);
        }
        if (aSend == null) {
            // Nothing sent: completed off the caller's stack, so a publisher chaining broadcasts
            // to an empty room does not nest a level per message.
            return CompletableFuture.supplyAsync(() -> 0, ForkJoinPool.commonPool());
        }
        // Of the sends' own kind, so that what is chained to it follows their rules (a servlet
        // connection's stages run chained work inline only a few levels deep: chained broadcasts
        // do not grow the stack).
        CompletableFuture<Integer> all = aSend.newIncompleteFuture();
        CompletableFuture.allOf(sends).whenComplete((v, error) -> all.complete(written.get()));
        return all;
    }
}
