package dev.tether.cli.listen;

import dev.tether.cli.testing.Cli;
import dev.tether.cli.testing.NodeClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tether listen}: a WebSocket server driven through pipes and at a terminal, with node's ws and the JDK's client. */
class ListenIT {
    private static final Pattern URL = Pattern.compile("listening on (ws://127\\.0\\.0\\.1:\\d+/)");

    private static String listening(Cli cli) throws InterruptedException {
        Matcher url = URL.matcher(cli.awaitErr("listening on ws://"));
        assertTrue(url.find(), cli.transcript());
        return url.group(1);
    }

    @Test
    @DisplayName("prints what node's ws client sends (text, binary as hex), sends it the lines piped in, and closes it with 1001 on SIGTERM")
    void nodeClientThroughPipes() throws Exception {
        try (Cli cli = Cli.piped("listen", "0", "-s", "chat")) {
            String url = listening(cli);
            try (NodeClient node = NodeClient.connect(url + "room?x=1", "other", "chat")) {
                node.await("OPEN chat");
                cli.awaitErr("client #1 connected from 127.0.0.1:");
                assertTrue(cli.err().contains(": /room?x=1, subprotocol chat"), cli.transcript());
                node.send("hello server");
                node.send("!binary 00ff10");
                cli.awaitOut("< #1: hello server");
                cli.awaitOut("< #1: [binary, 3 bytes] 00 ff 10");
                cli.type("hello client\n");
                node.await("TEXT hello client");
                cli.terminate();
                node.await("CLOSE 1001 server stopping");
            }
        }
    }

    @Test
    @DisplayName("the JDK's client: its messages are printed; -b base64 prints binary as Base64; its close is reported")
    void jdkClient() throws Exception {
        try (Cli cli = Cli.piped("listen", "0", "-b", "base64")) {
            String url = listening(cli);
            CompletableFuture<CharSequence> received = new CompletableFuture<>();
            HttpClient http = HttpClient.newHttpClient();
            WebSocket jdk = http.newWebSocketBuilder().buildAsync(URI.create(url + "jdk"), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    received.complete(data);
                    return null;
                }
            }).get(Cli.WAIT.toSeconds(), TimeUnit.SECONDS);
            jdk.sendText("from the JDK", true).get(Cli.WAIT.toSeconds(), TimeUnit.SECONDS);
            jdk.sendBinary(ByteBuffer.wrap(new byte[]{'h', 'i'}), true).get(Cli.WAIT.toSeconds(), TimeUnit.SECONDS);
            cli.awaitOut("< #1: from the JDK");
            cli.awaitOut("< #1: [binary, 2 bytes] aGk=");
            cli.type("to the JDK\n");
            assertEquals("to the JDK", received.get(Cli.WAIT.toSeconds(), TimeUnit.SECONDS).toString());
            jdk.sendClose(4002, "leaving").get(Cli.WAIT.toSeconds(), TimeUnit.SECONDS);
            cli.awaitErr("client #1 closed: 4002 (application's code) \"leaving\"");
            cli.terminate();
        }
    }

    @Test
    @DisplayName("at a terminal: /clients lists them, /close closes them, /quit stops with status 0")
    void atATerminal() throws Exception {
        try (Cli cli = Cli.inTerminal("listen", "0")) {
            String url = listening(cli);
            try (NodeClient node = NodeClient.connect(url + "t")) {
                node.await("OPEN -");
                cli.awaitOut("client #1 connected");
                cli.type("/clients\r");
                cli.awaitOut("#1 127.0.0.1:");
                cli.type("typed\r");
                node.await("TEXT typed");
                cli.type("/ping " + "x".repeat(126) + "\r");
                cli.awaitOut("at most 125 bytes");
                cli.type("still typing\r");
                node.await("TEXT still typing");
                cli.type("/close 4100 bye\r");
                node.await("CLOSE 4100 bye");
                cli.type("/quit\r");
                cli.assertExit(0);
            }
        }
    }

    @Test
    @DisplayName("in a pipe, lines wait for the first client instead of being dropped, and each is sent before the next is read")
    void pipedLinesWaitForAClient() throws Exception {
        try (Cli cli = Cli.piped("listen", "0")) {
            String url = listening(cli);
            cli.type("early line\n");
            try (NodeClient node = NodeClient.connect(url)) {
                node.await("OPEN -");
                node.await("TEXT early line");
            }
            cli.terminate();
        }
    }

    @Test
    @DisplayName("SIGTERM to tether connect closes its connection with 1001, as tether listen reports")
    void sigtermOnConnectGoesAway() throws Exception {
        try (Cli listen = Cli.piped("listen", "0")) {
            String url = listening(listen);
            try (Cli connect = Cli.piped("connect", url, "-w", "-1")) {
                listen.awaitErr("client #1 connected");
                connect.awaitErr("connected to");
                connect.terminate();
                listen.awaitErr("client #1 closed: 1001 (going away)");
                assertEquals(143, connect.awaitExit(), "killed by SIGTERM, after the close" + connect.transcript());
            }
            listen.terminate();
        }
    }

    @Test
    @DisplayName("--compress: node's ws client offering permessage-deflate gets it, and messages go both ways")
    void compressed() throws Exception {
        try (Cli cli = Cli.piped("listen", "0", "--compress")) {
            String url = listening(cli);
            try (NodeClient node = NodeClient.connectCompressed(url)) {
                node.await("EXTENSIONS permessage-deflate");
                cli.awaitErr(", extensions permessage-deflate");
                String big = "compressible ".repeat(1000);
                node.send(big);
                cli.awaitOut("< #1: " + big + "\n");
                cli.type(big + "\n");
                node.await("TEXT " + big);
            }
            cli.terminate();
        }
    }

    @Test
    @DisplayName("--compress with a client that limits the server's window to 9 bits: accepted, and node inflates what the server sends")
    void compressedIntoASmallWindow() throws Exception {
        try (Cli cli = Cli.piped("listen", "0", "--compress")) {
            String url = listening(cli);
            try (NodeClient node = NodeClient.connectCompressed(url, "{\"threshold\":0,\"serverMaxWindowBits\":9}")) {
                node.await("EXTENSIONS permessage-deflate");
                cli.awaitErr(", extensions permessage-deflate");
                // repeats 1,000 bytes apart, past a 9-bit window (zlib does not check that within one
                // inflate call; the core's tests show no string is matched under such a limit)
                String far = ("x".repeat(990) + "0123456789").repeat(8);
                cli.type(far + "\n");
                node.await("TEXT " + far);
            }
            cli.terminate();
        }
    }

    @Test
    @DisplayName("a port already taken: status 1 and why")
    void portTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             Cli cli = Cli.piped("listen", Integer.toString(taken.getLocalPort()))) {
            cli.assertExit(1);
            assertTrue(cli.err().startsWith("tether: cannot serve 127.0.0.1:" + taken.getLocalPort()), cli.transcript());
        }
    }
}
