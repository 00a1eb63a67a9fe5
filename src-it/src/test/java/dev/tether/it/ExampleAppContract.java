package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.JdkSession;
import dev.tether.it.support.JdkSession.Closed;
import dev.tether.it.support.JdkSession.Message;
import dev.tether.it.support.Json;
import dev.tether.it.support.NodeClient;
import dev.tether.it.support.NodeScript;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The example application in a real container: the chat's JSON protocol over the JDK client, the
 * ticker ({@code /events}) and the activity feed ({@code /activity}) with node's eventsource, and
 * the page itself in headless Chromium driven by Playwright, last of all across a restart of the
 * container. Each subclass names one distribution; it is started once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ExampleAppContract extends OnDistribution {
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(120);


    /** A short name for file names: "tomcat", "jetty". */
    protected abstract String id();


    private String base() {
        return "http://127.0.0.1:" + server().port();
    }

    // ---------------------------------------------------------------- the page and its files

    @Test
    @Order(1)
    @DisplayName("the page, its script, style and icon are served by the WAR; /api/rooms answers JSON")
    void pageIsServed() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page::toString);
        assertTrue(page.body().contains("<title>Tether chat</title>"), page::body);
        assertTrue(page.body().contains("Content-Security-Policy"), "the page restricts itself to its own origin");
        assertFalse(page.body().contains("://"), "the page loads nothing from elsewhere (no CDN)");
        for (String[] file : new String[][] {{"/app.js", "javascript"}, {"/app.css", "text/css"}, {"/favicon.svg", "image/svg+xml"}}) {
            HttpResponse<String> response = get(file[0]);
            assertEquals(200, response.statusCode(), file[0]);
            assertTrue(response.headers().firstValue("Content-Type").orElse("").contains(file[1]),
                    file[0] + " is " + response.headers().firstValue("Content-Type"));
        }
        HttpResponse<String> rooms = get("/api/rooms");
        assertEquals(200, rooms.statusCode());
        assertTrue(rooms.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertInstanceOf(List.class, Json.object(rooms.body()).get("rooms"), rooms::body);
    }

    // ---------------------------------------------------------------- the chat protocol

    @Test
    @Order(2)
    @DisplayName("chat: welcome, members, join and leave, messages to the room, refused input, unique names")
    void chatProtocol() throws Exception {
        String room = "it-protocol";
        try (JdkSession ada = join(room, "ada")) {
            Map<String, Object> welcome = next(ada);
            assertEquals("welcome", welcome.get("type"), welcome::toString);
            assertEquals(room, welcome.get("room"));
            assertEquals("ada", welcome.get("name"));
            assertEquals(List.of("ada"), welcome.get("members"));
            assertEquals(List.of(), welcome.get("history"));
            assertNotNull(welcome.get("server"));
            assertEquals(Map.of("type", "members", "members", List.of("ada")), next(ada));

            try (JdkSession grace = join(room, "gräce_O'Neil")) {
                Map<String, Object> graceWelcome = next(grace);
                assertEquals("gräce_O'Neil", graceWelcome.get("name"));
                assertEquals(List.of("ada", "gräce_O'Neil"), graceWelcome.get("members"));
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> history = (List<Map<String, Object>>) graceWelcome.get("history");
                assertEquals(List.of("join ada"), history.stream().map(e -> e.get("type") + " " + e.get("name")).toList());
                assertEquals(List.of("ada", "gräce_O'Neil"), next(grace).get("members"));
                Map<String, Object> joined = next(ada);
                assertEquals("join", joined.get("type"));
                assertEquals("gräce_O'Neil", joined.get("name"));
                assertEquals(List.of("ada", "gräce_O'Neil"), next(ada).get("members"));

                // A message goes to everyone in the room, the sender too, trimmed and as sent otherwise.
                send(ada, "{\"type\":\"message\",\"text\":\"  <b>hello</b> & \\\"you\\\" ✓\\nline two  \"}");
                for (JdkSession member : List.of(ada, grace)) {
                    Map<String, Object> message = next(member);
                    assertEquals("message", message.get("type"));
                    assertEquals("ada", message.get("from"));
                    assertEquals("<b>hello</b> & \"you\" ✓\nline two", message.get("text"));
                    assertInstanceOf(Long.class, message.get("time"));
                }
                String rooms = get("/api/rooms").body();
                assertTrue(rooms.contains("{\"name\":\"it-protocol\",\"members\":2}"), rooms);

                // Refused input: an error to the sender only; the room hears nothing of it.
                for (String bad : List.of("not json", "{\"type\":\"shout\",\"text\":\"hi\"}", "{\"type\":\"message\"}",
                        "{\"type\":\"message\",\"text\":\"   \"}", "{\"type\":\"message\",\"text\":\"bell \\u0007\"}",
                        "{\"type\":\"message\",\"text\":\"" + "x".repeat(501) + "\"}", "[1,2]")) {
                    send(ada, bad);
                    Map<String, Object> error = next(ada);
                    assertEquals("error", error.get("type"), () -> bad + " → " + error);
                }
                send(ada, "{\"type\":\"message\",\"text\":\"" + "é".repeat(500) + "\"}"); // 500 characters: fine
                assertEquals("é".repeat(500), next(grace).get("text"));
                assertEquals("é".repeat(500), next(ada).get("text"));

                // A name already in the room gets a number.
                try (JdkSession ada2 = join(room, "ada")) {
                    assertEquals("ada 2", next(ada2).get("name"));
                    assertEquals(List.of("ada", "gräce_O'Neil", "ada 2"), next(ada2).get("members"));
                    JdkSession.await(ada2.socket().sendClose(1000, ""));
                    assertEquals(1000, ada2.next(Closed.class).code());
                }
                for (JdkSession member : List.of(ada, grace)) {
                    assertEquals(Map.of("join", "ada 2"), typeAndName(next(member)));
                    assertEquals(List.of("ada", "gräce_O'Neil", "ada 2"), next(member).get("members"));
                    assertEquals(Map.of("leave", "ada 2"), typeAndName(next(member)));
                    assertEquals(List.of("ada", "gräce_O'Neil"), next(member).get("members"));
                }

                // A frame over 4 KiB closes the connection with 1009; the room sees ada leave.
                JdkSession.await(ada.socket().sendText("{\"type\":\"message\",\"text\":\"" + "y".repeat(5000) + "\"}", true));
                assertEquals(1009, ada.next(Closed.class).code());
                assertEquals(Map.of("leave", "ada"), typeAndName(next(grace)));
                assertEquals(List.of("gräce_O'Neil"), next(grace).get("members"));
                JdkSession.await(grace.socket().sendClose(1000, ""));
                assertEquals(1000, grace.next(Closed.class).code());
            }
        }
    }

    @Test
    @Order(3)
    @DisplayName("chat: a bad room or name is refused with 400 before the upgrade")
    void chatRefusals() throws Exception {
        for (String path : List.of("/chat/lobby", "/chat/lobby?name=", "/chat/lobby?name=" + encode("<script>"),
                "/chat/lobby?name=" + encode("a".repeat(25)), "/chat/lobby?name=" + encode("two  spaces"),
                "/chat/Lobby?name=ada", "/chat/no_underscore?name=ada", "/chat/" + "r".repeat(25) + "?name=ada")) {
            ExecutionException refused = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                    .buildAsync(server().ws(path), new WebSocket.Listener() {
                    }).get(JdkSession.TIMEOUT.toSeconds(), TimeUnit.SECONDS), path);
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause(), path);
            assertEquals(400, handshake.getResponse().statusCode(), path);
        }
    }

    // ---------------------------------------------------------------- server-sent events, node's eventsource

    @Test
    @Order(4)
    @DisplayName("eventsource: /events replays the ticks missed while away, given Last-Event-ID")
    void tickerReplay() throws Exception {
        NodeClient.Run run = NodeScript.run(NODE_TIMEOUT, "sse.mjs", "ticker", base());
        assertEquals(0, run.exit(), run::toString);
        List<Map<String, Object>> first = events(run.only("first"));
        long last = Long.parseLong((String) first.get(1).get("id"));
        assertEquals(String.valueOf(last - 1), first.get(0).get("id"), run::toString);
        Map<String, Object> resumed = run.only("resumed");
        assertEquals(String.valueOf(last), resumed.get("lastEventId"));
        List<Map<String, Object>> replayed = events(resumed);
        for (int i = 0; i < 3; i++) {
            long id = last + 1 + i;
            assertEquals(Map.of("type", "tick", "data", "tick " + id, "id", String.valueOf(id)), replayed.get(i), run::toString);
        }
    }

    @Test
    @Order(5)
    @DisplayName("eventsource: /activity streams chat activity with ids, and replays what was missed")
    void activityReplay() throws Exception {
        String room = "it-activity";
        NodeClient.Run run = NodeScript.run(NODE_TIMEOUT, "sse.mjs", "activity", base(), room);
        assertEquals(0, run.exit(), run::toString);
        Map<String, Object> joined = events(run.only("first")).get(0);
        assertEquals("activity", joined.get("type"));
        Map<String, Object> data = Json.object((String) joined.get("data"));
        assertEquals("join", data.get("kind"));
        assertEquals(room, data.get("room"));
        assertEquals("ada", data.get("name"));
        assertEquals(1L, data.get("members"));
        assertEquals("ada joined #" + room, data.get("text"));

        List<Map<String, Object>> replayed = events(run.only("resumed"));
        assertEquals(List.of("ada wrote in #" + room, "ada wrote in #" + room, "ada wrote in #" + room, "grace joined #" + room),
                texts(replayed), run::toString);
        List<Map<String, Object>> live = events(run.only("live"));
        assertEquals(List.of("grace left #" + room), texts(live), run::toString);

        // Ids: one tag for this run of the application, then a counter that only grows.
        String run0 = ((String) joined.get("id")).split("-")[0];
        long previous = counter(joined, run0);
        for (Map<String, Object> event : concat(replayed, live)) {
            long counter = counter(event, run0);
            assertTrue(counter > previous, () -> "ids grow: " + run);
            previous = counter;
        }
    }

    @Test
    @Order(6)
    @DisplayName("eventsource: an unknown Last-Event-ID gets a reset event, on /events and /activity")
    void unknownLastEventId() throws Exception {
        NodeClient.Run run = NodeScript.run(NODE_TIMEOUT, "sse.mjs", "reset", base());
        assertEquals(0, run.exit(), run::toString);
        List<Map<String, Object>> resets = run.events("reset");
        assertEquals(List.of("/events", "/activity"), resets.stream().map(e -> e.get("path")).toList(), run::toString);
        for (Map<String, Object> reset : resets) {
            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) reset.get("first");
            assertEquals("reset", first.get("type"), run::toString);
            assertEquals("no-such-id", first.get("data"), run::toString);
        }
    }

    // ---------------------------------------------------------------- the page in Chromium

    @Test
    @Order(7)
    @DisplayName("Chromium: two people chat on the page (compressed); members, activity and connection state show it")
    void browserChat() throws Exception {
        Path shots = screenshots();
        NodeClient.Run run = NodeScript.run(BROWSER_TIMEOUT, "browser.mjs", "chat", base(), shots.toString(), "it-browser");
        assertEquals(0, run.exit(), run::toString);
        Map<String, Object> open = run.only("open");
        assertEquals("open", open.get("ws"), run::toString);
        assertEquals("open", open.get("sse"), run::toString);
        assertTrue(String.valueOf(run.only("compression").get("echo")).startsWith("permessage-deflate"),
                () -> "Chromium and the server agree on permessage-deflate\n" + run);
        Map<String, Object> members = run.only("members");
        assertEquals(List.of("ada", "grace"), members.get("ada"), run::toString);
        assertEquals(List.of("ada", "grace"), members.get("grace"), run::toString);
        List<Map<String, Object>> received = run.events("received");
        assertEquals(2, received.size(), run::toString);
        assertEquals(0L, received.get(0).get("injectedElements"), "message text is never HTML\n" + run);
        assertEquals(Boolean.FALSE, received.get(0).get("pwned"), run::toString);
        @SuppressWarnings("unchecked")
        List<String> activity = (List<String>) run.only("activity").get("ada");
        assertTrue(activity.containsAll(List.of("ada joined #it-browser", "grace joined #it-browser",
                "grace wrote in #it-browser", "ada wrote in #it-browser")), run::toString);
        Chromium.assertClean(run);
        assertTrue(run.events("console").isEmpty(), () -> "no console errors\n" + run);
        Chromium.assertScreenshots(run, shots, "chat-ada.png", "chat-grace.png");
    }

    @Test
    @Order(8)
    @DisplayName("Chromium: after the container restarts, the page reconnects by itself and the chat works again")
    void browserReconnectsAfterRestart() throws Exception {
        Path shots = screenshots();
        try (NodeScript browser = NodeScript.start("browser.mjs", "restart", base(), shots.toString(), "it-restart")) {
            browser.await("ready", BROWSER_TIMEOUT);
            server().stop();
            browser.send("stopped");
            Map<String, Object> down = browser.await("down", Duration.ofSeconds(30));
            assertEquals("reconnecting", down.get("ws"), browser::transcript);
            assertEquals("reconnecting", down.get("sse"), browser::transcript);
            server().startAgain();
            System.out.println("[src-it] " + server() + " restarted; log: " + server().log());
            browser.send("started");
            Map<String, Object> reopened = browser.await("reopened", BROWSER_TIMEOUT);
            assertEquals("open", reopened.get("ws"), browser::transcript);
            assertEquals("open", reopened.get("sse"), browser::transcript);
            // Whoever reconnected first joined first.
            assertEquals(List.of("ada", "grace"), ((List<?>) reopened.get("members")).stream().map(String::valueOf).sorted().toList(),
                    browser::transcript);
            Map<String, Object> received = browser.await("received", Duration.ofSeconds(30));
            assertTrue(((List<?>) received.get("activity")).contains("The server restarted; activity from before is not replayed."),
                    browser::transcript);
            browser.await("done", Duration.ofSeconds(30));
            assertEquals(0, browser.awaitEnd(Duration.ofSeconds(30)), browser::transcript);
            NodeClient.Run run = browser.result();
            Chromium.assertClean(run);
            Chromium.assertScreenshots(run, shots, "restart-down-ada.png", "restart-after-ada.png", "restart-after-grace.png");
        }
    }

    /** Where this container's screenshots go: src-it/target/screenshots/<id>; fails when Chromium is missing. */
    private Path screenshots() throws Exception {
        return Chromium.screenshots(id());
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JdkSession join(String room, String name) throws Exception {
        return JdkSession.open(http, server().ws("/chat/" + room + "?name=" + encode(name)));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, Object> next(JdkSession session) throws Exception {
        Message message = session.next(Message.class);
        assertTrue(message.text());
        return Json.object(message.string());
    }

    private static void send(JdkSession session, String text) throws Exception {
        JdkSession.await(session.socket().sendText(text, true));
    }

    private static Map<String, Object> typeAndName(Map<String, Object> event) {
        return Map.of(String.valueOf(event.get("type")), event.get("name"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(Map<String, Object> printed) {
        return (List<Map<String, Object>>) printed.get("events");
    }

    private static List<Object> texts(List<Map<String, Object>> activity) {
        return activity.stream().map(e -> Json.object((String) e.get("data")).get("text")).collect(Collectors.toList());
    }

    private static long counter(Map<String, Object> event, String run) {
        String[] parts = ((String) event.get("id")).split("-");
        assertEquals(2, parts.length, () -> "id " + event.get("id"));
        assertEquals(run, parts[0], () -> "one run tag: " + event.get("id"));
        return Long.parseLong(parts[1]);
    }

    private static List<Map<String, Object>> concat(List<Map<String, Object>> a, List<Map<String, Object>> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
