package dev.tether.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.broker.redis.EventStreamReader.Event;
import dev.tether.broker.redis.testing.RedisCluster;
import dev.tether.runtime.broadcast.EventTopic.Joined;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.JdkClient;
import dev.tether.sse.SseEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The same two nodes on a three-master Redis Cluster: WebSocket topics over sharded pub/sub (the
 * channel lives on the shard of its topic's keys), presence and event streams on that shard.
 */
class RedisClusterBrokerTest {

    @Test
    void twoNodesShareTopicsThroughShardedPubSubAndStreamsOnACluster() throws Exception {
        try (RedisCluster cluster = RedisCluster.start()) {
            RedisBrokerOptions options = RedisBrokerOptions.builder(cluster.uris().toArray(String[]::new))
                    .cluster(true)
                    .heartbeatInterval(Duration.ofMillis(200))
                    .presenceTimeout(Duration.ofSeconds(1))
                    .build();
            try (ClusterNode jetty = new ClusterNode(Container.JETTY, RedisBroker.connect(options), 100, 1 << 20);
                 ClusterNode tomcat = new ClusterNode(Container.TOMCAT, RedisBroker.connect(options), 100, 1 << 20);
                 JdkClient ada = JdkClient.connect(jetty.room("ada"))) {
                RedisBrokerTest.awaitMembers(tomcat, List.of("ada"));
                try (JdkClient grace = JdkClient.connect(tomcat.room("grace"))) {
                    RedisBrokerTest.awaitMembers(jetty, List.of("ada", "grace"));
                    grace.socket.sendText("sharded hello", true);
                    assertEquals("sharded hello", ada.messages.poll(10, TimeUnit.SECONDS));
                    assertEquals("sharded hello", grace.messages.poll(10, TimeUnit.SECONDS));
                    assertNull(ada.messages.poll(200, TimeUnit.MILLISECONDS), "once");
                }

                String lastId;
                try (EventStreamReader onJetty = EventStreamReader.open(jetty.news(), null)) {
                    assertEquals(Joined.FIRST, jetty.joins.poll(10, TimeUnit.SECONDS));
                    jetty.news.broadcast(SseEvent.data("one")).get(10, TimeUnit.SECONDS);
                    lastId = onJetty.next().id();
                }
                tomcat.news.broadcast(SseEvent.data("two")).get(10, TimeUnit.SECONDS);
                try (EventStreamReader onTomcat = EventStreamReader.open(tomcat.news(), lastId)) {
                    assertEquals(Joined.RESUMED, tomcat.joins.poll(10, TimeUnit.SECONDS));
                    Event two = onTomcat.next();
                    assertEquals("two", two.data());
                    assertTrue(StreamIds.compare(two.id(), lastId) > 0);
                }
            }
        }
    }
}
