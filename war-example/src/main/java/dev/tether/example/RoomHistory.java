package dev.tether.example;

import dev.tether.api.CloseStatus;
import dev.tether.api.HandshakeInfo;
import dev.tether.api.ReadyState;
import dev.tether.api.SendOption;
import dev.tether.api.WebSocket;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest events of one chat room on this node, kept by being a member of the room's topic: every
 * join, leave and message object broadcast there passes through {@link #send(String)}, this node's
 * and, on a shared broker, those other nodes publish. A topic tells nobody but its members what it
 * delivers, so a member that is no connection is how a node hears the others. Thread-safe.
 *
 * <p>Of {@link WebSocket}, only {@code send(String)}, {@code close}, {@code readyState()} and
 * {@code closed()} mean something here; the other sends complete at once and do nothing (the chat
 * broadcasts text only), and {@link #handshake()} throws, as there was none.
 */
final class RoomHistory implements WebSocket {
    private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

    private final String room;
    private final int size;
    /** The newest events as JSON objects, oldest first; guarded by itself. */
    private final Deque<String> events = new ArrayDeque<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    RoomHistory(String room, int size) {
        this.room = room;
        this.size = size;
    }

    /**
     * The newest events, oldest first, leaving out the newest one equal to {@code own}: a joiner's
     * own join, which its welcome does not repeat.
     */
    List<String> newest(String own) {
        synchronized (events) {
            List<String> newest = new ArrayList<>(events);
            int last = newest.lastIndexOf(own);
            if (last >= 0) newest.remove(last);
            return newest;
        }
    }

    /** Remembers {@code text}, one event of the room. */
    @Override
    public CompletionStage<Void> send(String text) {
        synchronized (events) {
            events.addLast(text);
            if (events.size() > size) events.removeFirst();
        }
        return DONE;
    }

    @Override
    public CompletionStage<Void> send(String text, SendOption option) {
        return send(text);
    }

    @Override
    public CompletionStage<Void> send(byte[] data) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> send(ByteBuffer data, SendOption option) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> sendPart(String text, boolean last) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> sendPart(ByteBuffer data, boolean last) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> ping(ByteBuffer payload) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> ping() {
        return DONE;
    }

    @Override
    public CompletionStage<Void> pong(ByteBuffer payload) {
        return DONE;
    }

    /** Stops listening: the topic lets it go. */
    @Override
    public void close(int code, String reason) {
        closed.complete(new CloseStatus(code, reason, true));
    }

    @Override
    public void terminate() {
        close();
    }

    @Override
    public void pause() {
    }

    @Override
    public void resume() {
    }

    @Override
    public ReadyState readyState() {
        return closed.isDone() ? ReadyState.CLOSED : ReadyState.OPEN;
    }

    @Override
    public long bufferedAmount() {
        return 0;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public long bytesReceived() {
        return 0;
    }

    @Override
    public String protocol() {
        return null;
    }

    @Override
    public String version() {
        return "none";
    }

    @Override
    public List<String> extensions() {
        return List.of();
    }

    @Override
    public HandshakeInfo handshake() {
        throw new UnsupportedOperationException("the history of #" + room + " is no connection: it had no handshake");
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public CompletionStage<CloseStatus> closed() {
        return closed.minimalCompletionStage();
    }

    @Override
    public String toString() {
        return "history of #" + room;
    }
}
