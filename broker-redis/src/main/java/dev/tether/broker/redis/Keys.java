package dev.tether.broker.redis;

import java.nio.charset.StandardCharsets;

/**
 * The names of a topic's Redis keys and channel. Each holds the topic name in a hash tag
 * ({@code {name}}), so on a Redis Cluster all of one topic live on one shard and its sharded pub/sub
 * channel with them.
 */
final class Keys {
    private static final String CHANNEL = ":ws";
    private final String prefix;

    Keys(String prefix) {
        this.prefix = prefix;
    }

    /** The pub/sub channel of WebSocket messages and presence notices. */
    byte[] channel(String topic) {
        return bytes(prefix + "{" + topic + "}" + CHANNEL);
    }

    /** The topic of {@code channel}, or null when it is not one of ours. */
    String topicOf(byte[] channel) {
        String name = new String(channel, StandardCharsets.UTF_8);
        String start = prefix + "{";
        String end = "}" + CHANNEL;
        if (!name.startsWith(start) || !name.endsWith(end) || name.length() < start.length() + end.length()) return null;
        return name.substring(start.length(), name.length() - end.length());
    }

    /** The stream of an event topic. */
    byte[] stream(String topic) {
        return bytes(prefix + "{" + topic + "}:events");
    }

    /** The sorted set of nodes with members in {@code topic}, scored by when their presence expires. */
    byte[] nodes(String topic) {
        return bytes(prefix + "{" + topic + "}:nodes");
    }

    /** The hash of one node's members in {@code topic}: entry key to name. */
    byte[] members(String topic, String node) {
        return bytes(prefix + "{" + topic + "}:members:" + node);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
