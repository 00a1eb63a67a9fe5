package dev.tether.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The registry's broadcast stage (its sends over real connections: the servlet adapter's broadcast tests). */
class WebSocketRegistryTest {

    private static void broadcastFrom(WebSocketRegistry room, int left, CompletableFuture<Void> done) {
        if (left == 0) {
            done.complete(null);
            return;
        }
        room.broadcast("m").thenRun(() -> broadcastFrom(room, left - 1, done)).exceptionally(e -> {
            done.completeExceptionally(e);
            return null;
        });
    }

    @Test
    @DisplayName("a broadcast to nobody reaches no one, and chained ones do not grow the stack")
    void chainedBroadcastsToAnEmptyRoom() throws Exception {
        WebSocketRegistry room = new WebSocketRegistry();
        assertEquals(0, room.broadcast("m").get(10, TimeUnit.SECONDS));
        CompletableFuture<Void> done = new CompletableFuture<>();
        broadcastFrom(room, 20_000, done);
        done.get(60, TimeUnit.SECONDS); // a StackOverflowError in the chain fails it
    }
}
