package dev.tether.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TargetsTest {
    @ParameterizedTest(name = "{0} → {1}")
    @DisplayName("a WebSocket URL: ws and wss as typed, http(s) as ws(s), no scheme as ws")
    @CsvSource({
            "ws://example.com/chat, ws://example.com/chat",
            "wss://example.com:8443/a?b=c, wss://example.com:8443/a?b=c",
            "http://localhost:8080/echo, ws://localhost:8080/echo",
            "HTTPS://example.com/, wss://example.com/",
            "localhost:8080/echo, ws://localhost:8080/echo",
            "[::1]:9000, ws://[::1]:9000"})
    void webSocket(String typed, String uri) {
        assertEquals(uri, Targets.webSocket(typed).toString());
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("not a WebSocket URL: refused with a reason")
    @ValueSource(strings = {"ftp://example.com/", "ws:///nohost", "ws://exa mple.com/"})
    void refused(String typed) {
        assertThrows(IllegalArgumentException.class, () -> Targets.webSocket(typed));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @DisplayName("an EventSource URL: http and https, no scheme as http")
    @CsvSource({"http://localhost:8080/events, http://localhost:8080/events", "localhost:8080/events, http://localhost:8080/events"})
    void http(String typed, String uri) {
        assertEquals(uri, Targets.http(typed).toString());
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("wscat's -c and -l stand for connect and listen")
    @CsvSource({"-c, connect", "--connect, connect", "-l, listen", "--listen, listen", "events, events"})
    void shortcuts(String first, String command) {
        assertEquals(command, TetherCli.expandShortcuts(new String[]{first, "x"})[0]);
    }
}
