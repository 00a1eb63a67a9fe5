package dev.tether.servlet.endpoint;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Path templates and the router's choice by path and subprotocol, without a container. */
class RoutingTest {

    @Test
    void templatesMatchWholeSegmentsAndDecodeThem() {
        PathTemplate template = PathTemplate.parse("/games/{id}/moves");
        assertEquals(Map.of("id", "a b/c"), template.match(PathSegments.decode("/games/a%20b%2Fc/moves")));
        assertNull(template.match(PathSegments.decode("/games/1")));
        assertNull(template.match(PathSegments.decode("/games//moves")), "a variable takes a non-empty segment");
        assertNull(template.match(PathSegments.decode("/games/1/moves/2")));
        assertEquals(Map.of("id", "é"), template.match(PathSegments.decode("/games/%C3%A9;jsessionid=x/moves")));
        assertNull(PathSegments.decode("/games/%C3/moves"), "not UTF-8");
        assertNull(PathSegments.decode("/games/%zz/moves"));
    }

    @Test
    void templatesAreCheckedAndGiveTheirUrlPattern() {
        assertEquals("/chat/*", PathTemplate.parse("/chat/{room}").urlPattern());
        assertEquals("/a/b/*", PathTemplate.parse("/a/b/{c}/d").urlPattern());
        assertEquals("/*", PathTemplate.parse("/{any}").urlPattern());
        assertEquals("/status", PathTemplate.parse("/status").urlPattern());
        assertEquals("path template \"chat\" must start with '/'",
                assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("chat")).getMessage());
        assertEquals("path template \"/a/{x}/{x}\" uses {x} twice",
                assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/a/{x}/{x}")).getMessage());
        assertEquals("path template \"/a//b\" has an empty segment",
                assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/a//b")).getMessage());
        assertEquals("path template \"/a/x{y}\": a variable must be a whole segment, not \"x{y}\"",
                assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/a/x{y}")).getMessage());
    }

    @WebSocketEndpoint("/chat/{room}")
    public static class Room {
        @OnMessage
        public void onText(String text) {
        }
    }

    @WebSocketEndpoint("/chat/lobby")
    public static class Lobby {
        @OnMessage
        public void onText(String text) {
        }
    }

    @WebSocketEndpoint(value = "/chat/{name}", subprotocols = {"chat.v2", "chat.v1"})
    public static class RoomV2 {
        @OnMessage
        public void onText(String text) {
        }
    }

    @WebSocketEndpoint(value = "/{tenant}/lobby", subprotocols = "tenant")
    public static class TenantLobby {
        @OnMessage
        public void onText(String text) {
        }
    }

    @WebSocketEndpoint(value = "/admin", subprotocols = "admin")
    public static class Admin {
        @OnMessage
        public void onText(String text) {
        }
    }

    private final EndpointRouter router = new EndpointRouter();

    RoutingTest() {
        for (Class<?> type : List.of(TenantLobby.class, Room.class, RoomV2.class, Lobby.class, Admin.class)) {
            router.add(type, null);
        }
    }

    @Test
    void theMostSpecificTemplateWinsWhateverTheOrderOfRegistration() {
        assertRoute("/chat/lobby", List.of(), Lobby.class, Map.of(), null);
        assertRoute("/chat/kitchen", List.of(), Room.class, Map.of("room", "kitchen"), null);
        // The exact template declares no subprotocol, so it takes any request, one offering some too.
        assertRoute("/chat/lobby", List.of("tenant"), Lobby.class, Map.of(), null);
        assertRoute("/games/lobby", List.of("tenant"), TenantLobby.class, Map.of("tenant", "games"), "tenant");
    }

    @Test
    void subprotocolsChooseAmongEquallySpecificEndpointsInTheClientsOrder() {
        assertRoute("/chat/kitchen", List.of("chat.v1", "chat.v2"), RoomV2.class, Map.of("name", "kitchen"), "chat.v1");
        assertRoute("/chat/kitchen", List.of("other", "chat.v2"), RoomV2.class, Map.of("name", "kitchen"), "chat.v2");
        assertRoute("/chat/kitchen", List.of("other"), Room.class, Map.of("room", "kitchen"), null);
        // The lobby speaks no subprotocol, so one that asks for chat.v2 goes to the less specific room.
        assertRoute("/chat/lobby", List.of("chat.v2"), Lobby.class, Map.of(), null);
    }

    @Test
    void noPathIs404AndNoSubprotocol400WithTheReason() {
        EndpointRouter.Resolution none = router.resolve("/nothing/here", List.of());
        assertEquals(404, none.status());
        assertEquals("no WebSocket endpoint at /nothing/here", none.reason());
        EndpointRouter.Resolution needsOne = router.resolve("/admin", List.of());
        assertEquals(400, needsOne.status());
        assertEquals("the endpoint at /admin needs one of the subprotocols [admin]; the request offered none", needsOne.reason());
        EndpointRouter.Resolution wrong = router.resolve("/admin", List.of("chat.v1"));
        assertEquals(400, wrong.status());
        assertEquals("no endpoint at /admin speaks the offered subprotocols [chat.v1]; supported: [admin]", wrong.reason());
        assertEquals(400, router.resolve("/chat/%zz", List.of()).status());
    }

    private void assertRoute(String path, List<String> offered, Class<?> endpoint, Map<String, String> values, String protocol) {
        EndpointRouter.Resolution route = router.resolve(path, offered);
        assertEquals(endpoint, route.model() == null ? route.reason() : route.model().type(), path + " " + offered);
        assertEquals(values, route.pathValues());
        assertEquals(protocol, route.protocol());
    }
}
