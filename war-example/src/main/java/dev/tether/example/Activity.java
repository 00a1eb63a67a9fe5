package dev.tether.example;

import dev.tether.api.EventSource;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.sse.SseEvent;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The activity feed of every chat room ("ada joined #lobby", "ada wrote in #lobby"), one stream for
 * all, served at {@code /activity} by {@link ActivityFilter}. Each event is of type
 * {@value #EVENT_TYPE}, its data one JSON object
 * {@code {"kind":"join"|"leave"|"message","room":…,"name":…,"members":n,"text":…,"time":millis}},
 * and its id {@code <run>-<n>}: a tag chosen when the application starts, then a counter. The newest
 * 500 events are kept, so a client reconnecting with {@code Last-Event-ID} gets what it missed, and
 * one that arrives for the first time the newest {@value #RECENT} (the page is not empty); an
 * id from an earlier run of the application (a restart) is answered with a {@code reset} event.
 * Thread-safe.
 */
public final class Activity {
    /** The SSE event type of the feed's events. */
    public static final String EVENT_TYPE = "activity";
    /** The servlet context attribute under which the application's feed is kept. */
    static final String ATTRIBUTE = Activity.class.getName();

    private final EventBroadcaster events = new EventBroadcaster(500, 512 * 1024);
    private final String run = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);
    private final AtomicLong counter = new AtomicLong();

    Activity() {
    }

    /** How many of the newest events a first-time visitor's stream starts with. */
    static final int RECENT = 20;

    /**
     * Sends what a stream missed (or a reset), or to a first-time stream the newest {@value #RECENT}
     * events, then every new event until the stream closes.
     */
    void subscribe(EventSource source) {
        events.subscribe(source, RECENT);
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
        // counter is shared, so ids increase along the stream.
        synchronized (this) {
            events.broadcast(SseEvent.data(data).event(EVENT_TYPE).id(run + "-" + counter.incrementAndGet()));
        }
    }

    void closeAll() {
        events.closeAll();
    }
}
