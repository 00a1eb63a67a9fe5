package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.broker.redis.testing.RedisServer;
import dev.tether.it.support.Distribution;
import dev.tether.it.support.JdkSession;
import dev.tether.it.support.JdkSession.Closed;
import dev.tether.it.support.JdkSession.Message;
import dev.tether.it.support.JettyDistribution;
import dev.tether.it.support.Json;
import dev.tether.it.support.NodeClient;
import dev.tether.it.support.NodeScript;
import dev.tether.it.support.ServerLogOnFailure;
import dev.tether.it.support.TomcatDistribution;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;

/**
 * The example WAR, unchanged, as a cluster of two nodes: the stock Tomcat and the stock Jetty
 * distribution, both given one real redis-server in {@code TETHER_REDIS_URL}. Members of one room
 * on different nodes see each other join, talk and leave (over the JDK client, and on the page in
 * headless Chromium), and a client of the activity feed that leaves one node and comes back on the
 * other with {@code Last-Event-ID} gets exactly what it missed. What each node keeps for itself (the
 * welcome's {@code server}, its history, {@code /api/rooms}) is not compared across nodes.
 *
 * <p>Redis and both containers are started once for the class and stopped after it; the
 * containers' logs are printed when a test fails. Without redis-server the class fails, saying how
 * to install it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ServerLogOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Tomcat 11 and Jetty 12.1 distributions on one Redis: the example app as a cluster")
class ClusterAppIT implements ServerLogOnFailure.HasServers {
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(120);
    /** A Redis stream id, {@code <milliseconds>-<sequence>}: the feed's ids when it runs on Redis. */
    private static final Pattern STREAM_ID = Pattern.compile("\\d+-\\d+");

    private RedisServer redis;
    private Distribution tomcat;
    private Distribution jetty;
    private final List<Distribution> started = new ArrayList<>();
    private HttpClient http;

    @Override
    public List<Distribution> servers() {
        return List.copyOf(started);
    }

    @BeforeAll
    void startCluster() throws Exception {
        redis = RedisServer.start(); // without redis-server: fails, naming the package to install
        System.out.println("[src-it] " + redis + " is up");
        tomcat = startNode(TomcatDistribution.fromBuild("cluster-tomcat", Distribution.DEFAULT_JVM_OPTIONS));
        jetty = startNode(JettyDistribution.fromBuild("cluster-jetty", Distribution.DEFAULT_JVM_OPTIONS));
        http = HttpClient.newHttpClient();
    }

    /** Starts {@code node} on our Redis; it must say it runs with it (not alone, as when Redis is out of reach). */
    private Distribution startNode(Distribution node) throws Exception {
        node.environment(Distribution.REDIS_URL_VARIABLE, redis.uri());
        started.add(node);
        node.start();
        System.out.println("[src-it] " + node + " is up; log: " + node.log());
        String log = Files.readString(node.log(), StandardCharsets.ISO_8859_1);
        assertTrue(log.contains("the chat runs with Redis at " + redis.uri()),
                () -> node + " is a node of the cluster on " + redis.uri() + "; its log:\n" + node.tail(80));
        return node;
    }

    @AfterAll
    void stopCluster() {
        // The containers first: their brokers close while Redis is there to hear it.
        try {
            started.forEach(Distribution::stop);
        } finally {
            if (redis != null) redis.close();
        }
    }

    // ---------------------------------------------------------------- the chat protocol, JDK client

    @Test
    @Order(1)
    @DisplayName("chat (JDK client): ada on Tomcat and grace on Jetty see each other join, each other's messages once, and grace leave")
    void chatAcrossNodes() throws Exception {
        String room = "cluster-chat";
        try (Member ada = Member.join(http, tomcat, room, "ada")) {
            assertEquals(Map.of("welcome", "ada"), typeAndName(ada.next()), ada::transcript);
            try (Member grace = Member.join(http, jetty, room, "grace")) {
                assertEquals(Map.of("welcome", "grace"), typeAndName(grace.next()), grace::transcript);
                // Each node writes its members to Redis in the background: a list may come in several steps.
                grace.await(members("ada", "grace"));
                ada.await(event("join", "grace"), members("ada", "grace"));

                // Each message is sent once its sender has the one before, so every member has them in this order.
                ada.say("hello from Tomcat");
                grace.await(message("ada", "hello from Tomcat"));
                grace.say("hello from Jetty");
                ada.await(message("grace", "hello from Jetty"));
                ada.say("bye");
                grace.await(message("ada", "bye"));
                grace.say("bye");
                ada.await(message("grace", "bye"));
                List<String> conversation = List.of("ada: hello from Tomcat", "grace: hello from Jetty", "ada: bye", "grace: bye");
                for (Member member : List.of(ada, grace)) {
                    member.awaitMessages(conversation.size());
                    assertEquals(conversation, member.messages(), () -> "each message once, the sender's own too\n" + member.transcript());
                }

                grace.leave();
                ada.await(event("leave", "grace"), members("ada"));
            }
            ada.leave();
        }
    }

    // ---------------------------------------------------------------- the page in Chromium

    @Test
    @Order(2)
    @DisplayName("Chromium: ada's page on Tomcat and grace's on Jetty list each other and show each other's messages and activity")
    void browserAcrossNodes() throws Exception {
        Path shots = Chromium.screenshots("cluster");
        String room = "cluster-browser";
        NodeClient.Run run = NodeScript.run(BROWSER_TIMEOUT, "browser.mjs", "cluster", base(tomcat), shots.toString(), room,
                base(jetty));
        assertEquals(0, run.exit(), run::toString);
        Map<String, Object> open = run.only("open");
        assertEquals("open", open.get("ws"), run::toString);
        assertEquals("open", open.get("sse"), run::toString);
        Map<String, Object> members = run.only("members");
        assertEquals(List.of("ada", "grace"), members.get("ada"), run::toString);
        assertEquals(List.of("ada", "grace"), members.get("grace"), run::toString);
        List<Map<String, Object>> received = run.events("received");
        assertEquals(List.of("grace", "ada"), received.stream().map(e -> e.get("by")).toList(), run::toString);
        assertEquals(0L, received.get(0).get("injectedElements"), "message text is never HTML\n" + run);
        assertEquals(Boolean.FALSE, received.get(0).get("pwned"), run::toString);
        // Each page's feed comes from its own node and has the other node's activity too.
        Map<String, Object> activity = run.only("activity");
        List<String> both = List.of("ada joined #" + room, "grace joined #" + room, "grace wrote in #" + room, "ada wrote in #" + room);
        assertTrue(((List<?>) activity.get("ada")).containsAll(both), run::toString);
        assertTrue(((List<?>) activity.get("grace")).containsAll(both), run::toString);
        Chromium.assertClean(run);
        assertTrue(run.events("console").isEmpty(), () -> "no console errors\n" + run);
        Chromium.assertScreenshots(run, shots, "chat-ada.png", "chat-grace.png");
    }

    // ---------------------------------------------------------------- the activity feed, node's eventsource

    @Test
    @Order(3)
    @DisplayName("eventsource: /activity left on Tomcat and resumed on Jetty with Last-Event-ID gets exactly the missed events, then live ones")
    void activityHandover() throws Exception {
        String room = "cluster-activity";
        NodeClient.Run run = NodeScript.run(NODE_TIMEOUT, "sse.mjs", "handover", base(tomcat), room, base(jetty));
        assertEquals(0, run.exit(), run::toString);
        List<Map<String, Object>> first = events(run.only("first"));
        assertEquals(List.of("ada joined #" + room, "ada wrote in #" + room), texts(first, room), run::toString);

        // What the observer, connected to Tomcat all along, saw after the last id is what was missed.
        Map<String, Object> resumedAt = run.only("resumed");
        assertEquals(first.get(first.size() - 1).get("id"), resumedAt.get("lastEventId"), run::toString);
        List<Map<String, Object>> missed = events(run.only("observed"));
        List<Map<String, Object>> resumed = events(resumedAt);
        assertEquals(List.of("grace joined #" + room, "grace wrote in #" + room, "ada wrote in #" + room),
                texts(missed, room), run::toString);
        assertEquals(missed, resumed, () -> "Jetty sent what was missed: every event, its id and data, once, in order\n" + run);

        Map<String, Object> live = run.only("live");
        assertEquals(live.get("observed"), live.get("resumed"), () -> "then the live events, as Tomcat sent them\n" + run);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> afterwards = (List<Map<String, Object>>) live.get("resumed");
        assertEquals(List.of("grace left #" + room), texts(afterwards, room), run::toString);

        // The ids are the Redis stream's (the same on both nodes), growing along the feed.
        List<Map<String, Object>> all = new ArrayList<>(first);
        all.addAll(inRoom(resumed, room));
        all.addAll(inRoom(afterwards, room));
        String previous = "0-0";
        for (Map<String, Object> event : all) {
            String id = String.valueOf(event.get("id"));
            assertTrue(STREAM_ID.matcher(id).matches(), () -> "a stream id: " + event);
            assertTrue(compareStreamIds(id, previous) > 0, () -> "ids grow: " + all);
            previous = id;
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Stream ids compare by their time, then their sequence. */
    private static int compareStreamIds(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int byTime = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return byTime != 0 ? byTime : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }

    private static String base(Distribution node) {
        return "http://127.0.0.1:" + node.port();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(Map<String, Object> printed) {
        return (List<Map<String, Object>>) printed.get("events");
    }

    /** The activity events of {@code room} (other rooms' may pass by on a shared feed). */
    private static List<Map<String, Object>> inRoom(List<Map<String, Object>> events, String room) {
        return events.stream().filter(e -> {
            assertEquals("activity", e.get("type"), () -> "an activity event, no reset: " + e);
            return room.equals(Json.object((String) e.get("data")).get("room"));
        }).toList();
    }

    private static List<Object> texts(List<Map<String, Object>> events, String room) {
        return inRoom(events, room).stream().map(e -> Json.object((String) e.get("data")).get("text")).toList();
    }

    private static Map<String, Object> typeAndName(Map<String, Object> message) {
        return Map.of(String.valueOf(message.get("type")), message.get("name"));
    }

    /** A message the chat sends, as {@link Member#await} looks for it. */
    private record Expected(String description, Predicate<Map<String, Object>> test) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static Expected members(String... names) {
        List<String> list = List.of(names);
        return new Expected("members " + list, m -> "members".equals(m.get("type")) && list.equals(m.get("members")));
    }

    private static Expected event(String type, String name) {
        return new Expected(type + " " + name, m -> type.equals(m.get("type")) && name.equals(m.get("name")));
    }

    private static Expected message(String from, String text) {
        return new Expected("message " + from + ": " + text,
                m -> "message".equals(m.get("type")) && from.equals(m.get("from")) && text.equals(m.get("text")));
    }

    /** A chat member over the JDK client on one node, keeping every JSON message it was sent, in order. */
    private static final class Member implements AutoCloseable {
        private final String who;
        private final JdkSession session;
        private final List<Map<String, Object>> received = new ArrayList<>();

        private Member(String who, JdkSession session) {
            this.who = who;
            this.session = session;
        }

        static Member join(HttpClient http, Distribution node, String room, String name) throws Exception {
            String query = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
            return new Member(name + " on " + node, JdkSession.open(http, node.ws("/chat/" + room + "?name=" + query)));
        }

        /** The next message; fails with everything received so far when none comes in time. */
        Map<String, Object> next() throws Exception {
            Message message;
            try {
                message = session.next(Message.class);
            } catch (AssertionFailedError e) {
                throw new AssertionFailedError(e.getMessage() + "\n" + transcript(), e);
            }
            assertTrue(message.text());
            Map<String, Object> object = Json.object(message.string());
            received.add(object);
            if ("message".equals(object.get("type"))) assertInstanceOf(Long.class, object.get("time"), object::toString);
            return object;
        }

        /** Takes messages until each of {@code wanted} has come, in any order (others may come between). */
        void await(Expected... wanted) throws Exception {
            List<Expected> missing = new ArrayList<>(List.of(wanted));
            while (!missing.isEmpty()) {
                Map<String, Object> message;
                try {
                    message = next();
                } catch (AssertionFailedError e) {
                    throw new AssertionFailedError(who + " still waits for " + missing + ": " + e.getMessage(), e);
                }
                missing.removeIf(expected -> expected.test().test(message));
            }
        }

        /** Takes messages until {@code count} chat messages have come. */
        void awaitMessages(int count) throws Exception {
            while (messages().size() < count) next();
        }

        /** The chat messages received so far, as "from: text". */
        List<String> messages() {
            return received.stream().filter(m -> "message".equals(m.get("type"))).map(m -> m.get("from") + ": " + m.get("text")).toList();
        }

        /** Closes the connection (1000) and takes what comes until the server's close, which must be 1000 too. */
        void leave() throws Exception {
            JdkSession.await(session.socket().sendClose(1000, ""));
            while (true) {
                JdkSession.Event event = session.next();
                if (event instanceof Closed closed) {
                    assertEquals(1000, closed.code(), this::transcript);
                    return;
                }
                if (!(event instanceof Message message)) throw new AssertionFailedError(who + " got " + event + "\n" + transcript());
                received.add(Json.object(message.string()));
            }
        }

        /** Sends {@code text} (plain words: nothing to escape in JSON) to the room. */
        void say(String text) throws Exception {
            if (!text.matches("[\\w ]+")) throw new IllegalArgumentException("plain words only: " + text);
            JdkSession.await(session.socket().sendText("{\"type\":\"message\",\"text\":\"" + text + "\"}", true));
        }

        String transcript() {
            StringBuilder out = new StringBuilder(who).append(" received:");
            received.forEach(m -> out.append("\n  ").append(m));
            return out.toString();
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
