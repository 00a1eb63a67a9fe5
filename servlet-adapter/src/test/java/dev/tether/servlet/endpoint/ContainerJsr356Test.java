package dev.tether.servlet.endpoint;

import dev.tether.servlet.testing.JdkClient;

import dev.tether.servlet.endpoint.TestEndpoints.ChatEndpoint;
import dev.tether.servlet.endpoint.TestEndpoints.Counter;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The containers' own JSR-356 implementations switched on, each serving an endpoint of its own:
 * our annotated endpoints are still served, by our core, beside it.
 */
class ContainerJsr356Test {
    private static final String SERVER_CONTAINER = ServerContainer.class.getName();

    /** A plain JSR-356 endpoint, deployed into the container's own implementation. */
    public static class JsrEcho extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text ->
                    session.getAsyncRemote().sendText("jsr: " + text));
        }
    }

    /** Deploys {@link JsrEcho} at /jsr/echo once the container's JSR-356 has started. */
    private static final ServletContainerInitializer JSR_ENDPOINT = (classes, context) -> {
        ServerContainer container = (ServerContainer) context.getAttribute(SERVER_CONTAINER);
        try {
            container.addEndpoint(ServerEndpointConfig.Builder.create(JsrEcho.class, "/jsr/echo").build());
        } catch (jakarta.websocket.DeploymentException e) {
            throw new jakarta.servlet.ServletException(e);
        }
        Recorder.record("jsr:" + container.getClass().getName());
    };

    @BeforeEach
    void clear() {
        Recorder.EVENTS.clear();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void ourEndpointsAreServedByOurCoreBesideTheContainersOwn(Container container) throws Exception {
        // A default servlet, as every real installation has: Tomcat runs filters (its JSR-356 one
        // too) only for requests that some servlet is mapped to.
        HttpServlet defaultServlet = new HttpServlet() {
            private static final long serialVersionUID = 1L;
        };
        try (RunningServer running = container.start(r -> r.containerWebSocket()
                .addServlet("/", defaultServlet)
                .initializer(JSR_ENDPOINT)
                .initializer(new EndpointInitializer(), ChatEndpoint.class, Counter.class));
             JdkClient jsr = JdkClient.connect(running.wsUri("/jsr/echo"));
             JdkClient chat = JdkClient.connect(running.wsUri("/chat/kitchen"), "chat.v1");
             JdkClient counter = JdkClient.connect(running.wsUri("/counter"))) {
            String implementation = Recorder.await("jsr:");
            String expected = switch (container) {
                case TOMCAT -> "org.apache.tomcat";
                case UNDERTOW -> "io.undertow";
                case JETTY, JETTY_EE11 -> "org.eclipse.jetty";
            };
            assertTrue(implementation.contains(expected),
                    implementation);
            jsr.sendText("hi").get(10, TimeUnit.SECONDS);
            assertEquals("jsr: hi", jsr.next(), "the container's JSR-356 is active");

            assertEquals("open:kitchen:chat.v1:dev.tether.runtime.connection.WebSocketConnection", Recorder.await("open:"));
            assertEquals("welcome to kitchen", chat.next());
            chat.sendText("hello").get(10, TimeUnit.SECONDS);
            assertEquals("echo: hello", chat.next());
            counter.sendText("x").get(10, TimeUnit.SECONDS);
            assertEquals("1", counter.next());
        }
    }
}
