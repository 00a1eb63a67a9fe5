package dev.tether.example;

import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.api.WebSocket;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A chat member with no connection under it, for tests of the rooms: records the text it is sent.
 * Only the calls the rooms and topics make are answered (send, readyState, closed, close).
 */
final class RecordingPeer {
    private final List<String> received = new ArrayList<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    final WebSocket socket = (WebSocket) Proxy.newProxyInstance(WebSocket.class.getClassLoader(),
            new Class<?>[] {WebSocket.class}, (proxy, method, args) -> switch (method.getName()) {
                case "send" -> {
                    synchronized (received) {
                        received.add((String) args[0]);
                    }
                    yield CompletableFuture.completedFuture(null);
                }
                case "readyState" -> closed.isDone() ? ReadyState.CLOSED : ReadyState.OPEN;
                case "closed" -> closed;
                case "close" -> closed.complete(new CloseStatus(1000, "", true));
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "peer";
                default -> throw new UnsupportedOperationException(method.getName());
            });

    /** What it was sent, oldest first. */
    List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }
}
