package dev.tether.example;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketTopic;
import dev.tether.runtime.broadcast.Broker;
import dev.tether.runtime.broadcast.Presence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The chat rooms of the application: who is in each room, its recent messages, and the JSON lines
 * sent to its members. A room exists on this node while it has members here; the last one out
 * removes it.
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
 * {@code members} lists the room's members in the order they entered. {@code history} holds the
 * newest {@value #HISTORY} join, leave and message objects this node has seen in the room; {@code server}
 * names this run of this node (the history is gone when it changes: a restart, or another node);
 * {@code time} is the server's clock in epoch milliseconds. The welcome comes first: a member is sent
 * nothing of its room before it.
 *
 * <h2>One server or several</h2>
 * The rooms live on the application's {@link Broker}. Room {@code lobby} is the WebSocket topic
 * {@code chat:lobby}, on which join, leave and message objects are broadcast, and the presence of the
 * same name, whose {@linkplain Presence#members() members} are what the welcome and the
 * {@code members} objects list; a presence listener, held while the room has members on this node,
 * sends the new list whenever it changes. With a broker of one process (the default) every member
 * sees one order of joins, leaves and messages. With a shared broker (Redis) the members on every
 * node hear them: each node's own in the order they happened there, the nodes' interleaved as they
 * arrive, and a member list after every change on any node (also when a node stops and its members
 * expire). Some things stay with each node:
 * <ul>
 *   <li>a name is made unique ("ada 2") among this node's members only: two nodes may each have an
 *       "ada";</li>
 *   <li>{@value #MAX_MEMBERS} members per room is a limit per node;</li>
 *   <li>the history is what passed through this node's room: its own members' events and, while it
 *       had members there, the other nodes'. An event from another node that arrives just as a
 *       member joins may be missing from its welcome;</li>
 *   <li>{@link #roomsJson()} counts this node's rooms and members.</li>
 * </ul>
 *
 * <p>Thread-safe: a room is changed only under its own lock, and what it sends (to one member, or a
 * broadcast on the topic) is queued under that lock and sent after it, in order, by one thread at a
 * time (sends only queue, they never block).
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

    /** A member of a room on this node, as its connection knows it. */
    static final class Member {
        private final Room room;
        private final String name;
        private final WebSocket socket;
        private final Presence.Membership presence;
        /** Whether its welcome is queued; only then is it sent member lists. Guarded by the room. */
        private boolean welcomed;
        /** The member list it was sent last, so that a read that changed nothing sends nothing. Guarded by the room. */
        private List<String> shown = List.of();

        Member(Room room, String name, WebSocket socket, Presence.Membership presence) {
            this.room = room;
            this.name = name;
            this.socket = socket;
            this.presence = presence;
        }

        Room room() {
            return room;
        }

        String name() {
            return name;
        }

        WebSocket socket() {
            return socket;
        }
    }

    static final class Room {
        private final String name;
        private final WebSocketTopic topic;
        private final Presence presence;
        /** A member of the topic on this node's behalf, from the first join to the last leave. */
        private final RoomHistory history;
        /** Told by the presence that the members changed (on any node); held while the room exists. */
        private final Runnable membersChanged;
        /** This node's members in the order they joined; guarded by this room. */
        private final Map<WebSocket, Member> members = new LinkedHashMap<>();
        /** Set by the last member out, once the room is out of the map; guarded by this room. */
        private boolean closed;
        /** Numbers the reads of the presence in the order they are asked for. */
        private final Object reading = new Object();
        /** Reads asked for; guarded by {@link #reading}. */
        private long asked;
        /**
         * The newest read applied (a read that finishes after a newer one is dropped) and its list, whose
         * size the activity feed gives as the room's. Guarded by this room.
         */
        private long applied;
        private List<String> latest = List.of();
        /** Sends queued under the lock, in order; run by one thread at a time. */
        private final Queue<Runnable> outbox = new ConcurrentLinkedQueue<>();
        private final AtomicInteger sending = new AtomicInteger();

        Room(String name, Broker broker, Consumer<Room> membersChanged) {
            this.name = name;
            this.topic = broker.webSocketTopic("chat:" + name);
            this.presence = broker.presence("chat:" + name);
            this.history = new RoomHistory(HISTORY);
            this.membersChanged = () -> membersChanged.accept(this);
        }

        String name() {
            return name;
        }

        /** Under the lock: queues {@code text} for {@code socket}. */
        private void queue(WebSocket socket, String text) {
            // A failed send means a closed connection, which leaves by itself.
            outbox.add(() -> socket.send(text));
        }

        /** Under the lock: queues a broadcast of {@code event} to the room on every node. */
        private void queueBroadcast(String event) {
            outbox.add(() -> topic.broadcast(event));
        }

        /**
         * After the lock: sends what is queued, unless another thread is doing so (it sends ours too).
         * A presence that answers at once answers on the thread that holds the lock: that thread
         * sends once it lets go.
         */
        private void flush() {
            if (Thread.holdsLock(this)) return;
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
    private final Broker broker;
    private final Activity activity;
    private final String server = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);
    /** Set when the application stops: the broker is then closed, and leaving only forgets the member. */
    private volatile boolean stopped;

    ChatRooms(Broker broker, Activity activity) {
        this.broker = broker;
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
     * taken on this node), tells everyone else in the room, and sends it the welcome once the
     * presence has listed the members (at once with a broker of one process); null when the room is
     * full on this node, or the application is stopping.
     */
    Member join(String roomName, String wantedName, WebSocket socket) {
        while (true) {
            if (stopped) return null;
            Room room = rooms.computeIfAbsent(roomName, name -> new Room(name, broker, changed -> readMembers(changed, null, null)));
            Member member;
            synchronized (room) {
                if (room.closed) continue; // emptied and removed just now: make a new one
                if (room.members.size() >= MAX_MEMBERS) return null;
                if (room.members.isEmpty()) {
                    room.topic.addListener(room.history);
                    room.presence.addListener(room.membersChanged);
                }
                String name = uniqueName(room, wantedName);
                String join = Json.object().put("type", "join").put("name", name).put("time", now()).toString();
                // The others hear of the join before the member list that has it (which entering may send).
                room.queueBroadcast(join);
                member = new Member(room, name, socket, room.presence.enter(name));
                room.members.put(socket, member);
                readMembers(room, member, join);
            }
            room.flush();
            return member;
        }
    }

    /** Sends {@code text} from {@code member} to its room, the sender included. */
    void say(Member member, String text) {
        Room room = member.room();
        synchronized (room) {
            if (room.members.get(member.socket()) != member) return; // left already
            String message = Json.object().put("type", "message").put("from", member.name()).put("text", text)
                    .put("time", now()).toString();
            activity.wrote(room.name, member.name(), room.latest.size());
            room.outbox.add(() -> room.topic.broadcast(message).whenComplete((written, error) -> {
                // Only a shared broker fails: this node's members had it, the other nodes did not.
                if (error != null) {
                    member.socket().send(error("your message reached the members on this server only: the others are out of reach"));
                }
            }));
        }
        room.flush();
    }

    /** Removes {@code member} from its room and tells the others; the last one out removes the room. */
    void leave(Member member) {
        Room room = member.room();
        synchronized (room) {
            if (!room.members.remove(member.socket(), member)) return;
            if (room.members.isEmpty()) {
                room.closed = true;
                rooms.remove(room.name, room);
            }
            if (!stopped) { // else the broker is closed, and its presence gone with it
                String leave = Json.object().put("type", "leave").put("name", member.name()).put("time", now()).toString();
                WebSocket socket = member.socket();
                room.outbox.add(() -> room.topic.remove(socket)); // queued: after its welcome, if that was still to go
                if (!room.closed || broker.shared()) {
                    // Alone, nobody is left to tell (and a room made afresh meanwhile must not hear it);
                    // shared, the members on other nodes are.
                    room.queueBroadcast(leave);
                }
                if (room.closed) {
                    room.presence.removeListener(room.membersChanged);
                    room.outbox.add(() -> room.topic.removeListener(room.history));
                }
                member.presence.leave(); // the listener sends the others the new list
                room.presence.members().thenAccept(names -> activity.left(room.name, member.name(), names.size()));
            }
        }
        room.flush();
    }

    /**
     * This node's open rooms and their member counts, busiest first:
     * {@code {"rooms":[{"name":…,"members":n}, …]}}.
     */
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

    /**
     * The application is stopping and its broker about to close: joins are refused, and members who
     * leave from now on (their connections closing with the container) are only forgotten.
     */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    static String error(String text) {
        return Json.object().put("type", "error").put("error", text).toString();
    }

    /**
     * Reads the room's members from the presence, then sends the list to the welcomed members if it
     * changed, and welcomes {@code joiner} (unless null) with it.
     */
    private void readMembers(Room room, Member joiner, String joinEvent) {
        long read;
        CompletionStage<List<String>> names;
        synchronized (room.reading) {
            read = ++room.asked;
            names = room.presence.members();
        }
        // Outside the counter's lock: with a presence that answers at once this runs here and now.
        names.whenComplete((list, error) -> {
            membersRead(room, read, list, joiner, joinEvent);
            room.flush();
        });
    }

    private void membersRead(Room room, long read, List<String> names, Member joiner, String joinEvent) {
        synchronized (room) {
            List<String> list = names != null ? names : localNames(room);
            if (read > room.applied) {
                room.applied = read;
                room.latest = list;
                String members = membersMessage(list);
                for (Member member : room.members.values()) {
                    if (member.welcomed && !list.equals(member.shown)) {
                        member.shown = list;
                        room.queue(member.socket(), members);
                    }
                }
            }
            if (joiner != null) welcome(room, joiner, list, joinEvent);
        }
    }

    /** Under the lock: queues the joiner's welcome and member list, then its place in the topic. */
    private void welcome(Room room, Member joiner, List<String> read, String joinEvent) {
        List<String> names = read;
        if (!names.contains(joiner.name())) {
            // A shared broker writes a new member in the background: a list read at once may not
            // have it yet. The member list sent when it is written has it.
            names = new ArrayList<>(read);
            names.add(joiner.name());
        }
        activity.joined(room.name, joiner.name(), names.size());
        if (room.members.get(joiner.socket()) != joiner) return; // left before its welcome
        joiner.welcomed = true;
        List<String> members = List.copyOf(names);
        joiner.shown = members;
        room.outbox.add(() -> {
            // Built when it is sent, after every event queued before it has reached the history.
            joiner.socket().send(Json.object().put("type", "welcome").put("room", room.name).put("name", joiner.name())
                    .put("server", server).put("members", members)
                    .putRaw("history", "[" + String.join(",", room.history.newest(joinEvent)) + "]").toString());
            joiner.socket().send(membersMessage(members));
            room.topic.add(joiner.socket());
        });
    }

    private static List<String> localNames(Room room) {
        List<String> names = new ArrayList<>();
        for (Member member : room.members.values()) names.add(member.name());
        return names;
    }

    private static String uniqueName(Room room, String wanted) {
        String name = wanted;
        for (int n = 2; taken(room, name); n++) {
            name = wanted + " " + n;
        }
        return name;
    }

    private static boolean taken(Room room, String name) {
        for (Member member : room.members.values()) {
            if (member.name().equals(name)) return true;
        }
        return false;
    }

    private static String membersMessage(List<String> members) {
        return Json.object().put("type", "members").put("members", members).toString();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
