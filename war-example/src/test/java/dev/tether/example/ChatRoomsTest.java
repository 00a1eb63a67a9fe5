package dev.tether.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.api.WebSocketTopic;
import dev.tether.runtime.broadcast.Broker;
import dev.tether.runtime.broadcast.EventTopic;
import dev.tether.runtime.broadcast.LocalBroker;
import dev.tether.runtime.broadcast.Presence;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The rooms' order of messages, on a broker of one process (as src-it sees it over the wire) and on
 * one whose presence answers later, as a shared broker's does. The peers are {@link RecordingPeer}s,
 * which keep what they are sent.
 */
class ChatRoomsTest {
    private static final Pattern TYPE = Pattern.compile("^\\{\"type\":\"(\\w+)\"");
    private static final Pattern NAME = Pattern.compile("\"(?:name|from)\":\"([^\"]*)\"");

    @Test
    void aloneEveryMemberSeesOneOrderAndTheWelcomeFirst() {
        try (LocalBroker broker = new LocalBroker()) {
            ChatRooms rooms = new ChatRooms(broker, new Activity(broker));
            RecordingPeer ada = peer();
            ChatRooms.Member adaIn = rooms.join("lobby", "ada", ada.socket);
            assertEquals(List.of("welcome ada", "members [ada]"), seen(ada));
            assertTrue(ada.received().get(0).contains("\"members\":[\"ada\"],\"history\":[]"), ada.received()::toString);

            RecordingPeer grace = peer();
            rooms.join("lobby", "grace", grace.socket);
            assertEquals(List.of("welcome grace", "members [ada, grace]"), seen(grace));
            String graceWelcome = grace.received().get(0);
            assertTrue(graceWelcome.contains("\"members\":[\"ada\",\"grace\"],\"history\":[{\"type\":\"join\",\"name\":\"ada\""),
                    graceWelcome);
            assertEquals(List.of("welcome ada", "members [ada]", "join grace", "members [ada, grace]"), seen(ada));

            rooms.say(adaIn, "hello");
            RecordingPeer ada2 = peer();
            ChatRooms.Member ada2In = rooms.join("lobby", "ada", ada2.socket);
            assertEquals("ada 2", ada2In.name());
            rooms.leave(ada2In);
            assertEquals(List.of("welcome grace", "members [ada, grace]", "message ada", "join ada 2",
                    "members [ada, grace, ada 2]", "leave ada 2", "members [ada, grace]"), seen(grace));
            assertTrue(ada2.received().get(0).contains("\"history\":[{\"type\":\"join\",\"name\":\"ada\""),
                    "a later joiner's history has what the room said");
            assertTrue(ada2.received().get(0).contains("\"text\":\"hello\""), ada2.received()::toString);
            assertEquals("{\"rooms\":[{\"name\":\"lobby\",\"members\":2}]}", rooms.roomsJson());
        }
    }

    @Test
    void theLastOneOutRemovesTheRoomAndWhatItHeldOnTheBroker() {
        try (LocalBroker broker = new LocalBroker()) {
            ChatRooms rooms = new ChatRooms(broker, new Activity(broker));
            ChatRooms.Member ada = rooms.join("lobby", "ada", peer().socket);
            rooms.say(ada, "hello");
            rooms.leave(ada);
            assertEquals("{\"rooms\":[]}", rooms.roomsJson());
            assertEquals(0, broker.webSocketTopic("chat:lobby").size(), "no member, and no history, left in the topic");
            assertEquals(List.of(), broker.presence("chat:lobby").members().toCompletableFuture().join());

            RecordingPeer grace = peer();
            rooms.join("lobby", "grace", grace.socket);
            assertTrue(grace.received().get(0).contains("\"history\":[]"), "a new room starts afresh: " + grace.received());
        }
    }

    @Test
    void roomsAreFullPerNodeAndClosedWhenStopping() {
        try (LocalBroker broker = new LocalBroker()) {
            ChatRooms rooms = new ChatRooms(broker, new Activity(broker));
            for (int i = 0; i < ChatRooms.MAX_MEMBERS; i++) {
                assertNotNull(rooms.join("lobby", "ada", peer().socket));
            }
            assertNull(rooms.join("lobby", "one more", peer().socket));
            rooms.stop();
            assertNull(rooms.join("quiet", "grace", peer().socket));
        }
    }

