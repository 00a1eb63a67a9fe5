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
    /** Ends an exchange with node's ws from its side, after its answers: nothing is left to timing. */
    static final String CLOSE = "!close 1000 done";

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
    @DisplayName("each piped line is sent as a message and each echo printed as '< line'; Ctrl-C then closes with 1000, status 0")
    void pipedLinesAreSentAndEchoesPrinted() throws Exception {
        try (Cli cli = Cli.piped("connect", app.ws("/echo").toString(), "-w", "60")) {
            cli.type("hello\nwörld ✓\n\nlast\n");
            cli.closeInput();
            cli.awaitOut("< last\n");
            cli.interrupt();
            cli.assertExit(0);
            assertEquals("< hello\n< wörld ✓\n< \n< last\n", cli.out(), cli.transcript());
            assertTrue(cli.err().startsWith("connected to " + app.ws("/echo")), cli.transcript());
            assertTrue(cli.err().contains("closed: 1000 (normal closure)"), cli.transcript());
            assertFalse(cli.rawOut().contains("\u001b"), "no colours in a pipe");
        }
    }

    @Test
    @DisplayName("at the end of piped input it waits (-w, 1 s by default), then closes with 1000: status 0")
    void endOfInputCloses() throws Exception {
        try (Cli cli = Cli.piped("connect", app.ws("/echo").toString())) {
            cli.type("x\n");
            cli.closeInput();
            cli.assertExit(0);
            assertTrue(cli.err().endsWith("closed: 1000 (normal closure)\n"), cli.transcript());
        }
    }

    @Test
    @DisplayName("-x sends its messages in order without reading standard input")
    void executeSendsInOrder() throws Exception {
        try (Cli cli = Cli.piped("-c", ws.uri("/").toString(), "-x", "one", "-x", "two", "-x", CLOSE, "-w", "-1")) {
            cli.assertExit(0);
            assertEquals("< one\n< two\n", cli.out(), cli.transcript());
        }
    }

    @Test
    @DisplayName("-s, -H (each value of a name given twice), -o and --auth go into the upgrade request; the negotiated subprotocol is printed")
    void handshakeOptionsReachTheServer() throws Exception {
        try (Cli cli = Cli.piped("connect", ws.uri("/echo").toString(), "-s", "superchat", "-s", "chat",
                "-H", "X-Token: abc 123", "-H", "x-token: second", "-o", "https://example.test", "--auth", "ada:lövelace",
                "-x", "!headers", "-x", CLOSE, "-w", "-1")) {
            cli.assertExit(0);
            String headers = cli.out();
            assertTrue(headers.contains("\"x-token\":\"abc 123, second\""), headers); // every value, in order
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
        try (Cli cli = Cli.piped("connect", url, "-x", "!headers", "-x", "!url", "-x", CLOSE, "-w", "-1")) {
            cli.assertExit(0);
            String basic = Base64.getEncoder().encodeToString("grace:h0pper".getBytes(StandardCharsets.UTF_8));
            assertTrue(cli.out().contains("\"authorization\":\"Basic " + basic + "\""), cli.transcript());
            assertTrue(cli.out().contains("< /secret\n"), cli.transcript());
        }
    }

    @Test
    @DisplayName("-p 8 speaks protocol version 8")
    void protocolVersion8() throws Exception {
        try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "-p", "8", "-x", "!version", "-x", CLOSE, "-w", "-1")) {
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
    @DisplayName("control characters from the network are escaped in a pipe too (the pipe may end at a terminal); --raw prints them as they came")
    void escapedUnlessRaw() throws Exception {
        String hostile = "\u001b]0;PWNED\u0007\u001b[31mRED";
        try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "-x", hostile, "-x", "!close 1000 done", "-w", "-1")) {
            cli.assertExit(0);
            assertEquals("< \\e]0;PWNED\\x07\\e[31mRED\n", cli.out(), cli.transcript());
        }
        try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "--raw", "-x", hostile, "-x", "!close 1000 done", "-w", "-1")) {
            cli.assertExit(0);
            assertEquals("< " + hostile + "\n", cli.rawOut(), cli.transcript());
        }
    }

    @Test
    @DisplayName("--compress offers permessage-deflate: node's ws agrees, and says so")
    void compress() throws Exception {
        try (NodePeer deflating = NodePeer.start("ws", "--deflate", "{\"threshold\":0}");
             Cli cli = Cli.piped("connect", deflating.uri("/").toString(), "--compress", "-x", "!extensions",
                     "-x", "squeeze me", "-x", CLOSE, "-w", "-1")) {
            cli.assertExit(0);
            assertEquals("< permessage-deflate\n< squeeze me\n", cli.out(), cli.transcript());
            assertTrue(cli.err().contains(", extensions permessage-deflate"), cli.transcript());
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
    @DisplayName("-w keeps the connection that long after the end of input, so a late answer arrives; without it, it is not waited for")
    void waitKeepsTheConnectionForLateAnswers() throws Exception {
        try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "-w", "30")) {
            cli.type("!delay 1500 late answer\n");
            cli.closeInput();
            cli.awaitOut("< late answer"); // after the default wait of 1 s: -w 30 kept the connection
            cli.interrupt();
            cli.assertExit(0);
        }
        try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "-w", "0", "-x", "!delay 1500 late answer")) {
            cli.assertExit(0);
            assertEquals("", cli.out(), "closed at once, before the answer" + cli.transcript());
        }
    }
}
