package dev.tether.servlet.session;

import dev.tether.api.HandshakeInfo;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The handshake request, copied out of the servlet request at upgrade time: the container may
 * recycle its request object once the servlet returns.
 */
public final class ServletHandshakeInfo implements HandshakeInfo {
    private final URI uri;
    private final Map<String, List<String>> headers;
    private final Map<String, List<String>> byLowerName;
    private final List<HttpCookie> cookies;
    private final InetSocketAddress remoteAddress;

    public ServletHandshakeInfo(HttpServletRequest request) {
        this.uri = requestUri(request);
        Map<String, List<String>> all = new LinkedHashMap<>();
        Map<String, List<String>> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : Collections.list(request.getHeaderNames())) {
            List<String> values = List.copyOf(Collections.list(request.getHeaders(name)));
            all.put(name, values);
            folded.merge(name, values, (a, b) -> {
                List<String> both = new ArrayList<>(a);
                both.addAll(b);
                return List.copyOf(both);
            });
        }
        this.headers = Collections.unmodifiableMap(all);
        this.byLowerName = folded;
        List<HttpCookie> list = new ArrayList<>();
        Cookie[] servletCookies = request.getCookies();
        if (servletCookies != null) {
            for (Cookie c : servletCookies) {
                list.add(new HttpCookie(c.getName(), c.getValue()));
            }
        }
        this.cookies = List.copyOf(list);
        this.remoteAddress = address(request.getRemoteAddr(), request.getRemotePort());
    }

    /** Containers give the address as an IP literal, which parses without any name lookup. */
    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException | RuntimeException e) {
            return InetSocketAddress.createUnresolved(String.valueOf(ip), port);
        }
    }

    private static URI requestUri(HttpServletRequest request) {
        String target = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        try {
            return new URI(target);
        } catch (URISyntaxException e) {
            // A container may pass characters a URI forbids; quote them instead of failing the upgrade.
            try {
                return new URI(null, null, request.getRequestURI(), request.getQueryString(), null);
            } catch (URISyntaxException again) {
                return URI.create("/");
            }
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public List<String> headers(String name) {
        return byLowerName.getOrDefault(name, List.of());
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public List<HttpCookie> cookies() {
        return cookies;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }
}
