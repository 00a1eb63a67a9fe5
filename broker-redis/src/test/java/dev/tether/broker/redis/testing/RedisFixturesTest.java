package dev.tether.broker.redis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Redis fixtures themselves, driven with Lettuce as the broker uses it: a crash-safe server and a working cluster. */
@Timeout(120)
class RedisFixturesTest {

    @Test
    void aKilledServerRestartsOnItsPortWithEveryAcknowledgedWrite() throws Exception {
        Path dir;
        try (RedisServer redis = RedisServer.start()) {
            dir = redis.dir();
            assertEquals("redis://127.0.0.1:" + redis.port(), redis.uri());
            RedisClient client = RedisClient.create(RedisURI.create(redis.uri()));
            try {
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    assertEquals("OK", connection.sync().set("survivor", "acknowledged"));
                }
                long pid = redis.pid();
                redis.kill();
                assertFalse(redis.isRunning());
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "redis-server " + pid + " is gone");

                redis.restart();
                assertTrue(redis.isRunning());
                assertNotEquals(pid, redis.pid());
                assertTrue(redis.log().contains("DB loaded from append only file"), redis.log());
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    assertEquals("acknowledged", connection.sync().get("survivor"));
                }
                assertEquals("acknowledged\n", redis.cli("GET", "survivor"));
            } finally {
                client.shutdown();
            }
        }
        assertFalse(Files.exists(dir), "close deletes " + dir);
    }

    @Test
    void aClusterOfThreeMastersServesKeysOnEverySlotRange() throws Exception {
        try (RedisCluster cluster = RedisCluster.start()) {
            assertEquals(3, cluster.ports().size());
            for (int port : cluster.ports()) assertTrue(port + 10000 <= 65535, "cluster bus port of " + port);
            RedisClusterClient client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
            try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
                RedisAdvancedClusterCommands<String, String> sync = connection.sync();
                Set<Integer> owners = new HashSet<>();
                for (int i = 0; i < 20; i++) {
                    String key = "key:" + i;
                    assertEquals("OK", sync.set(key, "value " + i));
                    owners.add(connection.getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getUri().getPort());
                }
                assertEquals(Set.copyOf(cluster.ports()), owners, "20 keys land on all three masters");
                for (int i = 0; i < 20; i++) assertEquals("value " + i, sync.get("key:" + i));
                assertTrue(sync.clusterInfo().contains("cluster_state:ok"), sync.clusterInfo());
                for (RedisServer node : cluster.nodes()) {
                    assertTrue(node.cli("CLUSTER", "INFO").contains("cluster_state:ok"), node.toString());
                    assertTrue(Integer.parseInt(node.cli("DBSIZE").strip()) > 0, node + " holds some of the keys");
                }
            } finally {
                client.shutdown();
            }
        }
    }
}
