package dev.tether.client.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.client.ProxyOptions;
import dev.tether.client.ProxyRefusedException;
import dev.tether.client.WebSocketConnectException;
import dev.tether.client.WebSocketConnectException.Step;
import dev.tether.driver.handshake.HttpResponseHead;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The CONNECT exchange as bytes: the request exactly, and answers fed whole, split at every offset
 * and one byte at a time, each feeding giving the same outcome.
 */
class ProxyConnectTest {
    private static final ProxyOptions PROXY = ProxyOptions.of(URI.create("http://127.0.0.1:8888"));
    private static final ProxyOptions PROXY_WITH_CREDENTIALS = ProxyOptions.of(URI.create("http://alice:wonderland@127.0.0.1:8888"));

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Nested
    class Request {
        @Test
        void isConnectWithHostAndNothingElseByDefault() {
            assertEquals("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
                    text(new ProxyConnect("example.com", 443, PROXY).requestHead()));
        }

        @Test
        void carriesCredentialsThenTheExtraHeadersInOrder() {
            ProxyOptions proxy = PROXY_WITH_CREDENTIALS.header("User-Agent", "tether/0.1").header("X-Team", "blue");
            assertEquals("CONNECT example.com:8443 HTTP/1.1\r\n"
                    + "Host: example.com:8443\r\n"
                    + "Proxy-Authorization: Basic YWxpY2U6d29uZGVybGFuZA==\r\n"
                    + "User-Agent: tether/0.1\r\n"
                    + "X-Team: blue\r\n"
                    + "\r\n", text(new ProxyConnect("example.com", 8443, proxy).requestHead()));
        }

        @Test
        void bracketsIpv6LiteralTargetsGivenEitherWay() {
            String expected = "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n";
            assertEquals(expected, text(new ProxyConnect("2001:db8::1", 443, PROXY).requestHead()));
            assertEquals(expected, text(new ProxyConnect("[2001:db8::1]", 443, PROXY).requestHead()));
        }

        @Test
        void isAFreshCopyEachTime() {
            ProxyConnect connect = new ProxyConnect("example.com", 443, PROXY);
            byte[] first = connect.requestHead();
            first[0] = 'X';
            assertNotSame(first, connect.requestHead());
            assertEquals('C', connect.requestHead()[0]);
        }

        @Test
        void refusesTargetsThatCouldSplitTheRequest() {
            assertThrows(IllegalArgumentException.class, () -> new ProxyConnect("example.com\r\nX-Evil: 1", 443, PROXY));
            assertThrows(IllegalArgumentException.class, () -> new ProxyConnect("example.com 443", 443, PROXY));
            assertThrows(IllegalArgumentException.class, () -> new ProxyConnect("bücher.example", 443, PROXY));
            assertThrows(IllegalArgumentException.class, () -> new ProxyConnect("", 443, PROXY));
        }

        @Test
        void refusesPortsOutOfRange() {
            assertThrows(IllegalArgumentException.class, () -> new ProxyConnect("example.com", 0, PROXY));
            assertThrows(IllegalArgumentException.class, () -> new ProxyConnect("example.com", 65536, PROXY));
        }

        @Test
        void needsAResolvedProxy() {
            assertThrows(IllegalArgumentException.class, () -> new ProxyConnect("example.com", 443, ProxyOptions.none()));
            assertThrows(IllegalArgumentException.class, () -> new ProxyConnect("example.com", 443, ProxyOptions.system()));
        }
    }

    /** The head and the bytes after it, from one feeding. */
    private record Outcome(HttpResponseHead head, byte[] after) {
    }

    /** Every way the answer is fed: whole, split at every offset, one byte at a time. */
    private static List<List<byte[]>> feedings(byte[] answer) {
        List<List<byte[]>> feedings = new ArrayList<>();
        feedings.add(List.of(answer));
        for (int split = 0; split <= answer.length; split++) {
            feedings.add(List.of(Arrays.copyOfRange(answer, 0, split), Arrays.copyOfRange(answer, split, answer.length)));
        }
        List<byte[]> single = new ArrayList<>();
        for (byte b : answer) single.add(new byte[] {b});
        feedings.add(single);
        return feedings;
    }

