package dev.tether.example;

import dev.tether.api.EventSource;
import dev.tether.runtime.broadcast.Broker;
import dev.tether.runtime.broadcast.EventTopic;
import dev.tether.sse.SseEvent;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The activity feed of every chat room ("ada joined #lobby", "ada wrote in #lobby"), one stream for
 * all, served at {@code /activity} by {@link ActivityFilter}. Each event is of type
 * {@value #EVENT_TYPE}, its data one JSON object
 * {@code {"kind":"join"|"leave"|"message","room":…,"name":…,"members":n,"text":…,"time":millis}}
 * ({@code members}: how many are in the room, on every node).
 *
 * <p>The feed is the event topic {@value #TOPIC} of the application's {@link Broker}, which keeps the
 * newest 500 events, so a client reconnecting with {@code Last-Event-ID} gets what it missed, and
 * one that arrives for the first time the newest {@value #RECENT} (the page is not empty); an id
 * the topic does not know (from before a restart, say) is answered with a {@code reset} event. The
 * ids are the topic's: with a broker of one process, the ids this feed gives, {@code <run>-<n>} (a
 * tag chosen when the application starts, then a counter); with a shared broker (Redis), the ids of
 * its stream, the same on every node, so the client may reconnect to any of them. Thread-safe.
 */
public final class Activity {
    /** The SSE event type of the feed's events. */
    public static final String EVENT_TYPE = "activity";
    /** The servlet context attribute under which the application's feed is kept. */
    static final String ATTRIBUTE = Activity.class.getName();
    /** The name of the feed's event topic. */
    static final String TOPIC = "activity";
    private static final System.Logger LOG = System.getLogger(Activity.class.getName());

    private final EventTopic events;
    private final String run = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);
    private final AtomicLong counter = new AtomicLong();

    Activity(Broker broker) {
        this.events = broker.eventTopic(TOPIC, 500, 512 * 1024);
    }

    /** How many of the newest events a first-time visitor's stream starts with. */
    static final int RECENT = 20;

    /**
     * Sends what a stream missed (or a reset), or to a first-time stream the newest {@value #RECENT}
     * events, then every new event until the stream closes. A stream that cannot join (a shared
     * broker that cannot read its log) is closed, so the browser tries again.
     */
    void subscribe(EventSource source) {
        events.join(source, RECENT).whenComplete((joined, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "an activity stream could not join the feed; closed: " + error);
                source.close();
            }
        });
    }

    void joined(String room, String name, int members) {
        publish("join", room, name, members, name + " joined #" + room);
    }

    void left(String room, String name, int members) {
        publish("leave", room, name, members, name + " left #" + room);
    }

    void wrote(String room, String name, int members) {
        publish("message", room, name, members, name + " wrote in #" + room);
    }

    private void publish(String kind, String room, String name, int members, String text) {
        String data = Json.object()
                .put("kind", kind).put("room", room).put("name", name).put("members", members)
                .put("text", text).put("time", System.currentTimeMillis())
                .toString();
        // The id is taken inside broadcast order: callers publish under their room's lock, and the
        // counter is shared, so ids increase along the stream. A shared broker puts its own in its place.
        synchronized (this) {
            events.broadcast(SseEvent.data(data).event(EVENT_TYPE).id(run + "-" + counter.incrementAndGet()))
                    .whenComplete((written, error) -> {
                        // The broker itself warns while Redis is away; one line per lost event would drown that.
                        if (error != null) LOG.log(System.Logger.Level.DEBUG, "activity event not published: " + error);
                    });
        }
    }
}
