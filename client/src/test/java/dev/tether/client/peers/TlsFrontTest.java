package dev.tether.client.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** TLS to the proxy: a TLS front relays to tinyproxy, which tunnels to the peer. */
class TlsFrontTest {
    @Test
    void tunnelsThroughTlsToTheProxy() throws Exception {
        try (NodePeer peer = NodePeer.start("ws");
                TinyProxy proxy = TinyProxy.start();
                TlsFront front = TlsFront.start(TestCertificates.serverContext("server"), proxy.port())) {
            assertEquals("https://127.0.0.1:" + front.port(), front.uri().toString());
            try (SSLSocket socket = (SSLSocket) TestCertificates.clientContext().getSocketFactory()
                    .createSocket("127.0.0.1", front.port())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the front's certificate is for 127.0.0.1
                socket.setSSLParameters(parameters);
                String connected = RawWebSocket.connect(socket, peer.port(), null);
                assertEquals(200, RawWebSocket.status(connected), connected);
                assertEquals(101, RawWebSocket.status(RawWebSocket.upgrade(socket, peer.port(), "/", 13)));
                RawWebSocket.sendText(socket, "over tls");
                assertEquals("over tls", RawWebSocket.readText(socket));
            }
            assertEquals(1, front.handshakes());
            assertTrue(proxy.awaitLog("CONNECT 127.0.0.1:" + peer.port(), java.time.Duration.ofSeconds(10)), proxy.log());
        }
    }

    @Test
    void closeEndsOpenTunnelsAndAClientThatDistrustsItFails() throws Exception {
        try (NodePeer peer = NodePeer.start("faye"); TinyProxy proxy = TinyProxy.start()) {
            TlsFront front = TlsFront.start(TestCertificates.serverContext("server"), proxy.port());
            try (SSLSocket socket = (SSLSocket) TestCertificates.clientContext().getSocketFactory()
                    .createSocket("127.0.0.1", front.port())) {
                assertEquals(200, RawWebSocket.status(RawWebSocket.connect(socket, peer.port(), null)));
                assertEquals(101, RawWebSocket.status(RawWebSocket.upgrade(socket, peer.port(), "/", 13)));
                front.close(); // with the tunnel open: every relay thread ends
                socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
                assertThrows(IOException.class, () -> RawWebSocket.readText(socket), "the tunnel ended");
            }
            TlsFront distrusted = TlsFront.start(TestCertificates.serverContext("server"), proxy.port());
            try (distrusted; SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory()
                    .createSocket("127.0.0.1", distrusted.port())) {
                assertThrows(SSLHandshakeException.class, socket::startHandshake, "the JDK's CAs do not know the test CA");
            }
        }
    }
}
