package dev.tether.cli.connect;

import dev.tether.cli.testing.Cli;
import dev.tether.cli.testing.ExampleApp;
import dev.tether.client.peers.NodePeer;
import dev.tether.client.peers.TestCertificates;
import dev.tether.client.peers.TinyProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@code tether connect} fails: status 1 and one line saying why for each kind of failure
 * (refused, HTTP status, certificate, proxy), status 2 and a pointer to --help for usage errors.
 */
class ConnectFailuresIT {
    private static ExampleApp app;
    private static NodePeer wss;
    private static NodePeer wssWrongHost;

    @BeforeAll
    static void start() throws Exception {
        app = ExampleApp.start();
        wss = NodePeer.start("ws", TestCertificates.peerTls("server").toArray(String[]::new));
        wssWrongHost = NodePeer.start("ws", TestCertificates.peerTls("wrong-host").toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        if (wssWrongHost != null) wssWrongHost.close();
        if (wss != null) wss.close();
        if (app != null) app.close();
    }

    /** Runs the tool to its end, expecting status 1 and exactly one line on standard error. */
    private static String failsWithOneLine(String... args) throws Exception {
        try (Cli cli = Cli.piped(args)) {
            cli.assertExit(1);
            String err = cli.err();
            assertEquals(1, err.lines().count(), "one line on standard error" + cli.transcript());
            assertTrue(err.startsWith("tether: "), cli.transcript());
            assertEquals("", cli.out(), cli.transcript());
            return err;
        }
    }

    @Test
    @DisplayName("a port nobody listens on: 'could not connect', status 1")
    void refused() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        String err = failsWithOneLine("connect", "ws://127.0.0.1:" + port + "/");
        assertTrue(err.contains("could not connect to 127.0.0.1:" + port), err);
    }

    @Test
    @DisplayName("a path that is not a WebSocket: the server's HTTP status, status 1")
    void notFound() throws Exception {
        String err = failsWithOneLine("connect", app.ws("/no-such-thing").toString());
        assertTrue(err.contains("refused the upgrade") && err.contains("404"), err);
    }

    @Test
    @DisplayName("a certificate the system does not trust: the TLS step and the reason, status 1")
    void untrustedCertificate() throws Exception {
        String err = failsWithOneLine("connect", "wss://localhost:" + wss.port() + "/");
        assertTrue(err.contains("TLS") && err.contains("localhost:" + wss.port()), err);
        assertTrue(err.contains("the certificate of localhost:" + wss.port() + " is not trusted"), err);
        assertTrue(err.contains("--ca FILE"), "says what to do" + err);
    }

    @Test
    @DisplayName("a certificate for another host, even from a trusted CA: refused, status 1")
    void wrongHost() throws Exception {
        String err = failsWithOneLine("connect", "wss://localhost:" + wssWrongHost.port() + "/",
                "--ca", TestCertificates.certificate("ca").toString());
        assertTrue(err.contains("the certificate of localhost:" + wssWrongHost.port() + " is for another host"), err);
    }

    @Test
    @DisplayName("--ca trusts the test CA: connected over TLS")
    void trustedWithCa() throws Exception {
        try (Cli cli = Cli.piped("connect", "wss://localhost:" + wss.port() + "/", "--ca",
                TestCertificates.certificate("ca").toString(), "-x", "secure", "-x", ConnectPipedIT.CLOSE, "-w", "-1")) {
            cli.assertExit(0);
            assertEquals("< secure\n", cli.out(), cli.transcript());
        }
    }

    @Test
    @DisplayName("-n connects to an untrusted server, after a warning on standard error")
    void noCheckWarns() throws Exception {
        try (Cli cli = Cli.piped("connect", "wss://localhost:" + wssWrongHost.port() + "/", "-n", "-x", "anyway", "-x", ConnectPipedIT.CLOSE, "-w", "-1")) {
            cli.assertExit(0);
            assertEquals("< anyway\n", cli.out(), cli.transcript());
            assertTrue(cli.err().startsWith("warning: --no-check: the server's certificate is not checked"), cli.transcript());
            assertEquals(3, cli.err().lines().count(), "the warning, connected, closed; no log lines" + cli.transcript());
        }
    }

    @Test
    @DisplayName("a proxy that wants credentials: its 407, status 1; with them in --proxy the tunnel works")
    void proxyAuthentication() throws Exception {
        try (TinyProxy proxy = TinyProxy.startWithBasicAuth("user", "secret");
             NodePeer ws = NodePeer.start("ws")) {
            String err = failsWithOneLine("connect", ws.uri("/").toString(), "--proxy", proxy.uri().toString());
            assertTrue(err.contains("407"), err);
            try (Cli cli = Cli.piped("connect", ws.uri("/").toString(), "--proxy", proxy.uriWithCredentials().toString(),
                    "-x", "through", "-x", ConnectPipedIT.CLOSE, "-w", "-1")) {
                cli.assertExit(0);
                assertEquals("< through\n", cli.out(), cli.transcript());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("usage errors: status 2, the mistake and a pointer to --help, nothing connected")
    @CsvSource(delimiter = '|', value = {
            "no URL                    | connect                                        | Missing required parameter: 'URL'",
            "a scheme that is not ws   | connect ftp://127.0.0.1/                       | not a WebSocket URL",
            "a header without a colon  | connect ws://127.0.0.1:1/ -H NoColon           | --header takes 'Name: value'",
            "--cert without --key      | connect ws://127.0.0.1:1/ --cert x.pem         | --cert and --key go together",
            "an unknown option         | connect ws://127.0.0.1:1/ --frobnicate         | Unknown option: '--frobnicate'",
            "a version that is not 8/13| connect ws://127.0.0.1:1/ -p 7                 | --protocol-version takes 8 or 13",
            "a header the handshake owns| connect ws://127.0.0.1:1/ -H 'Upgrade: no'    | Upgrade",
            "a size that is not one    | connect ws://127.0.0.1:1/ --max-size lots      | is not a size",
            "events: a negative idle   | events http://127.0.0.1:1/ --idle-timeout -1   | --idle-timeout takes 0",
            "events: an https proxy    | events http://127.0.0.1:1/ --proxy https://127.0.0.1:1/ | cannot speak TLS to a proxy",
            "no command                |                                                | Usage: tether"})
    void usageErrors(String what, String commandLine, String expected) throws Exception {
        List<String> args = new ArrayList<>();
        if (commandLine != null) {
            for (String word : commandLine.split(" (?=(?:[^']*'[^']*')*[^']*$)")) {
                args.add(word.replace("'", ""));
            }
        }
        try (Cli cli = Cli.piped(args.toArray(String[]::new))) {
            cli.assertExit(2);
            assertTrue(cli.err().contains(expected), what + cli.transcript());
            if (commandLine != null) {
                assertTrue(cli.err().contains("--help' for the options"), what + cli.transcript());
            }
        }
    }
}
