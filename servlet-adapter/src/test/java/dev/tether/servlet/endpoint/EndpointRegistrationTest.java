package dev.tether.servlet.endpoint;

import dev.tether.servlet.testing.JdkClient;

import dev.tether.servlet.endpoint.TestEndpoints.ChatEndpoint;
import dev.tether.servlet.endpoint.TestEndpoints.Counter;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.ServletRegistration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The three ways to register endpoints, and a configurator that checks handshakes and supplies instances. */
class EndpointRegistrationTest {

    @BeforeEach
    void clear() {
        Recorder.EVENTS.clear();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void registeredWithTheServletContextAtStartup(Container container) throws Exception {
        try (RunningServer running = container.start(r -> r.initializer((classes, context) -> {
                    EndpointRegistry.register(context, ChatEndpoint.class);
                    EndpointRegistry.register(context, Counter.class, ChatEndpoint.class); // again: ignored
                    ServletRegistration servlet = context.getServletRegistration(EndpointRegistry.SERVLET_NAME);
                    Recorder.record("mappings:" + new java.util.TreeSet<>(servlet.getMappings()));
                }));
             JdkClient chat = JdkClient.connect(running.wsUri("/chat/lobby"), "chat.v1");
             JdkClient counter = JdkClient.connect(running.wsUri("/counter"))) {
            assertEquals("mappings:[/chat/*, /counter]", Recorder.await("mappings:"));
            assertEquals("welcome to lobby", chat.next());
            counter.sendText("x").get(10, TimeUnit.SECONDS);
            assertEquals("1", counter.next());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void listedInTheServletsInitParameter(Container container) throws Exception {
        try (RunningServer running = container.start(r -> r.initializer((classes, context) -> {
                    ServletRegistration.Dynamic servlet = context.addServlet("chat", EndpointServlet.class);
                    servlet.setInitParameter(EndpointServlet.ENDPOINTS_PARAMETER, ChatEndpoint.class.getName() + ",\n  "
                            + Counter.class.getName());
                    servlet.addMapping("/chat/*", "/counter");
                }));
             JdkClient chat = JdkClient.connect(running.wsUri("/chat/lobby"), "chat.v1");
             JdkClient counter = JdkClient.connect(running.wsUri("/counter"))) {
            assertEquals("welcome to lobby", chat.next());
            counter.sendText("x").get(10, TimeUnit.SECONDS);
            assertEquals("1", counter.next());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void foundByTheInitializerUnlessSwitchedOff(Container container) throws Exception {
        try (RunningServer running = container.start(r -> r.initializer(new EndpointInitializer(),
                ChatEndpoint.class, Counter.class, String.class));
             JdkClient chat = JdkClient.connect(running.wsUri("/chat/lobby"), "chat.v1")) {
            assertEquals("welcome to lobby", chat.next());
        }
        try (RunningServer running = container.start(r -> r.initParameter(EndpointInitializer.SCAN_PARAMETER, "false")
                .initializer(new EndpointInitializer(), ChatEndpoint.class));
             RawWebSocketClient chat = RawWebSocketClient.connect(running.wsUri("/chat/lobby"),
                     "Sec-WebSocket-Protocol", "chat.v1")) {
            assertEquals(404, chat.response().status());
        }
    }

    /** A DI container's view: one shared instance, handshakes checked first. */
    static final class SharedInstance implements EndpointConfigurator {
        final Counter shared = new Counter();
        final AtomicInteger supplied = new AtomicInteger();

        @Override
        public void beforeHandshake(EndpointHandshake handshake) {
            if (!"let-me-in".equals(handshake.request().getHeader("Authorization"))) {
                handshake.reject(401, "who are you?");
            }
            handshake.attributes().put("user", "ada");
        }

        @Override
        public <T> T newInstance(Class<T> endpointClass, EndpointHandshake handshake) {
            supplied.incrementAndGet();
            return endpointClass.cast(shared);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aConfiguratorChecksHandshakesAndSuppliesInstances(Container container) throws Exception {
        SharedInstance configurator = new SharedInstance();
        try (RunningServer running = container.start(r -> r.initializer((classes, context) ->
                EndpointRegistry.register(context, configurator, Counter.class)));
             RawWebSocketClient stranger = RawWebSocketClient.connect(running.wsUri("/counter"))) {
            assertEquals(401, stranger.response().status());
            assertEquals("who are you?\n", AnnotatedEndpointTest.body(stranger));
            assertEquals(0, configurator.supplied.get(), "no instance for a refused handshake");
            java.net.http.WebSocket.Builder builder = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "let-me-in");
            JdkClient one = new JdkClient();
            JdkClient two = new JdkClient();
            one.socket = builder.buildAsync(running.wsUri("/counter"), one).get(10, TimeUnit.SECONDS);
            two.socket = builder.buildAsync(running.wsUri("/counter"), two).get(10, TimeUnit.SECONDS);
            try (one; two) {
                one.sendText("a").get(10, TimeUnit.SECONDS);
                assertEquals("1", one.next());
                two.sendText("b").get(10, TimeUnit.SECONDS);
                assertEquals("2", two.next(), "the same instance serves both");
            }
            assertEquals(2, configurator.supplied.get());
        }
    }
}
