package dev.tether.example;

import dev.tether.api.WebSocket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The chat rooms of the application: who is in each room, its recent messages, and the JSON lines
 * sent to its members. Thread-safe: a room is changed and broadcast to only under its own lock, so
 * every member sees one order of joins, leaves and messages (sends only queue, they never block).
 * A room exists while it has members; the last one out removes it.
 *
 * <p>What the server sends (one JSON object per text message):
 * <pre>
 * {"type":"welcome","room":"lobby","name":"ada","server":"…","members":["ada","grace"],"history":[…]}   to the joiner
 * {"type":"join","name":"grace","time":…}                                                           to the others
 * {"type":"leave","name":"grace","time":…}
 * {"type":"members","members":["ada","grace"]}                                                      after each join and leave
 * {"type":"message","from":"ada","text":"hello","time":…}                                           to everyone, the sender too
 * {"type":"error","error":"…"}                                                                      to a sender whose message was refused
 * </pre>
 * {@code history} holds the newest {@value #HISTORY} join, leave and message objects of the room;
 * {@code server} changes when the application restarts (the history is then gone); {@code time}
 * is the server's clock in epoch milliseconds.
 */
final class ChatRooms {
    static final int MAX_NAME = 24;
    static final int MAX_ROOM = 24;
    static final int MAX_TEXT = 500;
    static final int MAX_MEMBERS = 50;
    static final int HISTORY = 50;

    /** Letters, digits and marks of any script, with single spaces, '.', '-', '_' or '\'' between. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}\\p{M}]+(?:[ ._'-][\\p{L}\\p{N}\\p{M}]+)*");
    private static final Pattern ROOM = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");

    /** A member of a room, as its connection knows it. */
    record Member(Room room, String name, WebSocket socket) {
    }

    static final class Room {
        private final String name;
        /** The members in the order they joined; guarded by this room. */
        private final Map<WebSocket, String> members = new LinkedHashMap<>();
        /** The newest events as JSON objects; guarded by this room. */
        private final Deque<String> history = new ArrayDeque<>();
        /** Set by the last member out, once the room is out of the map; guarded by this room. */
        private boolean closed;
        /** Sends queued under the lock, in order; run by one thread at a time. */
        private final Queue<Runnable> outbox = new ConcurrentLinkedQueue<>();
        private final AtomicInteger sending = new AtomicInteger();

        Room(String name) {
            this.name = name;
        }

        String name() {
            return name;
        }

        /** Under the lock: queues {@code text} for {@code socket}. */
        private void queue(WebSocket socket, String text) {
            // A failed send means a closed connection, which leaves by itself.
            outbox.add(() -> socket.send(text));
        }

        /** After the lock: sends what is queued, unless another thread is doing so (it sends ours too). */
        private void flush() {
            if (sending.getAndIncrement() != 0) return;
            int missed = 1;
            do {
                Runnable send;
                while ((send = outbox.poll()) != null) send.run();
                missed = sending.addAndGet(-missed);
            } while (missed != 0);
        }
    }

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Activity activity;
    private final String server = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);

    ChatRooms(Activity activity) {
        this.activity = activity;
    }

    /** The name without surrounding blanks if it is a valid display name, else null. */
    static String validName(String raw) {
        if (raw == null) return null;
        String name = raw.strip();
        int length = name.codePointCount(0, name.length());
        return length >= 1 && length <= MAX_NAME && NAME.matcher(name).matches() ? name : null;
    }

    /** Whether {@code room} is a valid room name: lower-case letters and digits, single dashes between. */
    static boolean validRoom(String room) {
        return room != null && room.length() <= MAX_ROOM && ROOM.matcher(room).matches();
    }

    /**
     * Adds {@code socket} to {@code roomName} as {@code wantedName} (or "ada 2" … when the name is
     * taken), sends it the welcome and everyone else the join; null when the room is full.
     */
    Member join(String roomName, String wantedName, WebSocket socket) {
        while (true) {
            Room room = rooms.computeIfAbsent(roomName, Room::new);
            Member member;
            synchronized (room) {
                if (room.closed) continue; // emptied and removed just now: make a new one
                if (room.members.size() >= MAX_MEMBERS) return null;
                String name = uniqueName(room, wantedName);
                room.members.put(socket, name);
                String join = Json.object().put("type", "join").put("name", name).put("time", now()).toString();
                room.queue(socket, Json.object().put("type", "welcome").put("room", room.name).put("name", name)
                        .put("server", server).put("members", room.members.values())
                        .putRaw("history", "[" + String.join(",", room.history) + "]").toString());
                remember(room, join);
                activity.joined(room.name, name, room.members.size());
                for (WebSocket other : room.members.keySet()) {
                    if (other != socket) room.queue(other, join);
                }
                queueToAll(room, membersMessage(room));
                member = new Member(room, name, socket);
            }
            room.flush();
            return member;
        }
    }

    /** Sends {@code text} from {@code member} to its room, the sender included. */
    void say(Member member, String text) {
        Room room = member.room();
        synchronized (room) {
            if (!room.members.containsKey(member.socket())) return; // left already
            String message = Json.object().put("type", "message").put("from", member.name()).put("text", text)
                    .put("time", now()).toString();
            remember(room, message);
            activity.wrote(room.name, member.name(), room.members.size());
            queueToAll(room, message);
        }
        room.flush();
    }

    /** Removes {@code member} from its room and tells the others; the last one out removes the room. */
    void leave(Member member) {
        Room room = member.room();
        synchronized (room) {
            if (room.members.remove(member.socket()) == null) return;
            String leave = Json.object().put("type", "leave").put("name", member.name()).put("time", now()).toString();
            remember(room, leave);
            activity.left(room.name, member.name(), room.members.size());
            if (room.members.isEmpty()) {
                room.closed = true;
                rooms.remove(room.name, room);
            } else {
                queueToAll(room, leave);
                queueToAll(room, membersMessage(room));
            }
        }
        room.flush();
    }

    /** The open rooms and their member counts, busiest first: {@code {"rooms":[{"name":…,"members":n}, …]}}. */
    String roomsJson() {
        record Count(String name, int members) {
        }
        List<Count> counts = new ArrayList<>();
        for (Room room : rooms.values()) {
            synchronized (room) {
                if (!room.closed) counts.add(new Count(room.name, room.members.size()));
            }
        }
        counts.sort(Comparator.comparingInt(Count::members).reversed().thenComparing(Count::name));
        List<String> objects = new ArrayList<>(counts.size());
        for (Count count : counts) {
            objects.add(Json.object().put("name", count.name()).put("members", count.members()).toString());
        }
        return Json.object().putRaw("rooms", "[" + String.join(",", objects) + "]").toString();
    }

    static String error(String text) {
        return Json.object().put("type", "error").put("error", text).toString();
    }

    private static String uniqueName(Room room, String wanted) {
        String name = wanted;
        for (int n = 2; room.members.containsValue(name); n++) {
            name = wanted + " " + n;
        }
        return name;
    }

    private static String membersMessage(Room room) {
        return Json.object().put("type", "members").put("members", room.members.values()).toString();
    }

    private static void remember(Room room, String event) {
        room.history.addLast(event);
        if (room.history.size() > HISTORY) room.history.removeFirst();
    }

    private static void queueToAll(Room room, String text) {
        for (WebSocket socket : room.members.keySet()) room.queue(socket, text);
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
