package dev.tether.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.broker.redis.EventStreamReader.Event;
import dev.tether.broker.redis.testing.RedisServer;
import dev.tether.runtime.broadcast.EventTopic.Joined;
import dev.tether.runtime.broadcast.Presence;
import dev.tether.servlet.testing.Container;
import dev.tether.sse.SseEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** What review found the broker did wrong under concurrency, outages and large replays; each was seen failing. */
class RedisBrokerFaultsTest {

    @Test
    void concurrentBroadcastsFromAFreshNodeAreAllDelivered() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisBrokerOptions options = RedisBrokerTest.options(redis.uri()).build();
            ExecutorService publishers = Executors.newFixedThreadPool(16);
            try (ClusterNode jetty = new ClusterNode(Container.JETTY, RedisBroker.connect(options), 1000, 1 << 20);
                 EventStreamReader reader = EventStreamReader.open(jetty.news(), null)) {
                assertEquals(Joined.FIRST, jetty.joins.poll(10, TimeUnit.SECONDS));
                for (int round = 0; round < 10; round++) {
                    // Each round a node that has not appended before: its first appends race each other.
                    try (RedisBroker fresh = RedisBroker.connect(options)) {
                        var news = fresh.eventTopic(ClusterNode.NEWS, 1000, 1 << 20);
                        List<CompletableFuture<CompletableFuture<Integer>>> sends = new ArrayList<>();
                        for (int i = 0; i < 16; i++) {
                            String data = round + "." + i;
                            sends.add(CompletableFuture.supplyAsync(() -> news.broadcast(SseEvent.data(data)), publishers));
                        }
                        for (var send : sends) send.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
                    }
                    List<String> received = new ArrayList<>();
                    for (int i = 0; i < 16; i++) received.add(reader.next().data());
                    assertEquals(16, received.stream().distinct().count(), "round " + round + ": " + received);
                }
            } finally {
                publishers.shutdownNow();
            }
        }
    }

    @Test
    void aReplayLargerThanTheReplayBytesIsAResetNotAnOverflow() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisBrokerOptions options = RedisBrokerTest.options(redis.uri()).build();
            // The mirror keeps about 4 KiB; the stream thousands of events.
            try (ClusterNode jetty = new ClusterNode(Container.JETTY, RedisBroker.connect(options), 5000, 4096)) {
                String first;
                try (EventStreamReader reader = EventStreamReader.open(jetty.news(), null)) {
                    jetty.joins.poll(10, TimeUnit.SECONDS);
                    jetty.news.broadcast(SseEvent.data("first")).get(10, TimeUnit.SECONDS);
                    first = reader.next().id();
                }
                String kilobyte = "x".repeat(1024);
                List<CompletableFuture<Integer>> sends = new ArrayList<>();
                for (int i = 0; i < 2000; i++) sends.add(jetty.news.broadcast(SseEvent.data(kilobyte)));
                for (CompletableFuture<Integer> send : sends) send.get(30, TimeUnit.SECONDS);
                try (EventStreamReader back = EventStreamReader.open(jetty.news(), first)) {
                    assertEquals(Joined.RESET, jetty.joins.poll(10, TimeUnit.SECONDS), "2 MB to replay: more than the 4 KiB kept");
                    assertEquals("reset", back.next().type());
                }
            }
        }
    }

    @Test
    void aReplayOfManyPagesFromTheStreamSendsEachMissedEventOnceInOrder() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisBrokerOptions options = RedisBrokerTest.options(redis.uri()).build();
            // The mirror keeps three events: 600 missed ones come from the stream, three pages of them.
            try (ClusterNode jetty = new ClusterNode(Container.JETTY, RedisBroker.connect(options), 3, 1 << 20)) {
                String first;
                try (EventStreamReader reader = EventStreamReader.open(jetty.news(), null)) {
                    jetty.joins.poll(10, TimeUnit.SECONDS);
                    jetty.news.broadcast(SseEvent.data("0")).get(10, TimeUnit.SECONDS);
                    first = reader.next().id();
                }
                List<CompletableFuture<Integer>> sends = new ArrayList<>();
                for (int i = 1; i <= 600; i++) sends.add(jetty.news.broadcast(SseEvent.data(Integer.toString(i))));
                for (CompletableFuture<Integer> send : sends) send.get(30, TimeUnit.SECONDS);
                try (EventStreamReader back = EventStreamReader.open(jetty.news(), first)) {
                    assertEquals(Joined.RESUMED, jetty.joins.poll(10, TimeUnit.SECONDS));
                    String previous = first;
                    for (int i = 1; i <= 600; i++) {
                        Event event = back.next();
                        assertEquals(Integer.toString(i), event.data());
                        assertTrue(StreamIds.compare(event.id(), previous) > 0);
                        previous = event.id();
                    }
                    jetty.news.broadcast(SseEvent.data("live")).get(10, TimeUnit.SECONDS);
                    assertEquals("live", back.next().data(), "then the live events, nothing twice between");
                }
            }
        }
    }

    @Test
    void aTopicOpenedWhileRedisIsAwayHearsTheOtherNodesOnceItIsBack() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisBrokerOptions options = RedisBrokerTest.options(redis.uri()).publishTimeout(Duration.ofSeconds(1)).build();
            try (RedisBroker here = RedisBroker.connect(options); RedisBroker there = RedisBroker.connect(options)) {
                LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
                redis.kill();
                here.webSocketTopic("late").addListener(new dev.tether.api.TopicListener() {
                    @Override
                    public void onText(String text) {
                        heard.add(text);
                    }
                });
                // Longer than the publish timeout: the subscription made now times out.
                CompletableFuture<Void> timedOut = new CompletableFuture<>();
                here.scheduler().schedule(() -> timedOut.complete(null), 2500, TimeUnit.MILLISECONDS);
                timedOut.get(10, TimeUnit.SECONDS);
                redis.restart();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                String got = null;
                for (int i = 0; got == null && System.nanoTime() < deadline; i++) {
                    there.webSocketTopic("late").broadcast("hello " + i).exceptionally(e -> 0);
                    got = heard.poll(200, TimeUnit.MILLISECONDS);
                }
                assertTrue(got != null && got.startsWith("hello"), "the topic never heard the other node: " + got);
            }
        }
    }

    @Test
    void aMemberWhoLeftRightAfterEnteringDoesNotStayPresent() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            // Members expire after 5 s: only a ghost written back could keep one, not a late heartbeat.
            RedisBrokerOptions options = RedisBrokerTest.options(redis.uri()).presenceTimeout(Duration.ofSeconds(5)).build();
            try (RedisBroker here = RedisBroker.connect(options); RedisBroker there = RedisBroker.connect(options)) {
                LinkedBlockingQueue<List<String>> seen = new LinkedBlockingQueue<>();
                Presence watched = there.presence("room");
                watched.addListener(() -> watched.members().thenAccept(seen::add));
                for (int i = 0; i < 20; i++) {
                    here.presence("room-" + i).enter("ghost").leave(); // a fresh topic each time
                }
                here.presence("room").enter("ghost").leave();
                here.presence("room").enter("real");
                RedisBrokerTest.awaitMembers(seen, List.of("real"));
                for (int i = 0; i < 20; i++) {
                    assertEquals(List.of(), there.presence("room-" + i).members().toCompletableFuture().get(5, TimeUnit.SECONDS));
                }
                // And still so after heartbeats have renewed the node's members.
                CompletableFuture<Void> beats = new CompletableFuture<>();
                here.scheduler().schedule(() -> beats.complete(null), 3 * options.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
                beats.get(10, TimeUnit.SECONDS);
                assertEquals(List.of("real"), there.presence("room").members().toCompletableFuture().get(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void anEventWithoutDataIsSentAsLocallyAndLeavesNothingWaiting() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisBrokerOptions options = RedisBrokerTest.options(redis.uri()).build();
            try (ClusterNode jetty = new ClusterNode(Container.JETTY, RedisBroker.connect(options), 100, 1 << 20);
                 EventStreamReader reader = EventStreamReader.open(jetty.news(), null)) {
                jetty.joins.poll(10, TimeUnit.SECONDS);
                jetty.news.broadcast(SseEvent.of().retry(3000)).get(10, TimeUnit.SECONDS);
                jetty.news.broadcast(SseEvent.data("after")).get(10, TimeUnit.SECONDS);
                Event after = reader.next();
                assertEquals("after", after.data());
                assertEquals("3000", reader.retries.poll(10, TimeUnit.SECONDS), "the event without data was sent too");
            }
        }
    }
}
