package dev.tether.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.broker.redis.EventStreamReader.Event;
import dev.tether.broker.redis.testing.RedisServer;
import dev.tether.runtime.broadcast.Broker;
import dev.tether.runtime.broadcast.EventTopic.Joined;
import dev.tether.runtime.broadcast.LocalBroker;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.JdkClient;
import dev.tether.sse.SseEvent;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, one on Jetty and one on Tomcat, sharing one real Redis: WebSocket members on different
 * nodes see each other's messages and presence, an event stream client moves between nodes with
 * {@code Last-Event-ID} and gets exactly what it missed, and a Redis restart in the middle of a
 * stream of broadcasts loses and duplicates nothing.
 */
class RedisBrokerTest {
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) redis.close();
    }

    static RedisBrokerOptions.Builder options(String uri) {
        return RedisBrokerOptions.builder(uri)
                .keyPrefix("test-" + System.nanoTime() + ":") // each test its own keys
                .heartbeatInterval(Duration.ofMillis(200))
                .presenceTimeout(Duration.ofSeconds(1))
                .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private static ClusterNode node(Container container, RedisBrokerOptions options) throws Exception {
        return new ClusterNode(container, RedisBroker.connect(options), 100, 1 << 20);
    }

    /** Waits until the node's presence lists exactly {@code names} (in any order of arrival of changes). */
    static void awaitMembers(ClusterNode node, List<String> names) throws InterruptedException {
        awaitMembers(node.presenceChanges, names);
    }

    /** Waits until {@code changes} brings a member list of exactly {@code names}. */
    static void awaitMembers(java.util.concurrent.BlockingQueue<List<String>> changes, List<String> names)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> seen = null;
        while (System.nanoTime() < deadline) {
            seen = changes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (seen != null && seen.stream().sorted().toList().equals(names.stream().sorted().toList())) return;
        }
        throw new AssertionError("members never became " + names + "; last seen " + seen);
    }

    @Test
    void membersOnTwoNodesSeeEachOthersMessagesOnceAndEachOthersPresence() throws Exception {
        RedisBrokerOptions options = options(redis.uri()).build();
        try (ClusterNode jetty = node(Container.JETTY, options); ClusterNode tomcat = node(Container.TOMCAT, options);
             JdkClient ada = JdkClient.connect(jetty.room("ada"))) {
            awaitMembers(tomcat, List.of("ada")); // heard through Redis: the Jetty node is subscribed and present
            try (JdkClient grace = JdkClient.connect(tomcat.room("grace"))) {
                awaitMembers(jetty, List.of("ada", "grace"));
                assertEquals(List.of("ada", "grace"), jetty.presence.members().toCompletableFuture().get(5, TimeUnit.SECONDS));

                ada.socket.sendText("hello from jetty", true);
                assertEquals("hello from jetty", ada.messages.poll(10, TimeUnit.SECONDS));
                assertEquals("hello from jetty", grace.messages.poll(10, TimeUnit.SECONDS));
                grace.socket.sendText("hello from tomcat", true);
                grace.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
                for (JdkClient client : List.of(ada, grace)) {
                    // Each exactly once and in order: a node's own members are not sent its messages again from Redis.
                    assertEquals("hello from tomcat", client.messages.poll(10, TimeUnit.SECONDS));
                    assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), client.messages.poll(10, TimeUnit.SECONDS));
                }
                assertEquals(1, jetty.room.size());
                assertEquals(1, tomcat.room.size());
                for (ClusterNode node : List.of(jetty, tomcat)) {
                    // A listener hears each text once, whichever node sent it.
                    assertEquals("hello from jetty", node.heard.poll(10, TimeUnit.SECONDS));
                    assertEquals("hello from tomcat", node.heard.poll(10, TimeUnit.SECONDS));
                }
            }
            awaitMembers(jetty, List.of("ada")); // grace left on the other node
            assertNull(ada.messages.poll(200, TimeUnit.MILLISECONDS), "no message twice");
            assertNull(jetty.heard.poll(0, TimeUnit.MILLISECONDS), "nothing heard twice");
        }
    }

    @Test
    void aNodeClosingRightAfterAMemberLeftStillTellsTheOthers() throws Exception {
        // Expiry takes 30 s here: only the closing node's own notice can tell the other in time.
        RedisBrokerOptions options = options(redis.uri()).presenceTimeout(Duration.ofSeconds(30)).build();
        try (ClusterNode tomcat = node(Container.TOMCAT, options)) {
            RedisBroker leaving = RedisBroker.connect(options);
            var membership = leaving.presence(ClusterNode.TOPIC).enter("ada");
            awaitMembers(tomcat, List.of("ada"));
            membership.leave();
            leaving.close();
            long start = System.nanoTime();
            awaitMembers(tomcat, List.of());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "told by the leaving node, not by expiry");
        }
    }

    @Test
    void theWarningOfANodeRunningAloneDoesNotShowTheRedisPassword() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RedisBrokerOptions options = options("redis://tether:s3cret@127.0.0.1:" + closedPort).connectTimeout(Duration.ofSeconds(2)).build();
        BrokerUnavailableException error = assertThrows(BrokerUnavailableException.class, () -> RedisBroker.connect(options));
        assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
        assertTrue(error.getMessage().contains("127.0.0.1:" + closedPort), error.getMessage());
    }

    @Test
    void aStreamClientMovingToTheOtherNodeGetsExactlyWhatItMissed() throws Exception {
        RedisBrokerOptions options = options(redis.uri()).build();
        try (ClusterNode jetty = node(Container.JETTY, options); ClusterNode tomcat = node(Container.TOMCAT, options)) {
            String lastId;
            try (EventStreamReader onJetty = EventStreamReader.open(jetty.news(), null)) {
                assertEquals(Joined.FIRST, jetty.joins.poll(10, TimeUnit.SECONDS));
                for (int i = 1; i <= 3; i++) jetty.news.broadcast(SseEvent.data("event " + i).event("news")).get(10, TimeUnit.SECONDS);
                Event third = null;
                for (int i = 1; i <= 3; i++) {
                    third = onJetty.next();
                    assertEquals(new Event("news", "event " + i, third.id()), third);
                }
                lastId = third.id();
                assertTrue(StreamIds.valid(lastId), lastId);
            }
            for (int i = 4; i <= 6; i++) (i % 2 == 0 ? tomcat : jetty).news.broadcast(SseEvent.data("event " + i).event("news"))
                    .get(10, TimeUnit.SECONDS);
            try (EventStreamReader onTomcat = EventStreamReader.open(tomcat.news(), lastId)) {
                assertEquals(Joined.RESUMED, tomcat.joins.poll(10, TimeUnit.SECONDS));
                jetty.news.broadcast(SseEvent.data("event 7").event("news")).get(10, TimeUnit.SECONDS);
                String previous = lastId;
                for (int i = 4; i <= 7; i++) {
                    Event event = onTomcat.next();
                    assertEquals("event " + i, event.data());
                    assertTrue(StreamIds.compare(event.id(), previous) > 0, "ids increase along the stream");
                    previous = event.id();
                }
                assertNull(onTomcat.poll(200), "nothing twice");
            }
        }
    }

    @Test
    void anIdOlderThanTheNodesMirrorIsReplayedFromTheStreamAndAnUnknownOneIsReset() throws Exception {
        RedisBrokerOptions options = options(redis.uri()).build();
        // The mirror keeps three events; the stream keeps streamLength (10,000).
        try (ClusterNode jetty = new ClusterNode(Container.JETTY, RedisBroker.connect(options), 3, 1 << 20)) {
            List<String> ids = new ArrayList<>();
            try (EventStreamReader first = EventStreamReader.open(jetty.news(), null)) {
                jetty.joins.poll(10, TimeUnit.SECONDS);
                for (int i = 1; i <= 10; i++) jetty.news.broadcast(SseEvent.data("event " + i)).get(10, TimeUnit.SECONDS);
                for (int i = 1; i <= 10; i++) ids.add(first.next().id());
            }
            try (EventStreamReader back = EventStreamReader.open(jetty.news(), ids.get(1))) {
                assertEquals(Joined.RESUMED, jetty.joins.poll(10, TimeUnit.SECONDS));
                for (int i = 3; i <= 10; i++) assertEquals(new Event("message", "event " + i, ids.get(i - 1)), back.next());
                jetty.news.broadcast(SseEvent.data("event 11")).get(10, TimeUnit.SECONDS);
                assertEquals("event 11", back.next().data());
                assertNull(back.poll(200), "nothing twice");
            }
            try (EventStreamReader unknown = EventStreamReader.open(jetty.news(), "1-0")) {
                assertEquals(Joined.RESET, jetty.joins.poll(10, TimeUnit.SECONDS));
                Event reset = unknown.next();
                assertEquals("reset", reset.type());
                assertEquals("1-0", reset.data());
            }
        }
    }

    @Test
    void aRedisRestartInTheMiddleOfBroadcastsLosesAndDuplicatesNothing() throws Exception {
        RedisBrokerOptions options = options(redis.uri()).build();
        int total = 300;
        try (ClusterNode jetty = node(Container.JETTY, options); ClusterNode tomcat = node(Container.TOMCAT, options);
             EventStreamReader onJetty = EventStreamReader.open(jetty.news(), null);
             EventStreamReader onTomcat = EventStreamReader.open(tomcat.news(), null)) {
            jetty.joins.poll(10, TimeUnit.SECONDS);
            tomcat.joins.poll(10, TimeUnit.SECONDS);
            List<CompletableFuture<Integer>> sends = new ArrayList<>();
            for (int i = 1; i <= total; i++) {
                if (i == 101) {
                    sends.get(sends.size() - 1).get(10, TimeUnit.SECONDS);
                    redis.kill(); // the next hundred are published while Redis is away
                }
                if (i == 201) {
                    assertTrue(sends.subList(100, 200).stream().noneMatch(CompletableFuture::isDone), "waiting for Redis");
                    redis.restart();
                }
                sends.add((i % 2 == 0 ? jetty : tomcat).news.broadcast(SseEvent.data(Integer.toString(i))));
            }
            for (CompletableFuture<Integer> send : sends) send.get(20, TimeUnit.SECONDS);
            List<List<Integer>> seen = new ArrayList<>();
            for (EventStreamReader reader : List.of(onJetty, onTomcat)) {
                List<Integer> received = new ArrayList<>();
                for (int i = 1; i <= total; i++) {
                    Event event = reader.poll(10_000);
                    if (event == null) throw new AssertionError("after " + received.size() + " events: " + received);
                    received.add(Integer.parseInt(event.data()));
                }
                assertNull(reader.poll(200), "nothing more");
                assertEquals(IntStream.rangeClosed(1, total).boxed().toList(), received.stream().sorted().toList(),
                        "each once: " + received);
                for (int parity = 0; parity <= 1; parity++) {
                    // Before the outage each node's events keep its order; the ones queued during it may
                    // be sent in another order when the client reconnects.
                    int p = parity;
                    List<Integer> beforeKill = received.stream().filter(n -> n % 2 == p && n <= 100).toList();
                    assertEquals(beforeKill.stream().sorted().toList(), beforeKill, "in the order one node sent them");
                }
                seen.add(received);
            }
            assertEquals(seen.get(0), seen.get(1), "both nodes send the stream's one order");
        }
    }

    @Test
    void publishesDuringAnOutageFailVisiblyPastTheQueueLimit() throws Exception {
        try (RedisServer own = RedisServer.start()) {
            RedisBrokerOptions options = options(own.uri()).publishQueueLimit(5).publishTimeout(Duration.ofSeconds(1)).build();
            try (RedisBroker broker = RedisBroker.connect(options)) {
                var topic = broker.webSocketTopic("outage");
                assertEquals(0, topic.broadcast("before").get(10, TimeUnit.SECONDS));
                own.kill();
                List<CompletableFuture<Integer>> during = new ArrayList<>();
                for (int i = 0; i < 20; i++) during.add(topic.broadcast("during " + i));
                for (CompletableFuture<Integer> send : during) {
                    ExecutionException failed = assertThrows(ExecutionException.class, () -> send.get(10, TimeUnit.SECONDS));
                    assertFalse(failed.getCause() instanceof AssertionError);
                }
            }
        }
    }

    @Test
    void redisUnreachableAtStartIsAClearErrorOrALoudLocalNode() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RedisBrokerOptions.Builder options = options("redis://127.0.0.1:" + closedPort).connectTimeout(Duration.ofSeconds(2));
        BrokerUnavailableException error = assertThrows(BrokerUnavailableException.class, () -> RedisBroker.connect(options.build()));
        assertTrue(error.getMessage().contains("127.0.0.1:" + closedPort), error.getMessage());
        assertTrue(error.getMessage().contains("RUN_ALONE"), error.getMessage());
        try (Broker alone = RedisBroker.open(options.ifUnreachable(RedisBrokerOptions.IfUnreachable.RUN_ALONE).build())) {
            assertInstanceOf(LocalBroker.class, alone);
            assertFalse(alone.shared());
        }
    }
}
