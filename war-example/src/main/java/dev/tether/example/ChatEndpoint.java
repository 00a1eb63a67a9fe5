package dev.tether.example;

import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketRegistry;
import dev.tether.servlet.endpoint.annotation.OnClose;
import dev.tether.servlet.endpoint.annotation.OnMessage;
import dev.tether.servlet.endpoint.annotation.OnOpen;
import dev.tether.servlet.endpoint.annotation.PathParam;
import dev.tether.servlet.endpoint.annotation.WebSocketEndpoint;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A chat: every text message sent to {@code /chat/{room}} goes to everyone in that room. One
 * instance per connection; the rooms are shared.
 */
@WebSocketEndpoint("/chat/{room}")
public class ChatEndpoint {
    /** The members of each room; a registry drops a socket by itself when it closes. */
    private static final Map<String, WebSocketRegistry> ROOMS = new ConcurrentHashMap<>();

    private String room;

    public ChatEndpoint() {
    }

    @OnOpen
    public void join(WebSocket socket, @PathParam("room") String room) {
        this.room = room;
        // Joining and leaving both happen inside the map's per-room lock, so a room being emptied
        // cannot swallow a member joining at the same moment.
        WebSocketRegistry members = ROOMS.compute(room, (name, existing) -> {
            WebSocketRegistry joined = existing != null ? existing : new WebSocketRegistry();
            joined.add(socket);
            return joined;
        });
        members.broadcast("* someone joined " + room + " (" + members.size() + " here)");
    }

    @OnMessage
    public void say(String text) {
        WebSocketRegistry members = ROOMS.get(room);
        if (members != null) {
            members.broadcast(text);
        }
    }

    @OnClose
    public void leave(WebSocket socket, CloseStatus status) {
        // Forget the room once it is empty.
        ROOMS.computeIfPresent(room, (name, members) -> {
            members.remove(socket);
            return members.size() == 0 ? null : members;
        });
    }
}
