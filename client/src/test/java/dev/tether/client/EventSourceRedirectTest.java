package dev.tether.client;

import static dev.tether.client.EventLog.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.client.peers.TestCertificates;
import dev.tether.client.peers.TlsFront;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redirects, followed by the client itself (java.net.http would copy every header to every hop):
 * user headers such as {@code Authorization} and {@code Cookie} never leave for another origin,
 * {@code https} never steps down to {@code http}, a chain ends after {@code maxRedirects}, and a
 * redirect that cannot be followed is a refusal that says why. Raw servers on 127.0.0.1; another
 * port is another origin.
 */
class EventSourceRedirectTest {
    private static final String STREAM = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: hi\n\n";

    private EventSourceClient client;

    @BeforeEach
    void startClient() {
        client = EventSourceClient.builder().proxy(ProxyOptions.none())
                .tls(TlsOptions.builder().trustPem(TestCertificates.certificate("ca")).build()).build();
    }

    @AfterEach
    void stopClient() {
        client.close();
    }

    @Test
    void userHeadersAreDroppedWhenARedirectLeadsToAnotherOrigin() throws Exception {
        try (ScriptedServer other = ScriptedServer.start((head, socket, out) -> write(out, STREAM));
             ScriptedServer first = ScriptedServer.start((head, socket, out) -> redirect(socket, out, 302,
                     "http://127.0.0.1:" + other.port() + "/elsewhere"))) {
            EventLog log = new EventLog();
            client.connect(EventSourceRequest.builder(first.httpUri("/events")).header("Authorization", "Bearer secret")
                    .header("Cookie", "session=secret").header("X-Tenant", "blue").lastEventId("7").build(), log);
            assertEquals("open 200 /elsewhere", log.next());
            assertEquals(event("7", "message", "hi"), log.next());
            String asked = first.nextRequest();
            assertTrue(asked.contains("\r\nAuthorization: Bearer secret\r\n") && asked.contains("\r\nCookie: session=secret\r\n"),
                    asked);
            String followed = other.nextRequest().toLowerCase(Locale.ROOT);
            assertFalse(followed.contains("secret"), "no credential crosses to another origin: " + followed);
            assertFalse(followed.contains("x-tenant"), "nor any other header the user set: " + followed);
            assertTrue(followed.startsWith("get /elsewhere http/1.1\r\n"), followed);
            assertTrue(followed.contains("\r\naccept: text/event-stream\r\n"), followed);
            assertTrue(followed.contains("\r\nlast-event-id: 7\r\n"), "the stream's own header goes on: " + followed);
        }
    }

    @Test
    void aRelativeLocationOnTheSameOriginKeepsTheUserHeaders() throws Exception {
        try (ScriptedServer server = ScriptedServer.start((head, socket, out) -> {
            if (head.startsWith("GET /events ")) redirect(socket, out, 307, "stream?x=1");
            else write(out, STREAM);
        })) {
            EventLog log = new EventLog();
            client.connect(EventSourceRequest.builder(server.httpUri("/events")).header("Authorization", "Bearer mine").build(),
                    log);
            assertEquals("open 200 /stream", log.next());
            server.nextRequest();
            String followed = server.nextRequest();
            assertTrue(followed.startsWith("GET /stream?x=1 HTTP/1.1\r\n") && followed.contains("\r\nAuthorization: Bearer mine\r\n"),
                    followed);
        }
    }

    @Test
    void aRedirectChainLongerThanMaxRedirectsIsARefusal() throws Exception {
        try (ScriptedServer loop = ScriptedServer.start((head, socket, out) -> redirect(socket, out, 301, "/events"))) {
            EventSourceRefusedException refused = refusal(EventSourceRequest.of(loop.httpUri("/events")));
            assertEquals(301, refused.status());
            assertTrue(refused.getMessage().contains("(Location: /events: more than 5 redirects in a row)"), refused.getMessage());
            for (int i = 0; i < 6; i++) loop.nextRequest();

            EventSourceRefusedException notFollowed = refusal(EventSourceRequest.builder(loop.httpUri("/events"))
                    .maxRedirects(0).build());
            assertTrue(notFollowed.getMessage().contains("redirects are not followed (maxRedirects 0)"), notFollowed.getMessage());
        }
    }

    @Test
    void aRedirectWithoutLocationIsARefusal() throws Exception {
        try (ScriptedServer server = ScriptedServer.answering("HTTP/1.1 302 Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                true)) {
            EventSourceRefusedException refused = refusal(EventSourceRequest.of(server.httpUri("/events")));
            assertEquals(302, refused.status());
            assertTrue(refused.getMessage().contains("(a redirect without a Location header)"), refused.getMessage());
        }
    }

    @Test
    void httpsNeverStepsDownToHttp() throws Exception {
        try (ScriptedServer plain = ScriptedServer.start((head, socket, out) -> write(out, STREAM));
             ScriptedServer behindTls = ScriptedServer.start((head, socket, out) -> redirect(socket, out, 302,
                     "http://127.0.0.1:" + plain.port() + "/events"));
             TlsFront front = TlsFront.start(TestCertificates.serverContext("server"), behindTls.port())) {
            EventSourceRefusedException refused = refusal(EventSourceRequest.of(URI.create("https://127.0.0.1:" + front.port()
                    + "/events")));
            assertEquals(302, refused.status());
            assertTrue(refused.getMessage().contains("a redirect from https:// to http:// is never followed"), refused.getMessage());
            behindTls.nextRequest();
            try (Socket probe = new Socket("127.0.0.1", plain.port())) {
                probe.getOutputStream().write("GET /probe HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertTrue(plain.nextRequest().startsWith("GET /probe "), "the plain server got no request before this one");
            }
        }
    }

    private EventSourceRefusedException refusal(EventSourceRequest request) throws Exception {
        EventLog log = new EventLog();
        EventSourceConnection connection = client.connect(request, log);
        EventSourceRefusedException refused = assertInstanceOf(EventSourceRefusedException.class, log.awaitClose());
        assertEquals("close REFUSED", log.next());
        connection.closed().toCompletableFuture().handle((ok, e) -> null).get(10, TimeUnit.SECONDS);
        return refused;
    }

    /** A redirect that closes its connection, so that the next request comes on a new one. */
    private static void redirect(Socket socket, OutputStream out, int status, String location) throws IOException {
        write(out, "HTTP/1.1 " + status + " Moved\r\nLocation: " + location + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket.close();
    }

    private static void write(OutputStream out, String response) throws IOException {
        out.write(response.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
