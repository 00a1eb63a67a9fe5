package dev.tether.broker.redis;

import java.time.Duration;

/**
 * A node in a process of its own, for the test that kills one: connects to Redis, enters a member in
 * a topic's presence, says so on standard output and waits until it is killed.
 * Arguments: Redis URI, key prefix, topic, member name.
 */
public final class PresenceNodeMain {
    private PresenceNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        RedisBrokerOptions options = RedisBrokerOptions.builder(args[0]).keyPrefix(args[1])
                .heartbeatInterval(Duration.ofMillis(200)).presenceTimeout(Duration.ofSeconds(1)).build();
        RedisBroker broker = RedisBroker.connect(options);
        broker.presence(args[2]).enter(args[3]);
        System.out.println("entered " + args[3]);
        System.out.flush();
        System.in.read(); // until killed (or its standard input closes)
        broker.close();
    }
}