    private static Outcome feed(ProxyOptions proxy, List<byte[]> chunks) throws WebSocketConnectException {
        ProxyConnect connect = new ProxyConnect("example.com", 443, proxy);
        HttpResponseHead head = null;
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            ByteBuffer in = ByteBuffer.wrap(chunk);
            if (head == null) {
                head = connect.parse(in);
                if (head == null) {
                    assertFalse(in.hasRemaining(), "an incomplete head consumes all it is given");
                    continue;
                }
            }
            after.write(chunk, in.position(), in.remaining());
        }
        return new Outcome(head, after.toByteArray());
    }

    /** Feeds {@code answer} every way, checking each outcome. */
    private static void everyFeeding(String answer, Consumer<Outcome> check) throws WebSocketConnectException {
        for (List<byte[]> chunks : feedings(bytes(answer))) check.accept(feed(PROXY, chunks));
    }

    /** Feeds {@code answer} every way, checking that each fails alike; returns the failure. */
    private static WebSocketConnectException failsEveryFeeding(ProxyOptions proxy, String answer) {
        WebSocketConnectException first = null;
        for (List<byte[]> chunks : feedings(bytes(answer))) {
            WebSocketConnectException failure = assertThrows(WebSocketConnectException.class, () -> feed(proxy, chunks));
            if (first == null) first = failure;
            assertEquals(first.getClass(), failure.getClass());
            assertEquals(first.getMessage(), failure.getMessage());
        }
        return first;
    }

    @Nested
    class Established {
        @Test
        void a200OpensTheTunnel() throws WebSocketConnectException {
            everyFeeding("HTTP/1.1 200 Connection established\r\n\r\n", outcome -> {
                assertEquals(200, outcome.head().status());
                assertEquals("Connection established", outcome.head().reason());
                assertEquals(0, outcome.after().length);
            });
        }

        @Test
        void bytesAfterTheHeadAreTheTunnelsAndStayInTheBuffer() throws WebSocketConnectException {
            String serverBytes = "\u0016\u0003\u0003\u0000\u0002hi";
            everyFeeding("HTTP/1.1 200 OK\r\nVia: 1.1 squid\r\n\r\n" + serverBytes, outcome -> {
                assertEquals("1.1 squid", outcome.head().headers().first("Via"));
                assertArrayEquals(bytes(serverBytes), outcome.after());
            });
        }

        @Test
        void anHttp10AnswerAndAnyOther2xxWillDo() throws WebSocketConnectException {
            everyFeeding("HTTP/1.0 200 Connection established\r\nProxy-agent: Apache\r\n\r\n",
                    outcome -> assertEquals(200, outcome.head().status()));
            everyFeeding("HTTP/1.1 204 \r\n\r\n", outcome -> assertEquals(204, outcome.head().status()));
        }

        @Test
        void aContentLengthOn2xxIsIgnored() throws WebSocketConnectException {
            everyFeeding("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", outcome -> assertEquals("hello", text(outcome.after())));
        }

        @Test
        void interimAnswersAreSkipped() throws WebSocketConnectException {
            everyFeeding("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\n\r\nX",
                    outcome -> {
                        assertEquals(200, outcome.head().status());
                        assertEquals("X", text(outcome.after()));
                    });
        }
    }

    @Nested
    class Refused {
        @Test
        void a407SaysWhatTheProxyWantsAndHowToGiveIt() {
            WebSocketConnectException failure = failsEveryFeeding(PROXY, "HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "Proxy-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\n\r\n");
            ProxyRefusedException refused = assertInstanceOf(ProxyRefusedException.class, failure);
            assertEquals(Step.PROXY, refused.step());
            assertEquals(407, refused.status());
            assertEquals("the proxy 127.0.0.1:8888 refused the tunnel to example.com:443: 407 Proxy Authentication Required"
                    + " (Proxy-Authenticate: Basic realm=\"x\"); it wants credentials: give them in the proxy URI,"
                    + " http://user:password@host:port", refused.getMessage());
            assertEquals(Map.of("Proxy-Authenticate", List.of("Basic realm=\"x\""), "Content-Length", List.of("0")), refused.headers());
            assertEquals(List.of("Basic realm=\"x\""), refused.headers().get("proxy-authenticate"));
        }

        @Test
        void a407AfterCredentialsSaysTheyWereNotAccepted() {
            WebSocketConnectException refused = failsEveryFeeding(PROXY_WITH_CREDENTIALS, "HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "Proxy-Authenticate: Negotiate\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\r\n");
            assertEquals("the proxy 127.0.0.1:8888 refused the tunnel to example.com:443: 407 Proxy Authentication Required"
                    + " (Proxy-Authenticate: Negotiate, Basic realm=\"corp\"); the credentials sent were not accepted",
                    refused.getMessage());
        }

        @Test
        void otherStatusesAreQuotedWithTheirReason() {
            WebSocketConnectException forbidden = failsEveryFeeding(PROXY,
                    "HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nForbidden");
            assertEquals("the proxy 127.0.0.1:8888 refused the tunnel to example.com:443: 403 Forbidden", forbidden.getMessage());
            assertEquals(403, ((ProxyRefusedException) forbidden).status());
            assertEquals("the proxy 127.0.0.1:8888 refused the tunnel to example.com:443: 502",
                    failsEveryFeeding(PROXY, "HTTP/1.1 502\r\n\r\n").getMessage());
        }

        @Test
        void aSwitchingProtocolsAnswerIsNoTunnel() {
            assertInstanceOf(ProxyRefusedException.class, failsEveryFeeding(PROXY, "HTTP/1.1 101 Switching Protocols\r\n\r\n"));
        }
    }

    @Nested
    class Malformed {
        @Test
        void somethingOtherThanHttpIsAProxyStepFailure() {
            WebSocketConnectException failure = failsEveryFeeding(PROXY, "SSH-2.0-OpenSSH_9.6\r\n");
            assertFalse(failure instanceof ProxyRefusedException);
            assertEquals(Step.PROXY, failure.step());
            assertEquals("the proxy 127.0.0.1:8888 answered CONNECT example.com:443 with a malformed response: malformed status"
                    + " line, expected \"HTTP/1.x NNN reason\": \"SSH-2.0-OpenSSH_9.6\"", failure.getMessage());
        }

        @Test
        void aHeaderLineWithoutAColonIsMalformed() {
            assertEquals(Step.PROXY, failsEveryFeeding(PROXY, "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n").step());
        }

        @Test
        void anOversizedHeadIsRefusedWithoutWaitingForItsEnd() {
            String huge = "HTTP/1.1 200 OK\r\nX-Filler: " + "a".repeat(20_000);
            ProxyConnect connect = new ProxyConnect("example.com", 443, PROXY);
            WebSocketConnectException failure = assertThrows(WebSocketConnectException.class,
                    () -> connect.parse(ByteBuffer.wrap(bytes(huge))));
            assertEquals(Step.PROXY, failure.step());
            assertEquals("the proxy 127.0.0.1:8888 answered CONNECT example.com:443 with a malformed response: response head"
                    + " exceeds 16384 bytes", failure.getMessage());
        }
    }

    @Test
    void anExchangeIsOverOnceItHasAnAnswer() throws WebSocketConnectException {
        ProxyConnect connect = new ProxyConnect("example.com", 443, PROXY);
        assertNull(connect.parse(ByteBuffer.wrap(bytes("HTTP/1.1 200"))));
        connect.parse(ByteBuffer.wrap(bytes(" OK\r\n\r\n")));
        assertThrows(IllegalStateException.class, () -> connect.parse(ByteBuffer.wrap(bytes("more"))));
    }
}
