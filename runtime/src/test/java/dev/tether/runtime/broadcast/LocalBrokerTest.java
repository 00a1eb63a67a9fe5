package dev.tether.runtime.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.api.TopicListener;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketTopic;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The topics of one process: one name, one topic; a topic or presence held only while it has members. */
class LocalBrokerTest {

    /** A connection that records what is sent to it and closes when told; nothing else is used here. */
    private static final class Member {
        final List<Object> received = new ArrayList<>();
        final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        final WebSocket socket = (WebSocket) Proxy.newProxyInstance(WebSocket.class.getClassLoader(),
                new Class<?>[] {WebSocket.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "send" -> {
                        received.add(args[0]);
                        yield CompletableFuture.completedFuture(null);
                    }
                    case "readyState" -> closed.isDone() ? ReadyState.CLOSED : ReadyState.OPEN;
                    case "closed" -> closed;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "member";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void handlesOfOneNameReachTheSameMembers() throws Exception {
        try (LocalBroker broker = new LocalBroker()) {
            Member ada = new Member();
            Member grace = new Member();
            broker.webSocketTopic("lobby").add(ada.socket);
            WebSocketTopic lobby = broker.webSocketTopic("lobby");
            lobby.add(grace.socket);
            broker.webSocketTopic("kitchen").add(new Member().socket);

            assertEquals(2, lobby.broadcast("hello").get(5, TimeUnit.SECONDS));
            assertEquals(List.of("hello"), ada.received);
            assertEquals(List.of("hello"), grace.received);
            assertEquals(2, broker.webSocketTopic("lobby").size());
            assertFalse(broker.shared());
        }
    }

    @Test
    void aTopicLastMemberClosingEmptiesItAndItFillsAgain() throws Exception {
        try (LocalBroker broker = new LocalBroker()) {
            WebSocketTopic lobby = broker.webSocketTopic("lobby");
            Member ada = new Member();
            lobby.add(ada.socket);
            ada.closed.complete(null);
            assertEquals(0, lobby.size());
            assertEquals(0, lobby.broadcast("to nobody").get(5, TimeUnit.SECONDS));

            Member grace = new Member();
            lobby.add(grace.socket);
            assertEquals(1, broker.webSocketTopic("lobby").broadcast("again").get(5, TimeUnit.SECONDS));
            assertEquals(List.of("again"), grace.received);
            assertEquals(List.of(), ada.received);
        }
    }

    @Test
    void aListenerHearsEveryBroadcastAndHoldsTheTopicWithoutMembers() throws Exception {
        try (LocalBroker broker = new LocalBroker()) {
            List<String> heard = new ArrayList<>();
            TopicListener history = new TopicListener() {
                @Override
                public void onText(String text) {
                    heard.add(text);
                }

                @Override
                public void onBinary(java.nio.ByteBuffer data) {
                    heard.add("bytes " + data.remaining() + (data.isReadOnly() ? " read-only" : ""));
                }
            };
            broker.webSocketTopic("lobby").addListener(history);
            assertEquals(0, broker.webSocketTopic("lobby").broadcast("to nobody yet").get(5, TimeUnit.SECONDS));
            Member ada = new Member();
            broker.webSocketTopic("lobby").add(ada.socket);
            ada.closed.complete(null);
            broker.webSocketTopic("lobby").broadcast(java.nio.ByteBuffer.wrap(new byte[3])).get(5, TimeUnit.SECONDS);
            assertEquals(List.of("to nobody yet", "bytes 3 read-only"), heard);

            broker.webSocketTopic("lobby").removeListener(history);
            broker.webSocketTopic("lobby").broadcast("after").get(5, TimeUnit.SECONDS);
            assertEquals(2, heard.size());
        }
    }

    @Test
    void presenceListsMembersInTheOrderTheyEnteredAndTellsListeners() throws Exception {
        try (LocalBroker broker = new LocalBroker()) {
            AtomicInteger changes = new AtomicInteger();
            Runnable listener = changes::incrementAndGet;
            broker.presence("lobby").addListener(listener);
            Presence.Membership ada = broker.presence("lobby").enter("ada");
            Presence.Membership grace = broker.presence("lobby").enter("grace");
            assertEquals(List.of("ada", "grace"), broker.presence("lobby").members().toCompletableFuture().get());
            ada.leave();
            ada.leave(); // again: nothing
            assertEquals(List.of("grace"), broker.presence("lobby").members().toCompletableFuture().get());
            assertEquals(3, changes.get());

            broker.presence("lobby").removeListener(listener);
            grace.leave();
            assertEquals(3, changes.get());
            assertEquals(List.of(), broker.presence("lobby").members().toCompletableFuture().get());
            assertEquals(List.of(), broker.presence("kitchen").members().toCompletableFuture().get());
        }
    }

    @Test
    void anEventTopicIsMadeOncePerName() {
        try (LocalBroker broker = new LocalBroker()) {
            assertSame(broker.eventTopic("news", 10, 1024), broker.eventTopic("news", 99, 99));
        }
    }
}
