package dev.tether.example;

import dev.tether.runtime.OverflowPolicy;
import dev.tether.api.CloseCodes;
import dev.tether.api.WebSocket;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.servlet.WebSocketOptions;
import dev.tether.servlet.endpoint.EndpointConfigurator;
import dev.tether.servlet.endpoint.EndpointHandshake;
import dev.tether.servlet.endpoint.OnClose;
import dev.tether.servlet.endpoint.OnMessage;
import dev.tether.servlet.endpoint.OnOpen;
import dev.tether.servlet.endpoint.WebSocketEndpoint;

import java.util.Map;

/**
 * The chat: {@code ws://host/chat/{room}?name=ada} joins {@code room} as {@code ada}. Messages are
 * JSON objects, one per text message; the client sends {@code {"type":"message","text":"hello"}}
 * and gets what {@link ChatRooms} describes (welcome, join, leave, members, message, error).
 *
 * <p>Checked before the upgrade (400 with the reason otherwise): the room is lower-case letters and
 * digits with single dashes, at most {@value ChatRooms#MAX_ROOM} characters; the name is letters
 * and digits of any script with single spaces, dots, dashes, underscores or apostrophes between,
 * at most {@value ChatRooms#MAX_NAME} characters. A message text is 1 to {@value ChatRooms#MAX_TEXT}
 * characters (blanks around it dropped); a frame over 4 KiB closes the connection (1009). A room
 * holds at most {@value ChatRooms#MAX_MEMBERS} members on each node; one more is closed with 1013.
 * A connection that arrives while the application stops is closed with 1001.
 *
 * <p>One instance per connection (made by {@link Configurator} with the application's rooms); its
 * methods are called one at a time, so {@link #member} needs no lock. The rooms are shared and
 * thread-safe.
 */
@WebSocketEndpoint("/chat/{room}")
public class ChatEndpoint {
    private static final int MAX_FRAME = 4096;

    private final ChatRooms rooms;
    private final String room;
    private final String name;
    private ChatRooms.Member member;

    ChatEndpoint(ChatRooms rooms, String room, String name) {
        this.rooms = rooms;
        this.room = room;
        this.name = name;
    }

    @OnOpen
    public void join(WebSocket socket) {
        member = rooms.join(room, name, socket);
        if (member == null && rooms.stopped()) {
            socket.close(CloseCodes.GOING_AWAY, "the server is stopping");
        } else if (member == null) {
            socket.close(CloseCodes.TRY_AGAIN_LATER, "#" + room + " is full");
        }
    }

    @OnMessage
    public void receive(WebSocket socket, String json) {
        if (member == null) return;
        Map<String, Object> message;
        try {
            message = Json.parseFlatObject(json);
        } catch (IllegalArgumentException e) {
            socket.send(ChatRooms.error(e.getMessage()));
            return;
        }
        Object type = message.get("type");
        if (!"message".equals(type)) {
            socket.send(ChatRooms.error("unknown message type: " + (type instanceof String ? type : String.valueOf(type))
                    + " (expected {\"type\":\"message\",\"text\":…})"));
            return;
        }
        String problem = null;
        String text = message.get("text") instanceof String raw ? cleanText(raw) : null;
        if (text == null) {
            problem = "a message needs a text without control characters";
        } else if (text.isEmpty()) {
            problem = "a message cannot be empty";
        } else if (text.codePointCount(0, text.length()) > ChatRooms.MAX_TEXT) {
            problem = "a message is at most " + ChatRooms.MAX_TEXT + " characters";
        }
        if (problem != null) {
            socket.send(ChatRooms.error(problem));
            return;
        }
        rooms.say(member, text);
    }

    @OnClose
    public void leave() {
        if (member != null) {
            rooms.leave(member);
            member = null;
        }
    }

    /** The text without blanks around it and with line breaks as {@code \n}; null if it has other control characters. */
    private static String cleanText(String raw) {
        String text = raw.replace("\r\n", "\n").strip();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return null;
        }
        return text;
    }

    /** Checks room and name before the upgrade, and makes each connection's endpoint with the application's rooms. */
    static final class Configurator implements EndpointConfigurator {
        /**
         * Compression for browsers, which all offer it: a room's history and member lists shrink well.
         * No context takeover either way, so the many idle members of a room hold no zlib state
         * between messages; messages under the threshold (most chat lines) go as they are.
         */
        private static final PerMessageDeflate COMPRESSION = PerMessageDeflate.builder()
                .serverNoContextTakeover(true)
                .clientNoContextTakeover(true)
                .build();

        private final ChatRooms rooms;

        Configurator(ChatRooms rooms) {
            this.rooms = rooms;
        }

        @Override
        public void configure(Class<?> endpointClass, WebSocketOptions.Builder options) {
            options.maxLength(MAX_FRAME)
                    .outboundLimit(1 << 20)
                    .overflowPolicy(OverflowPolicy.CLOSE_TRY_AGAIN_LATER)
                    .extension(COMPRESSION);
        }

        @Override
        public void beforeHandshake(EndpointHandshake handshake) {
            String room = handshake.pathParameters().get("room");
            if (!ChatRooms.validRoom(room)) {
                handshake.reject(400, "a room is 1 to " + ChatRooms.MAX_ROOM
                        + " lower-case letters and digits, with single dashes between: " + room);
            } else if (ChatRooms.validName(handshake.request().getParameter("name")) == null) {
                handshake.reject(400, "give a name (?name=…): 1 to " + ChatRooms.MAX_NAME
                        + " letters or digits, with single spaces, dots, dashes, underscores or apostrophes between");
            }
        }

        @Override
        public <T> T newInstance(Class<T> endpointClass, EndpointHandshake handshake) {
            String name = ChatRooms.validName(handshake.request().getParameter("name"));
            return endpointClass.cast(new ChatEndpoint(rooms, handshake.pathParameters().get("room"), name));
        }
    }
}
