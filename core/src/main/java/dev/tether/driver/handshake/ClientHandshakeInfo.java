package dev.tether.driver.handshake;

import dev.tether.api.HandshakeInfo;

import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The handshake of a client socket, as {@link HandshakeInfo}: the URI connected to, the request
 * headers and cookies sent, the server's address, and the response's status and headers, whatever
 * the status (a refused handshake is described as well as an accepted one). Immutable: it copies
 * what it is given.
 */
public final class ClientHandshakeInfo implements HandshakeInfo {
    private final URI uri;
    private final HttpHeaders requestHeaders;
    private final int status;
    private final HttpHeaders responseHeaders;
    private final InetSocketAddress remoteAddress;
    private final List<HttpCookie> cookies;

    private ClientHandshakeInfo(URI uri, HttpHeaders requestHeaders, HttpResponseHead response,
                                InetSocketAddress remoteAddress) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.requestHeaders = HttpHeaders.copyOf(requestHeaders).readOnlyView();
        this.status = response.status();
        this.responseHeaders = HttpHeaders.copyOf(response.headers()).readOnlyView();
        this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
        this.cookies = cookiesOf(this.requestHeaders.all("Cookie"));
    }

    /**
     * Describes the handshake of a client socket from what it sent and what the server answered.
     *
     * @param uri            the URI connected to ({@code ws://} or {@code wss://})
     * @param requestHeaders the headers the request carried
     * @param response       the server's response head
     * @param remoteAddress  the server's address as the transport connected to it (a proxy's, through
     *                       one); may be unresolved
     * @return the handshake, holding copies of the headers given
     */
    public static ClientHandshakeInfo of(URI uri, HttpHeaders requestHeaders, HttpResponseHead response,
                                         InetSocketAddress remoteAddress) {
        return new ClientHandshakeInfo(uri, Objects.requireNonNull(requestHeaders, "requestHeaders"),
                Objects.requireNonNull(response, "response"), remoteAddress);
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public List<String> headers(String name) {
        return requestHeaders.all(name);
    }

    @Override
    public Map<String, List<String>> headers() {
        return asMap(requestHeaders);
    }

    @Override
    public List<HttpCookie> cookies() {
        return cookies;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public int responseStatus() {
        return status;
    }

    @Override
    public Map<String, List<String>> responseHeaders() {
        return asMap(responseHeaders);
    }

    @Override
    public List<String> responseHeaders(String name) {
        return responseHeaders.all(name);
    }

    @Override
    public String toString() {
        return "ClientHandshakeInfo[" + uri + " -> " + status + "]";
    }

    /** Each name once, spelled as it first appeared, with all its values in order. */
    private static Map<String, List<String>> asMap(HttpHeaders headers) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String name : headers.names()) {
            map.put(name, headers.all(name));
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * The cookies of {@code Cookie} headers ({@code a=1; b=2}, RFC 6265 §4.2). A pair without
     * {@code =}, or with a name {@link HttpCookie} refuses, is left out: it is no cookie.
     */
    private static List<HttpCookie> cookiesOf(List<String> values) {
        List<HttpCookie> cookies = new ArrayList<>();
        for (String value : values) {
            for (String pair : value.split(";")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                try {
                    cookies.add(new HttpCookie(pair.substring(0, eq).trim(), unquoted(pair.substring(eq + 1).trim())));
                } catch (IllegalArgumentException notACookieName) {
                    // left out, as said above
                }
            }
        }
        return List.copyOf(cookies);
    }

    /** RFC 6265 allows a cookie value in double quotes; the quotes are not part of it. */
    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
