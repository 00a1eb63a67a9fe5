package dev.tether.servlet.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ContainerFixtureTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Answers with what the deployment set up: an init parameter, an attribute, a filter's header. */
    private static final class ReportingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print(getServletContext().getInitParameter("greeting") + " "
                    + getServletContext().getAttribute("who") + " " + req.getPathInfo());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void servesAGetAndReleasesThePortOnClose(Container container) throws Exception {
        Filter tagging = (request, response, chain) -> {
            ((HttpServletResponse) response).setHeader("X-Filtered", "yes");
            chain.doFilter(request, response);
        };
        int port;
        try (RunningServer server = container.start(r -> r
                .addServlet("/hello/*", new ReportingServlet())
                .addFilter("/*", tagging)
                .initParameter("greeting", "hello")
                .attribute("who", "world"))) {
            port = server.port();
            assertTrue(port > 0, server.name());
            try (RawWebSocketClient client = RawWebSocketClient.open(server.httpUri("/"))) {
                RawWebSocketClient.ResponseHead head = client.sendRequestHead(
                        "GET /hello/there HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                assertEquals(200, head.status(), server.name());
                assertEquals("yes", head.header("x-filtered"));
                String body = new String(client.awaitEof(TIMEOUT), ISO_8859_1);
                assertTrue(body.contains("hello world /there"), body); // plain or chunked
            }
        }
        try (ServerSocket rebound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, rebound.getLocalPort());
        }
    }
}
