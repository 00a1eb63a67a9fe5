package dev.tether.example;

import dev.tether.api.TopicListener;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The newest events of one chat room on this node: a listener of the room's topic, so every join,
 * leave and message object broadcast there is remembered, this node's and, on a shared broker, those
 * other nodes publish. Thread-safe.
 */
final class RoomHistory implements TopicListener {
    private final int size;
    /** The newest events as JSON objects, oldest first; guarded by itself. */
    private final Deque<String> events = new ArrayDeque<>();

    RoomHistory(int size) {
        this.size = size;
    }

    /**
     * The newest events, oldest first, leaving out the newest one equal to {@code own}: a joiner's
     * own join, which its welcome does not repeat.
     */
    List<String> newest(String own) {
        synchronized (events) {
            List<String> newest = new ArrayList<>(events);
            int last = newest.lastIndexOf(own);
            if (last >= 0) newest.remove(last);
            return newest;
        }
    }

    /** Remembers {@code text}, one event of the room. */
    @Override
    public void onText(String text) {
        synchronized (events) {
            events.addLast(text);
            if (events.size() > size) events.removeFirst();
        }
    }
}
