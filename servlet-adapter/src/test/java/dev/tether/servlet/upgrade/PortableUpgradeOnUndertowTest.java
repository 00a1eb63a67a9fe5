package dev.tether.servlet.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RunningServer;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Why Tether upgrades on Undertow through Undertow's own API ({@code UndertowRoute}) instead of
 * {@code HttpServletRequest.upgrade}: Undertow's upgraded output stream, in non-blocking mode,
 * writes the whole array it is given instead of the part {@code write(b, off, len)} names. Tomcat,
 * the control, writes the part. When this test fails on Undertow, its portable output writes parts
 * again; the other reason for the route (a write listener that spins when the socket fails under a
 * pending write) needs checking before the route can go.
 */
@DisplayName("HttpServletRequest.upgrade, called directly: what the upgraded output writes of write(b, off, len)")
class PortableUpgradeOnUndertowTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] ARRAY = "--hello--".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @EnumSource(value = Container.class, names = {"TOMCAT", "UNDERTOW"})
    void whatTheUpgradedOutputWritesOfAPart(Container container) throws Exception {
        try (RunningServer server = container.start(r -> r.addServlet("/probe", new UpgradingServlet()));
                RawWebSocketClient client = RawWebSocketClient.open(server.httpUri("/"))) {
            RawWebSocketClient.ResponseHead head = client.sendRequestHead("GET /probe HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: probe\r\nConnection: Upgrade\r\n\r\n");
            assertEquals(101, head.status(), head::toString);
            String written = new String(client.awaitEof(TIMEOUT), StandardCharsets.US_ASCII);
            assertEquals(container == Container.UNDERTOW ? "--hello--" : "hello", written,
                    container + ": what write(array, 2, 5) sent");
        }
    }

    /** Switches to a protocol of its own through the portable API. */
    static final class UpgradingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
            response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
            response.setHeader("Upgrade", "probe");
            response.setHeader("Connection", "Upgrade");
            request.upgrade(PartWriter.class);
        }
    }

    /** Writes bytes 2 to 6 of {@link #ARRAY} once the output is ready, then closes (the container makes it). */
    public static final class PartWriter implements HttpUpgradeHandler {
        @Override
        public void init(WebConnection connection) {
            try {
                ServletOutputStream out = connection.getOutputStream();
                out.setWriteListener(new WriteListener() {
                    private boolean written;

                    @Override
                    public void onWritePossible() throws IOException {
                        if (!written) {
                            written = true;
                            out.write(ARRAY, 2, 5);
                            out.flush();
                        }
                        if (out.isReady()) { // else the container calls again once the bytes are out
                            try {
                                connection.close();
                            } catch (Exception e) {
                                throw new IOException(e);
                            }
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        // the client sees the connection end early, and the assertion says what came
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void destroy() {
        }
    }
}
