package dev.tether.servlet.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.HttpCookie;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the handshake keeps of the servlet request, read back the way an application asks for it. */
class ServletHandshakeInfoTest {

    /** A request as a container hands it over; the only seam mocked, as no container is needed here. */
    private static HttpServletRequest request(String path, String query, Map<String, List<String>> headers, Cookie... cookies) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getRequestURI()).thenReturn(path);
        when(request.getQueryString()).thenReturn(query);
        when(request.getHeaderNames()).thenAnswer(i -> Collections.enumeration(headers.keySet()));
        // As the servlet API specifies: a header is found whatever the case of the name asked for.
        when(request.getHeaders(anyString())).thenAnswer(i -> Collections.enumeration(headers.entrySet().stream()
                .filter(h -> i.<String>getArgument(0).equalsIgnoreCase(h.getKey())).findFirst().map(Map.Entry::getValue).orElse(List.of())));
        when(request.getCookies()).thenReturn(cookies.length == 0 ? null : cookies);
        when(request.getRemoteAddr()).thenReturn("127.0.0.1");
        when(request.getRemotePort()).thenReturn(50123);
        return request;
    }

    private static Map<String, List<String>> headers() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("example.org"));
        headers.put("Accept", List.of("text/plain", "application/json"));
        headers.put("X-Trace", java.util.Arrays.asList("t-1", null, "t-2"));
        return headers;
    }

    @Test
    void headersByNameAreCaseInsensitiveAndKeepEveryValueInOrder() {
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/ws", null, headers()));

        assertEquals(List.of("text/plain", "application/json"), info.headers("accept"));
        assertEquals(List.of("t-1", "t-2"), info.headers("X-TRACE"), "a null value (a wrapper's) is no value");
        assertEquals("example.org", info.header("host"));
        assertEquals(List.of(), info.headers("Origin"));
        assertNull(info.header("Origin"));
    }

    @Test
    void theResponseHeadersAreKeptApartFromTheRequestsInTheOrderSent() {
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/ws", null, headers()),
                List.of("Upgrade", "websocket", "Set-Cookie", "a=1", "Set-Cookie", "b=2", "Accept", "x"));

        Map<String, List<String>> answered = info.responseHeaders();
        assertEquals(List.of("Upgrade", "Set-Cookie", "Accept"), List.copyOf(answered.keySet()));
        assertEquals(List.of("a=1", "b=2"), answered.get("Set-Cookie"));
        assertEquals(List.of("text/plain", "application/json"), info.headers("accept"), "a request header is the request's only");
        assertEquals(List.of("Host", "Accept", "X-Trace"), List.copyOf(info.headers().keySet()));
        assertEquals(Map.of(), new ServletHandshakeInfo(request("/ws", null, headers())).responseHeaders());
    }

    @Test
    void aHeaderIsFoundByItsWholeNameOnlyAndKeepsItsValueExactly() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Sec-WebSocket-Key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));
        headers.put("Sec-WebSocket-Keys", List.of("other"));
        headers.put("X-Name", List.of("Zo\u00eb \u2603", ""));
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/ws", null, headers));

        assertEquals(List.of("dGhlIHNhbXBsZSBub25jZQ=="), info.headers("sec-websocket-key"));
        assertEquals(List.of(), info.headers("Sec-WebSocket"), "a prefix of a name is not the name");
        assertEquals(List.of(), info.headers("Sec-WebSocket-Key-"));
        assertEquals(List.of("Zo\u00eb \u2603", ""), info.headers("x-name"), "any character, and an empty value, kept");
        assertEquals(List.of("Sec-WebSocket-Key", "Sec-WebSocket-Keys", "X-Name"), List.copyOf(info.headers().keySet()));
        assertEquals(List.of(), info.headers(null));
        assertNull(info.header(null));
    }

    @Test
    void anRfc6455ResponseIsReportedAsSentThoughOnlyItsAcceptValueIsKept() {
        List<String> sent = List.of("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept",
                "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "Sec-WebSocket-Protocol", "chat", "Set-Cookie", "a=1", "Upgrade", "again");
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/ws", null, headers()), sent);

        Map<String, List<String>> answered = info.responseHeaders();
        assertEquals(List.of("Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "Set-Cookie"),
                List.copyOf(answered.keySet()));
        assertEquals(List.of("websocket", "again"), answered.get("Upgrade"));
        assertEquals(List.of("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), info.responseHeaders("sec-websocket-accept"));
        assertEquals("chat", info.responseHeader("Sec-WebSocket-Protocol"));
        assertEquals(List.of("Host", "Accept", "X-Trace"), List.copyOf(info.headers().keySet()), "the request's apart");

        List<String> otherCase = List.of("Upgrade", "WebSocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", "x");
        assertEquals(Map.of("Upgrade", List.of("WebSocket"), "Connection", List.of("Upgrade"), "Sec-WebSocket-Accept", List.of("x")),
                new ServletHandshakeInfo(request("/ws", null, headers()), otherCase).responseHeaders(), "kept exactly as sent");
        assertEquals(Map.of("Upgrade", List.of("websocket"), "Connection", List.of("Upgrade"), "Sec-WebSocket-Accept", List.of("")),
                new ServletHandshakeInfo(request("/ws", null, headers()), List.of("Upgrade", "websocket", "Connection", "Upgrade",
                        "Sec-WebSocket-Accept", "")).responseHeaders());
    }

    @Test
    void commonNamesAndValuesComeBackExactlyAsSentWhateverElseTheHandshakeHolds() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("127.0.0.1:8080"));
        headers.put("upgrade", List.of("websocket"));
        headers.put("Connection", List.of("Upgrade"));
        headers.put("Sec-WebSocket-Version", List.of("13", "\u0080")); // one character a code would be taken for
        headers.put("X-Host", List.of("Host", "Hos", "Host "));
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/ws", null, headers),
                List.of("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", "x", "X-Code", "\u0081"));

        assertEquals(headers, info.headers());
        assertEquals(List.of("13", "\u0080"), info.headers("sec-websocket-version"));
        assertEquals(List.of("Host", "Hos", "Host "), info.headers("X-HOST"));
        assertEquals("websocket", info.header("Upgrade"));
        assertEquals(List.of("\u0081"), info.responseHeaders("X-Code"));

        headers.put("Sec-WebSocket-Version", List.of("13")); // and without such a character
        ServletHandshakeInfo plain = new ServletHandshakeInfo(request("/ws", null, headers));
        assertEquals(headers, plain.headers());
        assertEquals(List.of("Upgrade"), plain.headers("connection"));
        assertEquals(List.of(), plain.headers("Hos"), "a code is no prefix");
        assertEquals("127.0.0.1:8080", plain.header("host"));
    }

    @Test
    void aHandshakeOfAnySizeKeepsEveryPieceWhole() { // the ends of its pieces are kept in bytes, chars or ints
        for (int size : new int[] {10, 200, 255, 256, 300, 65_000, 65_535, 65_536, 70_000}) {
            String value = "v".repeat(size);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("X-Sized", List.of(value));
            headers.put("X-After", List.of("a", "b"));
            ServletHandshakeInfo info = new ServletHandshakeInfo(request("/ws", null, headers), List.of("X-Last", "z"));

            assertEquals(headers, info.headers(), "a value of " + size);
            assertEquals(Map.of("X-Last", List.of("z")), info.responseHeaders(), "a value of " + size);
        }
    }

    @Test
    void aHandshakeOfMoreThan64KiCharactersKeepsEveryPieceWhole() {
        String large = "v".repeat(70_000); // past what a char can tell: the ends are kept as ints
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("X-Large", List.of(large));
        headers.put("X-After", List.of("a", "b"));
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/ws", null, headers), List.of("Upgrade", "websocket"));

        assertEquals(List.of(large), info.headers("x-large"));
        assertEquals(List.of("a", "b"), info.headers("X-After"));
        assertEquals(List.of("X-Large", "X-After"), List.copyOf(info.headers().keySet()));
        assertEquals(Map.of("Upgrade", List.of("websocket")), info.responseHeaders());
        assertEquals("/ws", info.uri().getPath());
    }

    @Test
    void aNullNameOrPathFromAWrapperIsNoHeaderAndAnEmptyPath() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put(null, List.of("x"));
        headers.put("Host", List.of("example.org"));
        HttpServletRequest request = request(null, null, headers);
        when(request.getHeaders(null)).thenAnswer(i -> Collections.enumeration(List.of("x")));
        ServletHandshakeInfo info = new ServletHandshakeInfo(request);

        assertEquals(List.of("Host"), List.copyOf(info.headers().keySet()));
        assertEquals(List.of(), info.headers("null"));
        assertEquals("", info.uri().toString());
    }

    @Test
    void allHeadersKeepTheNamesAsSentInOrderAndCannotBeChanged() {
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/ws", null, headers()));

        Map<String, List<String>> all = info.headers();
        assertEquals(List.of("Host", "Accept", "X-Trace"), List.copyOf(all.keySet()));
        assertEquals(List.of("text/plain", "application/json"), all.get("Accept"));
        assertEquals(List.of("t-1", "t-2"), all.get("X-Trace"));
        assertThrows(UnsupportedOperationException.class, () -> all.put("Origin", List.of("x")));
        assertThrows(UnsupportedOperationException.class, () -> all.get("Accept").add("x"));
    }

    @Test
    void nothingIsReadFromTheRequestOnceBuilt() {
        Map<String, List<String>> headers = headers();
        headers.put("Cookie", List.of("theme=dark"));
        HttpServletRequest request = request("/ws", "a=1", headers, new Cookie("theme", "dark"));
        ServletHandshakeInfo info = new ServletHandshakeInfo(request);
        // Containers recycle the request object after the upgrade: whatever it says now must not matter.
        reset(request);
        verifyNoInteractions(request);

        assertEquals("/ws?a=1", info.uri().toString());
        assertEquals("example.org", info.header("Host"));
        assertEquals(4, info.headers().size());
        assertEquals("dark", info.cookies().get(0).getValue());
        assertEquals(50123, info.remoteAddress().getPort());
        verifyNoInteractions(request);
    }

    @Test
    void aContainerThatListsNoHeadersGivesNone() {
        HttpServletRequest request = request("/ws", null, Map.of());
        when(request.getHeaderNames()).thenReturn(null);

        assertEquals(Map.of(), new ServletHandshakeInfo(request).headers());
    }

    @Test
    void theUriIsPathAndRawQuery() {
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/chat", "room=7&name=a%20b", Map.of()));

        assertEquals("/chat?room=7&name=a%20b", info.uri().toString());
        assertEquals("room=7&name=a%20b", info.query());
        assertSame(info.uri(), info.uri(), "parsed once");
        assertNull(new ServletHandshakeInfo(request("/chat", null, Map.of())).query());
    }

    @Test
    void charactersAUriForbidsAreQuotedNotFatal() {
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/a b", "q=|", Map.of()));

        assertEquals("/a%20b", info.uri().getRawPath());
        assertEquals("q=%7C", info.query());
    }

    @Test
    void cookiesAndTheRemoteAddress() {
        ServletHandshakeInfo info = new ServletHandshakeInfo(request("/ws", null, Map.of("Cookie", List.of("theme=dark")),
                new Cookie("theme", "dark")));

        assertEquals(1, info.cookies().size());
        assertEquals("theme", info.cookies().get(0).getName());
        assertEquals("dark", info.cookies().get(0).getValue());
        assertTrue(info.remoteAddress().getAddress().isLoopbackAddress());
        assertEquals(50123, info.remoteAddress().getPort());
        assertEquals(List.of(), new ServletHandshakeInfo(request("/ws", null, Map.of())).cookies());
    }

    @Test
    void aContainersRequestWithNoCookieHeaderIsNotAskedForCookies() {
        HttpServletRequest request = request("/ws", null, headers());

        assertEquals(List.of(), new ServletHandshakeInfo(request).cookies());
        verify(request, never()).getCookies();
    }

    @Test
    void aWrapperIsAskedForCookiesEvenWithNoCookieHeader() {
        HttpServletRequest wrapped = new HttpServletRequestWrapper(request("/ws", null, headers())) {
            @Override
            public Cookie[] getCookies() {
                return new Cookie[] {new Cookie("session", "from-the-filter")};
            }
        };

        List<HttpCookie> cookies = new ServletHandshakeInfo(wrapped).cookies();

        assertEquals(1, cookies.size());
        assertEquals("from-the-filter", cookies.get(0).getValue());
    }
}
