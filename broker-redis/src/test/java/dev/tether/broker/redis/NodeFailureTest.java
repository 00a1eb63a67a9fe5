package dev.tether.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.broker.redis.testing.RedisServer;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.JdkClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A node killed with SIGKILL (no goodbye): its members leave the other nodes' presence within the
 * presence timeout plus one heartbeat, as {@link RedisBrokerOptions#presenceTimeout()} states.
 */
class NodeFailureTest {

    @Test
    void aKilledNodesMembersLeaveTheOthersPresenceWithinTheStatedTime() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisBrokerOptions options = RedisBrokerTest.options(redis.uri()).build();
            try (ClusterNode jetty = new ClusterNode(Container.JETTY, RedisBroker.connect(options), 10, 1 << 16);
                 JdkClient ada = JdkClient.connect(jetty.room("ada"))) {
                RedisBrokerTest.awaitMembers(jetty, List.of("ada"));
                assertEquals(1, jetty.room.sockets().size(), ada + " is a member");
                Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), PresenceNodeMain.class.getName(),
                        redis.uri(), options.keyPrefix(), ClusterNode.TOPIC, "carol")
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                try {
                    BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
                    CompletableFuture<String> entered = CompletableFuture.supplyAsync(() -> {
                        try {
                            return out.readLine();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    assertEquals("entered carol", entered.get(30, TimeUnit.SECONDS));
                    RedisBrokerTest.awaitMembers(jetty, List.of("ada", "carol"));
                } finally {
                    other.destroyForcibly();
                    assertTrue(other.waitFor(10, TimeUnit.SECONDS));
                }
                long killed = System.nanoTime();
                RedisBrokerTest.awaitMembers(jetty, List.of("ada"));
                Duration gone = Duration.ofNanos(System.nanoTime() - killed);
                Duration stated = options.presenceTimeout().plus(options.heartbeatInterval());
                // The stated bound, and a margin for two JVMs on a busy machine.
                assertTrue(gone.compareTo(stated.plusMillis(1500)) <= 0, "carol left after " + gone + ", stated " + stated);
            }
        }
    }
}
