package dev.tether.cli.connect;

import dev.tether.cli.testing.Cli;
import dev.tether.cli.testing.ExampleApp;
import dev.tether.client.peers.NodePeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tether connect} in pipes and scripts, against the example app on Jetty and node's ws. */
class ConnectPipedIT {
    private static ExampleApp app;
    private static NodePeer ws;

    @BeforeAll
    static void start() throws Exception {
        app = ExampleApp.start();
        ws = NodePeer.start("ws", "--protocols", "chat");
    }

    @AfterAll
    static void stop() throws Exception {
        if (ws != null) ws.close();
        if (app != null) app.close();
    }

    @Test
    @DisplayName("each piped line is sent as a message, each echo printed as '< line'; at the end of input it closes with 1000 and exits 0")
    void pipedLinesAreSentAndEchoesPrinted() throws Exception {
        try (Cli cli = Cli.piped("connect", app.ws("/echo").toString())) {
            cli.type("hello\nwörld ✓\n\n");
            cli.closeInput();
            cli.assertExit(0);
            assertEquals("< hello\n< wörld ✓\n< \n", cli.out(), cli.transcript());
            assertTrue(cli.err().startsWith("connected to " + app.ws("/echo")), cli.transcript());
            assertTrue(cli.err().contains("closed: 1000 (normal closure)"), cli.transcript());
            assertFalse(cli.rawOut().contains("\u001b"), "no colours in a pipe");
        }
    }

    @Test
    @DisplayName("-x sends its messages in order without reading standard input, then closes")
    void executeSendsThenCloses() throws Exception {
        try (Cli cli = Cli.piped("-c", app.ws("/echo").toString(), "-x", "one", "-x", "two", "-w", "0.2")) {
            cli.assertExit(0);
            assertEquals("< one\n< two\n", cli.out(), cli.transcript());
        }
    }

    @Test
    @DisplayName("-s, -H, -o and --auth go into the upgrade request; the negotiated subprotocol is printed")
    void handshakeOptionsReachTheServer() throws Exception {
        try (Cli cli = Cli.piped("connect", ws.uri("/echo").toString(), "-s", "superchat", "-s", "chat",
                "-H", "X-Token: abc 123", "-o", "https://example.test", "--auth", "ada:lövelace", "-x", "!headers")) {
            cli.assertExit(0);
            String headers = cli.out();
            assertTrue(headers.contains("\"x-token\":\"abc 123\""), headers);
            assertTrue(headers.contains("\"origin\":\"https://example.test\""), headers);
            String basic = Base64.getEncoder().encodeToString("ada:lövelace".getBytes(StandardCharsets.UTF_8));
            assertTrue(headers.contains("\"authorization\":\"Basic " + basic + "\""), headers);
            assertTrue(headers.contains("\"sec-websocket-protocol\":\"superchat, chat\""), headers);
            assertTrue(cli.err().contains("subprotocol chat"), cli.transcript());
        }
    }

    @Test
    @DisplayName("user:password@ in the URL becomes Basic authentication, and is not sent in the request target")
    void credentialsInTheUrl() throws Exception {
        String url = "ws://grace:h0pper@127.0.0.1:" + ws.port() + "/secret";
        try (Cli cli = Cli.piped("connect", url, "-x", "!headers", "-x", "!url")) {
            cli.assertExit(0);
            String basic = Base64.getEncoder().encodeToString("grace:h0pper".getBytes(StandardCharsets.UTF_8));
            assertTrue(cli.out().contains("\"authorization\":\"Basic " + basic + "\""), cli.transcript());
            assertTrue(cli.out().contains("< /secret\n"), cli.transcript());
        }
    }

    @Test
    @DisplayName("-p 8 speaks protocol version 8")
    void protocolVersion8() throws Exception {
        try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "-p", "8", "-x", "!version")) {
            cli.assertExit(0);
            assertEquals("< 8\n", cli.out(), cli.transcript());
        }
    }

    @Test
    @DisplayName("a close from the server prints its code and reason; an application's code ends with status 1")
    void serverCloseIsPrinted() throws Exception {
        try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "-x", "!close 4001 bye now", "-w", "-1")) {
            cli.assertExit(1);
            assertTrue(cli.err().contains("closed: 4001 (application's code) \"bye now\""), cli.transcript());
        }
    }

    @Test
    @DisplayName("-P prints the server's pings (and the pong answers them by itself)")
    void showPingPong() throws Exception {
        try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "-P", "-x", "!ping are you there", "-w", "-1")) {
            cli.awaitOut("< ping \"are you there\"");
            cli.awaitOut("< pong-seen are you there"); // the server saw our automatic pong
            cli.closeInput();
            cli.terminate();
        }
    }

    @Test
    @DisplayName("a message over --max-size closes the connection with 1009 and exit status 1")
    void maxSize() throws Exception {
        try (Cli cli = Cli.piped("connect", app.ws("/echo").toString(), "--max-size", "8", "-x", "more than eight bytes", "-w", "-1")) {
            cli.assertExit(1);
            assertTrue(cli.err().contains("1009 (message too big)"), cli.transcript());
            assertEquals("", cli.out(), cli.transcript());
        }
    }

    @Test
    @DisplayName("with -w the connection stays open that long after the end of input, so late answers arrive")
    void waitKeepsTheConnectionForLateAnswers() throws Exception {
        try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "-w", "30")) {
            cli.type("!ping late\n");
            cli.closeInput();
            cli.awaitOut("< pong-seen late"); // within the wait, not cut off by the end of input
            cli.terminate();
        }
    }
}
