package dev.tether.servlet.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Why Tether takes Jetty's connections over ({@link JettyTakeover}) instead of calling
 * {@code HttpServletRequest.upgrade}: on Jetty 12.1, in both its ee10 and ee11 environments, the
 * upgraded input reports its end at once and never delivers what the client sends after the head.
 * Tomcat, the control, delivers it. When this test fails on Jetty, Jetty's portable upgrade works
 * again: the takeover can go (see {@link ContainerUpgrade}).
 */
@DisplayName("HttpServletRequest.upgrade, called directly: what the upgraded input delivers on each container")
class PortableUpgradeOnJettyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** What the upgraded input reported, in order: "data N", "end", "error …". */
    static final BlockingQueue<String> EVENTS = new LinkedBlockingQueue<>();

    @BeforeEach
    void clear() {
        EVENTS.clear();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void whatTheUpgradedInputDelivers(Container container) throws Exception {
        try (RunningServer server = container.start(r -> r.addServlet("/probe", new UpgradingServlet()));
                RawWebSocketClient client = RawWebSocketClient.open(server.httpUri("/"))) {
            RawWebSocketClient.ResponseHead head = client.sendRequestHead("GET /probe HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: probe\r\nConnection: Upgrade\r\n\r\n");
            assertEquals(101, head.status(), head::toString);
            client.output().write("hello".getBytes(StandardCharsets.US_ASCII));
            client.output().flush();
            String first = EVENTS.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(first, "the upgraded input reported nothing within " + TIMEOUT);
            assertEquals(container.isJetty() ? "end" : "data 5", first,
                    container + ": the first thing the upgraded input reported; then " + EVENTS);
        }
    }

    /** Switches to a protocol of its own through the portable API, the way a library on any container would. */
    static final class UpgradingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
            response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS); // Jetty wants these before upgrade()
            response.setHeader("Upgrade", "probe");
            response.setHeader("Connection", "Upgrade");
            request.upgrade(InputProbe.class);
        }
    }

    /** Reports what its input delivers (the container makes it: public, no arguments). */
    public static final class InputProbe implements HttpUpgradeHandler {
        @Override
        public void init(WebConnection connection) {
            try {
                ServletInputStream in = connection.getInputStream();
                in.setReadListener(new ReadListener() {
                    @Override
                    public void onDataAvailable() throws IOException {
                        byte[] buffer = new byte[64];
                        while (in.isReady()) {
                            int n = in.read(buffer);
                            if (n < 0) return;
                            EVENTS.add("data " + n);
                        }
                    }

                    @Override
                    public void onAllDataRead() {
                        EVENTS.add("end");
                    }

                    @Override
                    public void onError(Throwable error) {
                        EVENTS.add("error " + error);
                    }
                });
            } catch (IOException e) {
                EVENTS.add("error " + e);
            }
        }

        @Override
        public void destroy() {
        }
    }
}
