package dev.tether.client.events;

import dev.tether.client.ProxyOptions;
import dev.tether.client.TlsOptions;
import dev.tether.client.WebSocketConnectException;
import dev.tether.client.net.HostLiterals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;

/**
 * The {@link HttpClient} of an {@code EventSourceClient}, made from the client's own TLS and proxy
 * options: HTTP/1.1 only (an SSE server behind an h2c upgrade confuses streams), no redirects
 * followed (java.net.http would copy every header to every hop; the attempt follows them itself),
 * TLS from {@link TlsOptions} (java.net.http adds
 * hostname verification and SNI), the proxy from {@link ProxyOptions} as far as java.net.http can
 * take it.
 */
public final class HttpClients {
    private static final String PROXY_AUTHORIZATION = "Proxy-Authorization";

    private HttpClients() {
    }

    /**
     * The client.
     *
     * @throws IllegalArgumentException for proxy options java.net.http cannot honour: TLS to the
     *                                  proxy ({@code https://} proxies), or {@code CONNECT} headers
     *                                  other than {@code Proxy-*}; for TLS parameters it would
     *                                  ignore: server names (it sends the URI's host in SNI) and
     *                                  ALPN protocols (it chooses its own)
     */
    public static HttpClient create(TlsOptions tls, ProxyOptions proxy, Duration connectTimeout, Executor executor) {
        proxyHeaders(proxy); // checks what can be honoured
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER) // StreamAttempt follows them, without credentials across origins
                .connectTimeout(connectTimeout)
                .executor(executor)
                .sslContext(tls.sslContext())
                .sslParameters(honoured(tls.sslParameters()))
                .proxy(selector(proxy))
                .build();
    }

    /** {@code parameters}, unless they ask for what java.net.http overrides without a word. */
    private static SSLParameters honoured(SSLParameters parameters) {
        List<SNIServerName> names = parameters.getServerNames();
        if (names != null && !names.isEmpty()) {
            throw new IllegalArgumentException("the EventSource client cannot use the server names (SNI) of the TlsOptions' "
                    + "sslParameters " + names + ": java.net.http sends the host of each request's URI instead; leave them out");
        }
        String[] protocols = parameters.getApplicationProtocols();
        if (protocols != null && protocols.length > 0) {
            throw new IllegalArgumentException("the EventSource client cannot use the ALPN protocols of the TlsOptions' "
                    + "sslParameters " + Arrays.toString(protocols) + ": java.net.http chooses its own; leave them out");
        }
        return parameters;
    }

    /**
     * The headers every request carries for the proxy: {@code Proxy-Authorization} (from the proxy
     * URI's user info, or set as a header) and other {@code Proxy-*} headers. java.net.http sends
     * them to the proxy only (with a plain {@code http} request, and on the {@code CONNECT} of an
     * {@code https} one) and drops them on direct connections and inside tunnels.
     *
     * @throws IllegalArgumentException as {@link #create}
     */
    public static Map<String, String> proxyHeaders(ProxyOptions proxy) {
        if (proxy.isDirect()) return Map.of();
        if (proxy.secure()) {
            throw new IllegalArgumentException("the EventSource client cannot speak TLS to a proxy (" + proxy
                    + "): java.net.http talks to proxies in plain HTTP; use an http:// proxy");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        proxy.headers().forEach((name, value) -> {
            if (name.length() <= 6 || !name.regionMatches(true, 0, "Proxy-", 0, 6)) {
                throw new IllegalArgumentException("the EventSource client cannot send header " + name + " to the proxy:"
                        + " java.net.http passes only Proxy-* headers on to a proxy's CONNECT");
            }
            headers.put(name, value);
        });
        if (proxy.authorization() != null) headers.put(PROXY_AUTHORIZATION, proxy.authorization());
        return Collections.unmodifiableMap(headers);
    }

    /**
     * How a request to {@code uri} goes, for messages: {@code ""} directly,
     * {@code " through the proxy host:port"} otherwise.
     */
    public static String via(ProxyOptions proxy, URI uri) {
        try {
            ProxyOptions chosen = proxy.resolveFor(webSocketUri(uri));
            return chosen.isDirect() ? "" : " through the proxy " + HostLiterals.authority(chosen.host(), chosen.port());
        } catch (WebSocketConnectException e) {
            return " (" + e.getMessage() + ")";
        }
    }

    private static ProxySelector selector(ProxyOptions proxy) {
        if (proxy.isDirect()) return HttpClient.Builder.NO_PROXY;
        if (!proxy.isSystem()) return ProxySelector.of(InetSocketAddress.createUnresolved(proxy.host(), proxy.port()));
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                ProxyOptions chosen;
                try {
                    chosen = proxy.resolveFor(webSocketUri(uri));
                } catch (WebSocketConnectException e) {
                    // A SOCKS proxy, or a failing selector: never silently direct instead.
                    throw new UncheckedIOException(new IOException(e.getMessage(), e));
                }
                if (chosen.isDirect()) return List.of(Proxy.NO_PROXY);
                return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(chosen.host(), chosen.port())));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException failure) {
                // The connection reports its own failure.
            }

            @Override
            public String toString() {
                return String.valueOf(proxy);
            }
        };
    }

    /** {@code ws://} for {@code http://}, {@code wss://} for {@code https://}: what {@link ProxyOptions#resolveFor} asks about. */
    private static URI webSocketUri(URI uri) {
        boolean secure = "https".equalsIgnoreCase(uri.getScheme());
        try {
            return new URI(secure ? "wss" : "ws", null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot ask the proxy settings about " + uri + ": " + e.getMessage(), e);
        }
    }
}
