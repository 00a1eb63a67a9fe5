package dev.tether.client.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** tinyproxy tunnels WebSocket connections to any port, with and without Basic auth. */
class TinyProxyTest {
    @Test
    void tunnelsAWebSocketToAnyPortAndLogsTheConnect() throws Exception {
        try (NodePeer peer = NodePeer.start("ws"); TinyProxy proxy = TinyProxy.start()) {
            assertEquals("http://127.0.0.1:" + proxy.port(), proxy.uri().toString());
            try (Socket socket = proxy.connect()) {
                String connected = RawWebSocket.connect(socket, peer.port(), null);
                assertEquals(200, RawWebSocket.status(connected), connected);
                assertUpgradesAndEchoes(socket, peer.port());
            }
            // The log is read on another thread: wait for the line rather than look once.
            assertTrue(proxy.awaitLog("CONNECT 127.0.0.1:" + peer.port() + " HTTP/1.1", java.time.Duration.ofSeconds(10)), proxy.log());
        }
    }

    @Test
    void basicAuth() throws Exception {
        try (NodePeer peer = NodePeer.start("faye"); TinyProxy proxy = TinyProxy.startWithBasicAuth("tether", "s3cret.pw")) {
            assertEquals("http://tether:s3cret.pw@127.0.0.1:" + proxy.port(), proxy.uriWithCredentials().toString());
            try (Socket socket = proxy.connect()) {
                String refused = RawWebSocket.connect(socket, peer.port(), null);
                assertEquals(407, RawWebSocket.status(refused), refused);
                assertTrue(refused.contains("Proxy-Authenticate: Basic"), refused);
            }
            try (Socket socket = proxy.connect()) {
                // tinyproxy's quirk: wrong credentials get 401 with WWW-Authenticate, not 407
                String wrong = RawWebSocket.connect(socket, peer.port(), "Basic dGV0aGVyOndyb25n");
                assertEquals(401, RawWebSocket.status(wrong), wrong);
            }
            try (Socket socket = proxy.connect()) {
                String connected = RawWebSocket.connect(socket, peer.port(), proxy.proxyAuthorization());
                assertEquals(200, RawWebSocket.status(connected), connected);
                assertUpgradesAndEchoes(socket, peer.port());
            }
        }
    }

    @Test
    void theJdkClientGoesThroughIt() throws Exception {
        try (NodePeer peer = NodePeer.start("ws"); TinyProxy proxy = TinyProxy.start()) {
            HttpClient client = HttpClient.newBuilder()
                    .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port()))).build();
            JdkClient events = new JdkClient();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(peer.uri("/"), events)
                    .get(JdkClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("through the proxy", events.ask(ws, "through the proxy"));
            assertTrue(proxy.awaitLog("CONNECT 127.0.0.1:" + peer.port(), java.time.Duration.ofSeconds(10)), proxy.log());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(JdkClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            events.expectClose(WebSocket.NORMAL_CLOSURE, "");
            assertTrue(proxy.awaitLog("Closed connection between local client", JdkClient.TIMEOUT), proxy.log());
        }
    }

    @Test
    void refusesCredentialsItsConfigCannotHoldAndStopsAtClose() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> TinyProxy.startWithBasicAuth("user", "p@ss:word"));
        TinyProxy proxy = TinyProxy.start();
        int port = proxy.port();
        proxy.close();
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "tinyproxy still listens");
        assertThrows(IllegalStateException.class, proxy::uriWithCredentials);
    }

    private static void assertUpgradesAndEchoes(Socket socket, int port) throws IOException {
        String upgraded = RawWebSocket.upgrade(socket, port, "/", 13);
        assertEquals(101, RawWebSocket.status(upgraded), upgraded);
        RawWebSocket.sendText(socket, "tunnelled");
        assertEquals("tunnelled", RawWebSocket.readText(socket));
    }
}
