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

/**
 * The handshake request, copied out of the servlet request at upgrade time: the container may
 * recycle its request object once the servlet returns.
 */
public final class ServletHandshakeInfo implements HandshakeInfo {
    private final URI uri;
    private final Map<String, List<String>> headers;
    private final List<HttpCookie> cookies;
    private final InetSocketAddress remoteAddress;

    public ServletHandshakeInfo(HttpServletRequest request) {
        this.uri = requestUri(request);
        // One ordered copy: kept for the connection's life, so no second, case-folded index of it.
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            all.merge(name, List.copyOf(Collections.list(request.getHeaders(name))), ServletHandshakeInfo::concat);
        }
        this.headers = Collections.unmodifiableMap(all);
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

    /** Every value of {@code name}, whatever the case it was sent in (a dozen headers: a scan is fine). */
    @Override
    public List<String> headers(String name) {
        List<String> found = List.of();
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                found = found.isEmpty() ? header.getValue() : concat(found, header.getValue());
            }
        }
        return found;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> both = new ArrayList<>(a);
        both.addAll(b);
        return List.copyOf(both);
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
