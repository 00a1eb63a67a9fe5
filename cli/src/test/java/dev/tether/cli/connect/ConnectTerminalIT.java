package dev.tether.cli.connect;

import dev.tether.cli.testing.Cli;
import dev.tether.cli.testing.SilentServer;
import dev.tether.client.peers.NodePeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tether connect} at a terminal (a pseudo-terminal), typed at as a person types, against
 * node's ws: line editing's prompt, slash commands, colours, escapes, Ctrl-C and Ctrl-D.
 */
class ConnectTerminalIT {
    private static final String ENTER = "\r";
    private static final String CTRL_C = "\u0003";
    private static final String CTRL_D = "\u0004";

    private static NodePeer ws;

    @BeforeAll
    static void start() throws Exception {
        ws = NodePeer.start("ws");
    }

    @AfterAll
    static void stop() {
        if (ws != null) ws.close();
    }

    private static Cli connected(String... more) throws Exception {
        String[] args = new String[more.length + 2];
        args[0] = "connect";
        args[1] = ws.uri("/").toString();
        System.arraycopy(more, 0, args, 2, more.length);
        Cli cli = Cli.inTerminal(args);
        cli.awaitOut("/help for commands");
        cli.awaitPrompt();
        return cli;
    }

    @Test
    @DisplayName("a typed line is sent and stays on screen after the prompt; its echo prints as '< …', in colour")
    void typedLinesAreSentAndEchoed() throws Exception {
        try (Cli cli = connected()) {
            cli.type("hello there" + ENTER);
            cli.awaitOut("< hello there");
            assertTrue(cli.out().contains("> hello there"), cli.transcript());
            assertTrue(cli.rawOut().contains("\u001b[36m< "), "received lines are coloured at a terminal" + cli.transcript());
            cli.type("/quit" + ENTER);
            cli.awaitOut("closed: 1000 (normal closure)");
            cli.assertExit(0);
        }
    }

    @Test
    @DisplayName("/ping prints the pong's round trip, -P shows the server's pings, /pong sends one the server sees")
    void pingAndPong() throws Exception {
        try (Cli cli = connected("-P")) {
            cli.type("/ping knock" + ENTER);
            cli.awaitOut("< pong \"knock\" after ");
            cli.type("!ping xyz" + ENTER);
            cli.awaitOut("< ping \"xyz\"");
            cli.awaitOut("< pong-seen xyz");
            cli.type("/pong unasked" + ENTER);
            cli.awaitOut("< pong-seen unasked"); // node's ws reports every pong it gets
            cli.type("/close 4000 done here" + ENTER);
            cli.awaitOut("closed: 4000 (application's code) \"done here\"");
            cli.assertExit(0); // a close we asked for
        }
    }

    @Test
    @DisplayName("/help lists the commands; an unknown one says so; //text sends '/text'")
    void helpAndUnknownCommands() throws Exception {
        try (Cli cli = connected()) {
            cli.type("/help" + ENTER);
            cli.awaitOut("/close [code [reason]]");
            cli.type("/frobnicate" + ENTER);
            cli.awaitOut("unknown command /frobnicate");
            cli.type("//not a command" + ENTER);
            cli.awaitOut("< /not a command");
            cli.type("/close 1005" + ENTER);
            cli.awaitOut("/close takes a code");
            cli.awaitPrompt();
            cli.type(CTRL_D);
            cli.awaitOut("closed: 1000");
            cli.assertExit(0);
        }
    }

    @Test
    @DisplayName("control characters from the server are shown escaped, never sent to the terminal")
    void controlCharactersAreEscaped() throws Exception {
        try (Cli cli = Cli.inTerminal("connect", ws.uri("/").toString(), "-x", "\u001b[2Jwiped?\u0007",
                "-x", ConnectPipedIT.CLOSE, "-w", "-1")) {
            cli.awaitOut("< \\e[2Jwiped?\\x07");
            assertFalse(cli.rawOut().contains("\u001b[2J"), cli.transcript());
            cli.assertExit(0);
        }
    }

    @Test
    @DisplayName("the server closes while a line is half typed: the close is printed, the terminal given back, no stack trace")
    void serverClosesWhileTyping() throws Exception {
        try (Cli cli = connected()) {
            cli.type("!delay 300 !close 4001 server says bye" + ENTER);
            cli.awaitPrompt();
            cli.type("half a li");
            cli.awaitOut("closed: 4001 (application's code) \"server says bye\"");
            cli.assertExit(1);
            assertFalse(cli.out().contains("Exception"), cli.transcript());
        }
    }

    @Test
    @DisplayName("after /quit a single Ctrl-C quits at once, as the line printed then says")
    void ctrlCAfterQuitQuitsAtOnce() throws Exception {
        try (SilentServer silent = SilentServer.start();
             Cli cli = Cli.inTerminal("connect", silent.url())) {
            cli.awaitOut("/help for commands");
            cli.awaitPrompt();
            cli.type("/quit" + ENTER);
            cli.awaitOut("closing… (Ctrl-C again to quit at once)");
            cli.type(CTRL_C);
            cli.assertExit(130);
        }
    }

    @Test
    @DisplayName("Ctrl-C while the server has not answered the upgrade: 'interrupted while connecting', status 130")
    void ctrlCWhileConnecting() throws Exception {
        try (SilentServer mute = SilentServer.startMute();
             Cli cli = Cli.inTerminal("connect", mute.url())) {
            mute.awaitConnection();
            cli.type(CTRL_C);
            cli.assertExit(130);
            assertTrue(cli.out().contains("interrupted while connecting"), cli.transcript());
        }
    }

    @Test
    @DisplayName("Ctrl-C closes with 1000 and exits 0")
    void ctrlCClosesCleanly() throws Exception {
        try (Cli cli = connected()) {
            cli.type("half a line");
            cli.type(CTRL_C);
            cli.awaitOut("closed: 1000 (normal closure)");
            cli.assertExit(0);
        }
    }

    @Test
    @DisplayName("a second Ctrl-C while the close handshake waits for a silent server exits at once with status 130")
    void secondCtrlCQuitsAtOnce() throws Exception {
        try (SilentServer silent = SilentServer.start();
             Cli cli = Cli.inTerminal("connect", silent.url())) {
            cli.awaitOut("/help for commands");
            cli.type(CTRL_C);
            cli.awaitOut("closing… (Ctrl-C again to quit at once)");
            cli.type(CTRL_C);
            cli.assertExit(130);
            assertTrue(cli.out().contains("interrupted"), cli.transcript());
        }
    }
}