    @Test
    void withAPresenceThatAnswersLaterTheWelcomeStillComesFirst() {
        try (LocalBroker local = new LocalBroker()) {
            LaterPresence broker = new LaterPresence(local);
            ChatRooms rooms = new ChatRooms(broker, new Activity(broker));
            RecordingPeer ada = peer();
            rooms.join("lobby", "ada", ada.socket);
            assertEquals(List.of(), seen(ada), "nothing before the welcome, which waits for the member list");
            CompletableFuture<List<String>> enteredRead = broker.reads.remove();
            broker.reads.remove().complete(List.of("ada"));
            enteredRead.complete(List.of()); // older, finishing later: dropped
            assertEquals(List.of("welcome ada", "members [ada]"), seen(ada));

            // Another node's member joins and speaks: it reaches ada and this node's history.
            WebSocketTopic otherNode = local.webSocketTopic("chat:lobby");
            otherNode.broadcast(Json.object().put("type", "join").put("name", "bob").put("time", 1).toString());
            otherNode.broadcast(Json.object().put("type", "message").put("from", "bob").put("text", "hi").put("time", 2).toString());
            assertEquals(List.of("welcome ada", "members [ada]", "join bob", "message bob"), seen(ada));

            RecordingPeer grace = peer();
            ChatRooms.Member graceIn = rooms.join("lobby", "grace", grace.socket);
            rooms.say(graceIn, "before my welcome");
            assertEquals(List.of(), seen(grace));
            assertEquals(List.of("welcome ada", "members [ada]", "join bob", "message bob", "join grace", "message grace"), seen(ada));
            enteredRead = broker.reads.remove();
            // Read before the broker wrote grace: the welcome has her all the same.
            broker.reads.remove().complete(List.of("ada", "bob"));
            assertEquals(List.of("welcome grace", "members [ada, bob, grace]"), seen(grace));
            String welcome = grace.received().get(0);
            assertTrue(welcome.contains("\"members\":[\"ada\",\"bob\",\"grace\"]"), welcome);
            assertEquals(List.of("join ada", "join bob", "message bob", "message grace"), seen(historyOf(welcome)), welcome);
            assertEquals("members [ada, bob]", seen(ada).get(6));
            enteredRead.complete(List.of("ada", "bob")); // older: dropped

            // Grace hears the room from now on; the broker wrote her and says so: who had not seen that list gets it.
            rooms.say(graceIn, "after");
            broker.listeners.forEach(Runnable::run);
            broker.reads.remove().complete(List.of("ada", "bob", "grace"));
            assertEquals(List.of("welcome grace", "members [ada, bob, grace]", "message grace"), seen(grace));
            List<String> adaSaw = seen(ada);
            assertEquals(List.of("message grace", "members [ada, bob, grace]"), adaSaw.subList(adaSaw.size() - 2, adaSaw.size()));

            // She leaves: the room hears it at once, and the list once it is read.
            rooms.leave(graceIn);
            assertEquals("leave grace", last(seen(ada)));
            broker.reads.remove().complete(List.of("ada", "bob"));
            assertEquals("members [ada, bob]", last(seen(ada)));
            assertEquals("message grace", last(seen(grace)), "nothing after leaving");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A member's connection: a history keeps what it is sent. */
    private static RecordingPeer peer() {
        return new RecordingPeer();
    }

    /** What {@code peer} was sent, each as "type name" ("members [list]" for member lists). */
    private static List<String> seen(RecordingPeer peer) {
        return seen(peer.received());
    }

    private static List<String> seen(List<String> messages) {
        return messages.stream().map(ChatRoomsTest::brief).toList();
    }

    private static String brief(String json) {
        Matcher type = TYPE.matcher(json);
        assertTrue(type.find(), json);
        if (type.group(1).equals("members")) {
            Matcher list = Pattern.compile("\"members\":\\[(.*)]}$").matcher(json);
            assertTrue(list.find(), json);
            return "members [" + list.group(1).replace("\"", "").replace(",", ", ") + "]";
        }
        Matcher name = NAME.matcher(json);
        return type.group(1) + (name.find() ? " " + name.group(1) : "");
    }

    private static String last(List<String> seen) {
        return seen.get(seen.size() - 1);
    }

    /** The objects in a welcome's history. */
    private static List<String> historyOf(String welcome) {
        String history = welcome.substring(welcome.indexOf("\"history\":[") + "\"history\":[".length(), welcome.length() - 2);
        return history.isEmpty() ? List.of() : List.of(history.replace("},{", "}\n{").split("\n"));
    }

    /**
     * A broker of one process whose presence lists the members only when the test says, as a
     * shared broker's reads from Redis finish later; it does not list them by itself either.
     */
    private static final class LaterPresence implements Broker {
        final Queue<CompletableFuture<List<String>>> reads = new ArrayDeque<>();
        /** The listeners, for the test to call as a shared broker does when another node or a write changes the list. */
        final List<Runnable> listeners = new CopyOnWriteArrayList<>();
        private final LocalBroker local;

        LaterPresence(LocalBroker local) {
            this.local = local;
        }

        @Override
        public WebSocketTopic webSocketTopic(String name) {
            return local.webSocketTopic(name);
        }

        @Override
        public EventTopic eventTopic(String name, int replayEvents, long replayBytes) {
            return local.eventTopic(name, replayEvents, replayBytes);
        }

        @Override
        public Presence presence(String name) {
            Presence presence = local.presence(name);
            return new Presence() {
                @Override
                public String topic() {
                    return name;
                }

                @Override
                public Membership enter(String member) {
                    return presence.enter(member);
                }

                @Override
                public CompletionStage<List<String>> members() {
                    CompletableFuture<List<String>> read = new CompletableFuture<>();
                    reads.add(read);
                    return read;
                }

                @Override
                public void addListener(Runnable listener) {
                    presence.addListener(listener);
                    listeners.add(listener);
                }

                @Override
                public void removeListener(Runnable listener) {
                    presence.removeListener(listener);
                    listeners.remove(listener);
                }
            };
        }

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public void close() {
            local.close();
        }
    }
}
