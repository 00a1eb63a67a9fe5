package dev.tether.broker.redis;

import dev.tether.runtime.broadcast.Presence;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The presence of a topic across nodes. Each node keeps its members in a hash of its own
 * ({@code members:<node>}, expiring unless renewed) and its heartbeat in the topic's sorted set of
 * nodes; {@link #members()} reads the hashes of the nodes whose heartbeat is current. A change is
 * announced on the topic's channel, so other nodes' listeners hear of it. A handle: the state lives
 * in the broker while the topic has members or listeners here.
 */
final class RedisPresence implements Presence {
    private final RedisBroker broker;
    private final String topic;

    RedisPresence(RedisBroker broker, String topic) {
        this.broker = broker;
        this.topic = topic;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public Membership enter(String name) {
        Objects.requireNonNull(name, "name");
        String key = broker.newMemberKey();
        // Inside the update: the state cannot be dropped before it has the member.
        broker.update(topic, state -> broker.enter(state, key, name));
        return new Member(key, name);
    }

    @Override
    public CompletionStage<List<String>> members() {
        return broker.members(topic);
    }

    @Override
    public void addListener(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        broker.update(topic, state -> state.listeners.add(listener));
    }

    @Override
    public void removeListener(Runnable listener) {
        broker.updateIfPresent(topic, state -> state.listeners.remove(listener));
    }

    @Override
    public String toString() {
        return "Redis presence of " + topic;
    }

    private final class Member implements Membership {
        private final String key;
        private final String name;

        Member(String key, String name) {
            this.key = key;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void leave() {
            broker.updateIfPresent(topic, state -> broker.leave(state, key));
        }
    }
}
