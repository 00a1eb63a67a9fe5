package dev.tether.servlet.endpoint;

import dev.tether.servlet.testing.JdkClient;

import dev.tether.servlet.endpoint.TestEndpoints.ChatEndpoint;
import dev.tether.servlet.endpoint.TestEndpoints.Counter;
import dev.tether.servlet.endpoint.TestEndpoints.Failing;
import dev.tether.servlet.endpoint.TestEndpoints.Forms;
import dev.tether.servlet.endpoint.TestEndpoints.Parts;
import dev.tether.servlet.endpoint.TestEndpoints.Points;
import dev.tether.servlet.endpoint.TestEndpoints.Unhandled;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Annotated endpoints served through {@link EndpointServlet}, on each container. */
class AnnotatedEndpointTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @BeforeEach
    void clear() {
        Recorder.EVENTS.clear();
    }

    private static RunningServer start(Container container) throws Exception {
        EndpointServlet servlet = new EndpointServlet(ChatEndpoint.class, Points.class, Forms.class, Parts.class,
                Counter.class, Failing.class, Unhandled.class);
        return container.start(r -> r.addServlet("/*", servlet));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theIssuesChatEndpoint(Container container) throws Exception {
        try (RunningServer running = start(container);
             JdkClient client = JdkClient.connect(running.wsUri("/chat/kitch%20en"), "chat.v1")) {
            assertEquals("chat.v1", client.socket.getSubprotocol());
            assertEquals("open:kitch en:chat.v1:dev.tether.runtime.connection.WebSocketConnection", Recorder.await("open:"));
            assertEquals("welcome to kitch en", client.next());
            client.sendText("hello").get(10, TimeUnit.SECONDS);
            assertEquals("echo: hello", client.next());
            client.socket.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}), true).get(10, TimeUnit.SECONDS);
            assertEquals(ByteBuffer.wrap(new byte[]{1, 2, 3}), client.next());
            client.socket.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
            assertEquals("close:1000", Recorder.await("close:"));
            assertTrue(client.awaitClose().startsWith("1000"));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void decodersEncodersAndConvertedPathParameters(Container container) throws Exception {
        try (RunningServer running = start(container);
             JdkClient client = JdkClient.connect(running.wsUri("/points/3/mm"))) {
            client.sendText("1,2").get(10, TimeUnit.SECONDS);
            assertEquals("3,6", client.next());
            assertEquals("unit:MM", Recorder.await("unit:"));
            client.socket.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}), true).get(10, TimeUnit.SECONDS);
            assertEquals(ByteBuffer.wrap(new byte[]{3, 2, 1}), client.next());
            client.sendText("not a point").get(10, TimeUnit.SECONDS);
            assertEquals("error:DecodeException:not a point", Recorder.await("error:"));
            assertEquals("1007 message could not be decoded", client.awaitClose());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPathValueThatDoesNotConvertRefusesTheHandshake(Container container) throws Exception {
        try (RunningServer running = start(container);
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/points/three/mm"))) {
            assertEquals(400, client.response().status());
            assertEquals("path parameter {scale}: \"three\" is not an int\n", body(client));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void readerInputStreamPartsAndPongs(Container container) throws Exception {
        try (RunningServer running = start(container);
             JdkClient forms = JdkClient.connect(running.wsUri("/forms?x=1"));
             JdkClient parts = JdkClient.connect(running.wsUri("/parts"))) {
            assertTrue(Recorder.await("pong:").startsWith("pong:"), "the client answered the endpoint's ping");
            forms.sendText("é".repeat(100)).get(10, TimeUnit.SECONDS);
            assertEquals("100", forms.next(), "an int return value goes as text");
            assertEquals("query:x=1", Recorder.await("query:"));
            forms.socket.sendBinary(ByteBuffer.wrap("bytes".getBytes(StandardCharsets.UTF_8)), true).get(10, TimeUnit.SECONDS);
            assertEquals("bytes", forms.next());
            // Each fragment is a part of its own, and what each call returns a message of its own.
            parts.socket.sendText("a", false).get(10, TimeUnit.SECONDS);
            parts.socket.sendText("b", true).get(10, TimeUnit.SECONDS);
            assertEquals("a:false", parts.next());
            assertEquals("b:true", parts.next());
            parts.socket.sendBinary(ByteBuffer.wrap(new byte[7]), true).get(10, TimeUnit.SECONDS);
            assertEquals(ByteBuffer.wrap(new byte[]{7, 1}), parts.next());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void eachConnectionHasItsOwnInstance(Container container) throws Exception {
        try (RunningServer running = start(container)) {
            int before = Counter.INSTANCES.get();
            try (JdkClient one = JdkClient.connect(running.wsUri("/counter"));
                 JdkClient two = JdkClient.connect(running.wsUri("/counter"))) {
                one.sendText("a").get(10, TimeUnit.SECONDS);
                assertEquals("1", one.next());
                one.sendText("b").get(10, TimeUnit.SECONDS);
                assertEquals("2", one.next());
                two.sendText("c").get(10, TimeUnit.SECONDS);
                assertEquals("1", two.next());
            }
            assertEquals(before + 2, Counter.INSTANCES.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void failuresGoToOnErrorOrClose1011AndUnacceptedMessages1003(Container container) throws Exception {
        try (RunningServer running = start(container);
             JdkClient failing = JdkClient.connect(running.wsUri("/fail"));
             JdkClient unhandled = JdkClient.connect(running.wsUri("/unhandled"));
             JdkClient textOnly = JdkClient.connect(running.wsUri("/unhandled"))) {
            failing.sendText("one").get(10, TimeUnit.SECONDS);
            assertEquals("handled boom one", failing.next());
            failing.sendText("two").get(10, TimeUnit.SECONDS);
            assertEquals("handled boom two", failing.next(), "@OnError handled it: the connection stays");
            unhandled.sendText("x").get(10, TimeUnit.SECONDS);
            assertEquals("1011 internal error", unhandled.awaitClose());
            textOnly.socket.sendBinary(ByteBuffer.wrap(new byte[1]), true).get(10, TimeUnit.SECONDS);
            assertEquals("1003 Unhandled takes no binary messages", textOnly.awaitClose());
            assertFalse(failing.closed.isDone());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void unroutableRequestsGetTheReason(Container container) throws Exception {
        try (RunningServer running = start(container);
             RawWebSocketClient nowhere = RawWebSocketClient.connect(running.wsUri("/chat/a/b"));
             RawWebSocketClient noProtocol = RawWebSocketClient.connect(running.wsUri("/chat/kitchen"));
             RawWebSocketClient wrongProtocol = RawWebSocketClient.connect(running.wsUri("/chat/kitchen"),
                     "Sec-WebSocket-Protocol", "chat.v9, other");
             RawWebSocketClient plain = RawWebSocketClient.connect(running.wsUri("/counter"), "Upgrade", null)) {
            assertEquals(404, nowhere.response().status());
            assertEquals("no WebSocket endpoint at /chat/a/b\n", body(nowhere));
            assertEquals(400, noProtocol.response().status());
            assertEquals("the endpoint at /chat/kitchen needs one of the subprotocols [chat.v1]; the request offered none\n",
                    body(noProtocol));
            assertEquals(400, wrongProtocol.response().status());
            assertEquals("no endpoint at /chat/kitchen speaks the offered subprotocols [chat.v9, other]; supported: [chat.v1]\n",
                    body(wrongProtocol));
            assertEquals(426, plain.response().status());
        }
    }

    static String body(RawWebSocketClient client) throws Exception {
        int length = Integer.parseInt(client.response().header("Content-Length"));
        return new String(client.readExactly(length, TIMEOUT), StandardCharsets.UTF_8);
    }
}
