package dev.tether.client;

import dev.tether.client.WebSocketConnectException.Step;
import dev.tether.client.net.HostLiterals;
import dev.tether.driver.handshake.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Whether and how the client goes through an HTTP proxy: it opens a tunnel with {@code CONNECT
 * host:port} (RFC 9110 §9.3.6) and speaks WebSocket, or TLS and WebSocket, inside it. Immutable and
 * thread-safe.
 *
 * <ul>
 *   <li>{@link #system()}, the default: whatever the JDK's {@link ProxySelector} chooses for the
 *       server ({@code http.proxyHost}/{@code https.proxyHost}, {@code http.nonProxyHosts}, or the
 *       operating system's settings with {@code java.net.useSystemProxies=true});</li>
 *   <li>{@link #none()}: connect directly;</li>
 *   <li>{@link #of(URI)}: this proxy, {@code http://[user:password@]host[:port]} or
 *       {@code https://…} (the client then speaks TLS to the proxy too), with
 *       {@link #header(String, String)} for extra {@code CONNECT} headers and
 *       {@link #tls(TlsOptions)} for the TLS to an {@code https} proxy.</li>
 * </ul>
 * A connect calls {@link #resolveFor(URI)} to learn which of the last two applies. SOCKS proxies
 * are not supported.
 *
 * <pre>{@code
 * ProxyOptions proxy = ProxyOptions.of(URI.create("http://alice:s%3Acret@proxy.internal:3128"))
 *         .header("X-Team", "payments");
 * }</pre>
 */
public final class ProxyOptions {
    private enum Kind { NONE, SYSTEM, EXPLICIT }

    private static final ProxyOptions NONE = new ProxyOptions(Kind.NONE, null, null, -1, false, null, null, Map.of(), null);
    private static final String PROXY_AUTHORIZATION = "Proxy-Authorization";

    private final Kind kind;
    /** For {@link Kind#SYSTEM}: the selector to ask, or null for the JDK's default at the time of asking. */
    private final ProxySelector selector;
    /** For {@link Kind#EXPLICIT}: the proxy's host (IPv6 literals without brackets) and port. */
    private final String host;
    private final int port;
    private final boolean secure;
    /** The user name of the credentials, for toString only. */
    private final String user;
    private final String authorization;
    private final Map<String, String> headers;
    /** Null for {@link TlsOptions#defaults()}, made only when asked for. */
    private final TlsOptions tls;

    private ProxyOptions(Kind kind, ProxySelector selector, String host, int port, boolean secure, String user,
                         String authorization, Map<String, String> headers, TlsOptions tls) {
        this.kind = kind;
        this.selector = selector;
        this.host = host;
        this.port = port;
        this.secure = secure;
        this.user = user;
        this.authorization = authorization;
        this.headers = headers;
        this.tls = tls;
    }

    /**
     * The default: the proxy the JDK's {@link ProxySelector#getDefault()} chooses for each server, asked at connect time.
     *
     * @return options that ask the default selector on each connect
     */
    public static ProxyOptions system() {
        return new ProxyOptions(Kind.SYSTEM, null, null, -1, false, null, null, Map.of(), null);
    }

    /**
     * The proxy {@code selector} chooses for each server (for tests, or a PAC-backed selector).
     *
     * @param selector the selector to ask on each connect
     * @return options that ask {@code selector} on each connect
     */
    public static ProxyOptions system(ProxySelector selector) {
        Objects.requireNonNull(selector, "selector");
        return new ProxyOptions(Kind.SYSTEM, selector, null, -1, false, null, null, Map.of(), null);
    }

    /**
     * No proxy: connect directly, whatever the system settings say.
     *
     * @return the shared options for direct connections
     */
    public static ProxyOptions none() {
        return NONE;
    }

    /**
     * This HTTP proxy: {@code http://[user:password@]host[:port]} (port 80 by default) or
     * {@code https://[user:password@]host[:port]} (443 by default; the client speaks TLS to the proxy,
     * see {@link #tls(TlsOptions)}). A user name and password, percent-decoded as UTF-8
     * ({@code %40} for {@code @}, {@code %3A} for {@code :}), are sent as {@code Basic} credentials.
     *
     * @param proxy the proxy's URI, {@code http://} or {@code https://}, with optional user info
     * @return options that tunnel every connection through this proxy
     * @throws IllegalArgumentException for any other scheme (SOCKS is not supported), no host, a path,
     *                                  query or fragment, or malformed percent-encoding; the message
     *                                  says which
     */
    public static ProxyOptions of(URI proxy) {
        Objects.requireNonNull(proxy, "proxy");
        String shown = withoutPassword(proxy);
        String scheme = proxy.getScheme() == null ? null : proxy.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("unsupported proxy " + shown + ": only HTTP proxies are supported (they tunnel"
                    + " with CONNECT), written http://[user:password@]host[:port] or https://…"
                    + (scheme != null && scheme.startsWith("socks") ? "; SOCKS proxies are not supported" : ""));
        }
        if (proxy.isOpaque() || proxy.getHost() == null || proxy.getHost().isEmpty()) {
            throw new IllegalArgumentException("proxy " + shown + " has no host (or one java.net.URI cannot read as a host"
                    + " name): expected " + scheme + "://[user:password@]host[:port]");
        }
        String path = proxy.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/") || proxy.getRawQuery() != null || proxy.getRawFragment() != null) {
            throw new IllegalArgumentException("proxy " + shown + " has a path, query or fragment: a proxy is only "
                    + scheme + "://[user:password@]host[:port]");
        }
        boolean secure = scheme.equals("https");
        int port = proxy.getPort() == -1 ? (secure ? 443 : 80) : proxy.getPort();
        if (port == 0) throw new IllegalArgumentException("proxy " + shown + " has port 0");
        String user = null;
        String authorization = null;
        String userInfo = proxy.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user name", shown);
            String password = colon < 0 ? "" : percentDecode(userInfo.substring(colon + 1), "password", shown);
            if (user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("proxy " + shown + ": a user name cannot contain ':' in Basic credentials");
            }
            authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        return new ProxyOptions(Kind.EXPLICIT, null, HostLiterals.unbracketed(proxy.getHost()), port, secure, user,
                authorization, Map.of(), null);
    }

    /**
     * A copy with one more header sent with every {@code CONNECT}, replacing any of the same name
     * (ignoring case). {@code Proxy-Authorization} sets the credentials sent instead (a bearer token,
     * say), replacing those of the URI. On {@link #system()} options the headers go to whichever
     * proxy is chosen.
     *
     * @param name  the header's name, an HTTP token
     * @param value the header's value
     * @return a copy of these options with the header added
     * @throws IllegalArgumentException if the name is not an HTTP token, is {@code Host} (which the
     *                                  client writes), or the value holds CR, LF, NUL or characters
     *                                  above U+00FF
     * @throws IllegalStateException    on {@link #none()}, which has no proxy to send them to
     */
    public ProxyOptions header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (kind == Kind.NONE) throw new IllegalStateException("ProxyOptions.none() has no proxy to send header " + name + " to");
        new HttpHeaders().add(name, value); // validates, with the core's messages
        if (name.equalsIgnoreCase("Host")) {
            throw new IllegalArgumentException("the Host header of CONNECT is written by the client (the server's host:port)");
        }
        if (name.equalsIgnoreCase(PROXY_AUTHORIZATION)) {
            return new ProxyOptions(kind, selector, host, port, secure, null, value, headers, tls);
        }
        Map<String, String> more = new LinkedHashMap<>();
        headers.forEach((existing, existingValue) -> {
            if (!existing.equalsIgnoreCase(name)) more.put(existing, existingValue);
        });
        more.put(name, value);
        return new ProxyOptions(kind, selector, host, port, secure, user, authorization, Collections.unmodifiableMap(more), tls);
    }

    /**
     * A copy that speaks TLS to an {@code https} proxy with these options (default:
     * {@link TlsOptions#defaults()}). The server's own TLS, inside the tunnel, has its own options.
     *
     * @param tls the TLS options for the connection to the proxy
     * @return a copy of these options with {@code tls} for the proxy
     * @throws IllegalStateException on {@link #none()}, which has no proxy
     */
    public ProxyOptions tls(TlsOptions tls) {
        Objects.requireNonNull(tls, "tls");
        if (kind == Kind.NONE) throw new IllegalStateException("ProxyOptions.none() has no proxy to speak TLS to");
        return new ProxyOptions(kind, selector, host, port, secure, user, authorization, headers, tls);
    }

    /**
     * The options that apply to a connection to {@code webSocketUri}: these, unless they are
     * {@link #system()} options, which ask their selector about {@code http://host:port} (for
     * {@code ws://}) or {@code https://host:port} (for {@code wss://}) and take its first answer: a
     * direct connection gives {@link #none()}, an HTTP proxy gives the options of that proxy (with the
     * headers and TLS options given here).
     *
     * @param webSocketUri the {@code ws://} or {@code wss://} URI being connected to
     * @return options that are never {@link #system()} ones: {@link #none()}, or one proxy's
     * @throws WebSocketConnectException with {@link Step#SETUP} when the selector chooses a SOCKS
     *                                   proxy, which is not supported, or fails, or the URI is not
     *                                   a {@code ws://} or {@code wss://} URI with a host
     */
    public ProxyOptions resolveFor(URI webSocketUri) throws WebSocketConnectException {
        Objects.requireNonNull(webSocketUri, "webSocketUri");
        if (kind != Kind.SYSTEM) return this;
        String scheme = webSocketUri.getScheme() == null ? "" : webSocketUri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new WebSocketConnectException(Step.SETUP, "not a ws:// or wss:// URI: " + withoutPassword(webSocketUri));
        }
        if (webSocketUri.getHost() == null) {
            throw new WebSocketConnectException(Step.SETUP, "the URI " + withoutPassword(webSocketUri) + " has no host");
        }
        boolean tlsServer = scheme.equals("wss");
        int serverPort = webSocketUri.getPort() == -1 ? (tlsServer ? 443 : 80) : webSocketUri.getPort();
        URI asked;
        try {
            asked = new URI(tlsServer ? "https" : "http", null, webSocketUri.getHost(), serverPort, null, null, null);
        } catch (URISyntaxException e) {
            throw new WebSocketConnectException(Step.SETUP, "cannot ask the proxy selector about " + webSocketUri.getHost()
                    + ": " + e.getMessage(), e);
        }
        ProxySelector asking = selector != null ? selector : ProxySelector.getDefault();
        if (asking == null) return none(); // ProxySelector.setDefault(null) means no proxies
        List<Proxy> proxies;
        try {
            proxies = asking.select(asked);
        } catch (RuntimeException e) {
            throw new WebSocketConnectException(Step.SETUP, "the proxy selector failed for " + asked + ": " + e, e);
        }
        if (proxies == null || proxies.isEmpty()) return none();
        Proxy chosen = proxies.get(0);
        SocketAddress address = chosen.address();
        switch (chosen.type()) {
            case DIRECT:
                return none();
            case HTTP:
                if (!(address instanceof InetSocketAddress inet)) {
                    throw new WebSocketConnectException(Step.SETUP, "the proxy selector chose an HTTP proxy without an"
                            + " address for " + asked + ": " + chosen);
                }
                // getHostString: the name as configured, never a reverse lookup, for unresolved addresses too
                return new ProxyOptions(Kind.EXPLICIT, null, HostLiterals.unbracketed(inet.getHostString()), inet.getPort(),
                        false, null, authorization, headers, tls);
            case SOCKS:
            default:
                throw new WebSocketConnectException(Step.SETUP, "the system proxy settings choose the SOCKS proxy "
                        + describe(address) + " for " + asked + ", and SOCKS proxies are not supported (HTTP proxies are):"
                        + " connect directly with ProxyOptions.none(), name an HTTP proxy with"
                        + " ProxyOptions.of(URI.create(\"http://host:port\")), or keep this host away from the SOCKS proxy"
                        + " (unset socksProxyHost, or list the host in socksNonProxyHosts)");
        }
    }

    /**
     * Whether there is no proxy: {@link #none()}, or what {@link #resolveFor} made of a direct choice.
     *
     * @return true when connections go directly to the server
     */
    public boolean isDirect() {
        return kind == Kind.NONE;
    }

    /**
     * Whether these are {@link #system()} options, to be {@linkplain #resolveFor resolved} per connection.
     *
     * @return true when a selector chooses the proxy at connect time
     */
    public boolean isSystem() {
        return kind == Kind.SYSTEM;
    }

    /**
     * The proxy's host as given (an IPv6 literal without brackets), or null without a proxy of its own.
     *
     * @return the proxy's host name or address literal, or null for {@link #none()} and {@link #system()} options
     */
    public String host() {
        return host;
    }

    /**
     * The proxy's port (80 or 443 unless given), or -1 without a proxy of its own.
     *
     * @return the proxy's port, or -1 for {@link #none()} and {@link #system()} options
     */
    public int port() {
        return port;
    }

    /**
     * Whether the client speaks TLS to the proxy ({@code https://}).
     *
     * @return true for an {@code https://} proxy
     */
    public boolean secure() {
        return secure;
    }

    /**
     * The TLS options for an {@code https} proxy: those given to {@link #tls(TlsOptions)}, or {@link TlsOptions#defaults()}.
     *
     * @return the TLS options for the connection to the proxy; never null
     */
    public TlsOptions tls() {
        return tls != null ? tls : TlsOptions.defaults();
    }

    /**
     * The extra {@code CONNECT} headers, in the order given. Unmodifiable.
     *
     * @return the headers by name, without {@code Proxy-Authorization}; empty when none were given
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The {@code Proxy-Authorization} value sent with {@code CONNECT} ({@code "Basic …"} from the URI's user info), or null.
     *
     * @return the credentials sent to the proxy, or null when none are
     */
    public String authorization() {
        return authorization;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProxyOptions that && kind == that.kind && selector == that.selector
                && Objects.equals(host, that.host) && port == that.port && secure == that.secure
                && Objects.equals(authorization, that.authorization)
                && new ArrayList<>(headers.entrySet()).equals(new ArrayList<>(that.headers.entrySet()))
                && tls == that.tls;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, host, port, secure, authorization, headers);
    }

    /** The proxy as a URI with the user name but never the password, the header names but not their values. */
    @Override
    public String toString() {
        if (kind == Kind.NONE) return "ProxyOptions[none]";
        StringBuilder text = new StringBuilder("ProxyOptions[");
        if (kind == Kind.SYSTEM) {
            text.append("system").append(selector != null ? " " + selector : "");
        } else {
            text.append(secure ? "https://" : "http://");
            if (user != null) text.append(user).append(":***@");
            text.append(HostLiterals.authority(host, port));
            if (user == null && authorization != null) text.append(", Proxy-Authorization: ***");
        }
        if (!headers.isEmpty()) text.append(", headers ").append(headers.keySet());
        if (tls != null) text.append(", ").append(tls);
        return text.append(']').toString();
    }

    private static String describe(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? HostLiterals.authority(inet.getHostString(), inet.getPort())
                : String.valueOf(address);
    }

    /** The URI for messages: its user info reduced to the user name. */
    private static String withoutPassword(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.indexOf(':') < 0) return uri.toString();
        String text = uri.toString();
        return text.replace(userInfo + "@", userInfo.substring(0, userInfo.indexOf(':')) + ":***@");
    }

    /** RFC 3986 percent-decoding, as UTF-8; unlike URLDecoder, '+' stays '+'. */
    private static String percentDecode(String raw, String what, String shown) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (low < 0) {
                    throw new IllegalArgumentException("proxy " + shown + ": malformed percent-encoding in the " + what);
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                // java.net.URI lets other Unicode characters stand unencoded; they are UTF-8 too
                int codePoint = raw.codePointAt(i);
                bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("proxy " + shown + ": the " + what + " is not UTF-8 once percent-decoded", e);
        }
    }
}
