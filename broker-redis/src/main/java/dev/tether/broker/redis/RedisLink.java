package dev.tether.broker.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The broker's connections to Redis, one server or a cluster alike: a multiplexed connection for
 * commands, one for pub/sub (plain channels on a server, sharded channels on a cluster, so a
 * channel lives on the shard of its topic's keys), and dedicated connections for blocking stream
 * reads. Lettuce reconnects them with the options' backoff and resubscribes; commands made meanwhile
 * wait in a bounded queue.
 */
abstract class RedisLink implements AutoCloseable {
    final ClientResources resources;

    private RedisLink(ClientResources resources) {
        this.resources = resources;
    }

    /** Connects to Redis, delivering pub/sub messages to {@code onMessage(channel, message)} on Lettuce's threads. */
    static RedisLink connect(RedisBrokerOptions options, BiConsumer<byte[], byte[]> onMessage) {
        ClientResources resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(doubling(options.reconnectDelayMin(), options.reconnectDelayMax()))
                .build();
        try {
            return options.cluster() ? new Cluster(options, resources, onMessage) : new Standalone(options, resources, onMessage);
        } catch (RuntimeException e) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** From {@code min}, doubling at each failed attempt, up to {@code max}: what the options promise. */
    private static Delay doubling(Duration min, Duration max) {
        return new Delay() {
            @Override
            public Duration createDelay(long attempt) {
                long millis = min.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
                return Duration.ofMillis(Math.min(millis, max.toMillis()));
            }
        };
    }

    /** Commands on the shared connection. */
    abstract RedisClusterAsyncCommands<byte[], byte[]> commands();

    abstract CompletionStage<Void> subscribe(byte[] channel);

    abstract CompletionStage<Void> unsubscribe(byte[] channel);

    abstract CompletionStage<Long> publish(byte[] channel, byte[] message);

    /** The connections {@link #openReader()} made, closed with the link. */
    private final java.util.List<StatefulConnection<byte[], byte[]>> readers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A connection of its own, for a reader that blocks (XREAD BLOCK) and so must not hold up others. */
    final StatefulConnection<byte[], byte[]> openReader() {
        StatefulConnection<byte[], byte[]> reader = connectReader();
        readers.add(reader);
        return reader;
    }

    abstract StatefulConnection<byte[], byte[]> connectReader();

    /**
     * Closes the readers before the client: its shutdown would close a cluster connection's node
     * connections a second time, and log a warning for each.
     */
    void closeReaders() {
        readers.forEach(StatefulConnection::close);
    }

    /** The commands of a connection {@link #openReader()} made. */
    abstract RedisClusterAsyncCommands<byte[], byte[]> readerCommands(StatefulConnection<byte[], byte[]> reader);

    /** Closes every connection and Lettuce's threads. */
    @Override
    public abstract void close();

    private static List<RedisURI> uris(RedisBrokerOptions options) {
        return options.uris().stream().map(uri -> {
            RedisURI redisUri = RedisURI.create(uri);
            redisUri.setTimeout(options.publishTimeout());
            return redisUri;
        }).toList();
    }

    private static SocketOptions socketOptions(RedisBrokerOptions options) {
        return SocketOptions.builder().connectTimeout(options.connectTimeout()).keepAlive(true).build();
    }

    private static final class Standalone extends RedisLink {
        private final RedisClient client;
        private final StatefulRedisConnection<byte[], byte[]> commands;
        private final StatefulRedisPubSubConnection<byte[], byte[]> pubSub;

        Standalone(RedisBrokerOptions options, ClientResources resources, BiConsumer<byte[], byte[]> onMessage) {
            super(resources);
            client = RedisClient.create(resources, uris(options).get(0));
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .requestQueueSize(options.publishQueueLimit())
                    .timeoutOptions(TimeoutOptions.enabled(options.publishTimeout()))
                    .socketOptions(socketOptions(options))
                    .build());
            try {
                commands = client.connect(ByteArrayCodec.INSTANCE);
                pubSub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                throw e;
            }
            pubSub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    onMessage.accept(channel, message);
                }
            });
        }

        @Override
        RedisClusterAsyncCommands<byte[], byte[]> commands() {
            return commands.async();
        }

        @Override
        CompletionStage<Void> subscribe(byte[] channel) {
            return pubSub.async().subscribe(channel);
        }

        @Override
        CompletionStage<Void> unsubscribe(byte[] channel) {
            return pubSub.async().unsubscribe(channel);
        }

        @Override
        CompletionStage<Long> publish(byte[] channel, byte[] message) {
            return commands.async().publish(channel, message);
        }

        @Override
        StatefulConnection<byte[], byte[]> connectReader() {
            return client.connect(ByteArrayCodec.INSTANCE);
        }

        @Override
        @SuppressWarnings("unchecked")
        RedisClusterAsyncCommands<byte[], byte[]> readerCommands(StatefulConnection<byte[], byte[]> reader) {
            return ((StatefulRedisConnection<byte[], byte[]>) reader).async();
        }

        @Override
        public void close() {
            closeReaders();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    private static final class Cluster extends RedisLink {
        private final RedisClusterClient client;
        private final StatefulRedisClusterConnection<byte[], byte[]> commands;
        private final StatefulRedisClusterPubSubConnection<byte[], byte[]> pubSub;

        Cluster(RedisBrokerOptions options, ClientResources resources, BiConsumer<byte[], byte[]> onMessage) {
            super(resources);
            client = RedisClusterClient.create(resources, uris(options));
            ClusterClientOptions.Builder clientOptions = ClusterClientOptions.builder()
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(10)) // a moved shard is found again without a restart
                            .build());
            clientOptions.autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .requestQueueSize(options.publishQueueLimit())
                    .timeoutOptions(TimeoutOptions.enabled(options.publishTimeout()))
                    .socketOptions(socketOptions(options));
            client.setOptions(clientOptions.build());
            try {
                commands = client.connect(ByteArrayCodec.INSTANCE);
                pubSub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                throw e;
            }
            pubSub.addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
                    onMessage.accept(channel, message);
                }
            });
        }

        @Override
        RedisClusterAsyncCommands<byte[], byte[]> commands() {
            return commands.async();
        }

        @Override
        CompletionStage<Void> subscribe(byte[] channel) {
            return pubSub.async().ssubscribe(channel);
        }

        @Override
        CompletionStage<Void> unsubscribe(byte[] channel) {
            return pubSub.async().sunsubscribe(channel);
        }

        @Override
        CompletionStage<Long> publish(byte[] channel, byte[] message) {
            return commands.async().spublish(channel, message);
        }

        @Override
        StatefulConnection<byte[], byte[]> connectReader() {
            return client.connect(ByteArrayCodec.INSTANCE);
        }

        @Override
        @SuppressWarnings("unchecked")
        RedisClusterAsyncCommands<byte[], byte[]> readerCommands(StatefulConnection<byte[], byte[]> reader) {
            return ((StatefulRedisClusterConnection<byte[], byte[]>) reader).async();
        }

        @Override
        public void close() {
            closeReaders(); // and the others, for the same reason
            pubSub.close();
            commands.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
