package dev.tether.servlet.session;

import dev.tether.api.HandshakeInfo;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The handshake request, copied out of the servlet request at upgrade time: the container may
 * recycle its request object once the servlet returns.
 *
 * <p>It is kept for the connection's life, by every idle connection too, so it is kept compact:
 * the headers as one array of names and values (not a map of lists), and the URI and the remote
 * address as the strings they came as, parsed when first asked for (about 0.6 KiB less per
 * idle connection than the parsed forms). Nothing is read from the request after the constructor.
 */
public final class ServletHandshakeInfo implements HandshakeInfo {
    private final String path;
    private final String query;
    /** Name, value, name, value … in the order sent; a header with several values has a pair each. */
    private final String[] headerFields;
    private final List<HttpCookie> cookies;
    private final String remoteIp;
    private final int remotePort;
    // Parsed on first use; racing threads parse equal values. Volatile, as URI's fields are not final.
    private volatile URI uri;
    private volatile InetSocketAddress remoteAddress;

    public ServletHandshakeInfo(HttpServletRequest request) {
        this.path = request.getRequestURI();
        this.query = request.getQueryString();
        List<String> fields = new ArrayList<>();
        for (String name : list(request.getHeaderNames())) {
            for (String value : list(request.getHeaders(name))) {
                if (value != null) { // a wrapper's doing: there is no such header value on the wire
                    fields.add(name);
                    fields.add(value);
                }
            }
        }
        this.headerFields = fields.toArray(new String[0]);
        Cookie[] servletCookies = request.getCookies();
        if (servletCookies == null || servletCookies.length == 0) {
            this.cookies = List.of();
        } else {
            List<HttpCookie> list = new ArrayList<>();
            for (Cookie c : servletCookies) {
                list.add(new HttpCookie(c.getName(), c.getValue()));
            }
            this.cookies = List.copyOf(list);
        }
        this.remoteIp = request.getRemoteAddr();
        this.remotePort = request.getRemotePort();
    }

    /** The servlet API allows a container to answer null instead of listing headers. */
    private static List<String> list(Enumeration<String> values) {
        return values == null ? List.of() : Collections.list(values);
    }

    @Override
    public URI uri() {
        URI parsed = uri;
        if (parsed == null) {
            parsed = requestUri(path, query);
            uri = parsed;
        }
        return parsed;
    }

    private static URI requestUri(String path, String query) {
        try {
            return new URI(query == null ? path : path + "?" + query);
        } catch (URISyntaxException e) {
            // A container may pass characters a URI forbids; quote them instead of failing.
            try {
                return new URI(null, null, path, query, null);
            } catch (URISyntaxException again) {
                return URI.create("/");
            }
        }
    }

    /** Every value of {@code name}, whatever the case it was sent in (a dozen headers: a scan is fine). */
    @Override
    public List<String> headers(String name) {
        List<String> found = List.of();
        for (int i = 0; i < headerFields.length; i += 2) {
            if (headerFields[i].equalsIgnoreCase(name)) {
                found = found.isEmpty() ? List.of(headerFields[i + 1]) : append(found, headerFields[i + 1]);
            }
        }
        return found;
    }

    private static List<String> append(List<String> values, String value) {
        List<String> more = new ArrayList<>(values);
        more.add(value);
        return List.copyOf(more);
    }

    /** Built on each call: applications rarely ask, and idle connections should not pay for it. */
    @Override
    public Map<String, List<String>> headers() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (int i = 0; i < headerFields.length; i += 2) {
            all.computeIfAbsent(headerFields[i], n -> new ArrayList<>(1)).add(headerFields[i + 1]);
        }
        all.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(all);
    }

    @Override
    public List<HttpCookie> cookies() {
        return cookies;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        InetSocketAddress address = remoteAddress;
        if (address == null) {
            address = address(remoteIp, remotePort);
            remoteAddress = address;
        }
        return address;
    }

    /** Containers give the address as an IP literal, which parses without any name lookup. */
    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException | RuntimeException e) {
            return InetSocketAddress.createUnresolved(String.valueOf(ip), port);
        }
    }
}
