package dev.tether.servlet.upgrade;

import dev.tether.api.HandshakeInfo;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

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
 * the path, the remote address and every header name and value, the request's and then the 101's,
 * are one string with the ends of its pieces beside it (one string instead of a dozen; common
 * names and values, the 101's fixed ones among them, one {@link HeaderCodes} character each), and
 * the URI and the address are
 * parsed when first asked for. Nothing is read from the request after the
 * constructor.
 */
public final class ServletHandshakeInfo implements HandshakeInfo {
    private static final int PATH = 0;
    private static final int REMOTE_IP = 1;
    private static final int FIRST_HEADER = 2;

    // The three parts of a PackedPieces, kept as fields here: an object of its own would be one
    // more per idle connection.
    /** Path, remote IP, then name, value, name, value … in the order sent (request, then response). */
    private final String pieces;
    /** Where each piece ends; a header with several values has a pair each. */
    private final Object ends;
    /** Whether {@link #pieces} holds the common names and values as their {@link HeaderCodes}. */
    private final boolean coded;
    /** The piece where the response's headers start. */
    private final int firstResponseHeader;
    private final String query;
    private final List<HttpCookie> cookies;
    private final int remotePort;
    // Parsed on first use; racing threads parse equal values. Volatile, as URI's fields are not final.
    private volatile URI uri;
    private volatile InetSocketAddress remoteAddress;

    /** The request alone, with no response headers recorded. */
    public ServletHandshakeInfo(HttpServletRequest request) {
        this(request, List.of());
    }

    /**
     * The request, and the headers of the 101 we answered it with.
     *
     * @param responseHeaders name, value, name, value … as sent, in order
     */
    public ServletHandshakeInfo(HttpServletRequest request, List<String> responseHeaders) {
        PackedPieces.Builder packed = new PackedPieces.Builder();
        packed.add(orEmpty(request.getRequestURI()));
        packed.add(orEmpty(request.getRemoteAddr()));
        boolean sentCookies = false;
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            if (name == null) {
                continue; // as for a null value below: not a header any peer sent
            }
            Enumeration<String> values = request.getHeaders(name);
            while (values != null && values.hasMoreElements()) {
                String value = values.nextElement();
                if (value != null) { // a wrapper's doing: there is no such header value on the wire
                    packed.add(name);
                    packed.add(value);
                    sentCookies |= name.equalsIgnoreCase("Cookie");
                }
            }
        }
        this.firstResponseHeader = packed.count();
        for (String piece : responseHeaders) { // the 101's fixed names and values are one code each
            packed.add(piece);
        }
        this.pieces = packed.text();
        this.ends = packed.ends();
        this.coded = packed.coded();
        this.query = request.getQueryString();
        // A container's own request is asked only when a Cookie header came (Jetty parses and caches
        // even an absent one); a wrapper always, as it may give cookies of its own.
        Cookie[] servletCookies = sentCookies || request instanceof HttpServletRequestWrapper ? request.getCookies() : null;
        if (servletCookies == null || servletCookies.length == 0) {
            this.cookies = List.of();
        } else {
            List<HttpCookie> list = new ArrayList<>();
            for (Cookie c : servletCookies) {
                list.add(new HttpCookie(c.getName(), c.getValue()));
            }
            this.cookies = List.copyOf(list);
        }
        this.remotePort = request.getRemotePort();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private int pieceCount() {
        return PackedPieces.count(ends);
    }

    private String piece(int piece) {
        return PackedPieces.piece(pieces, ends, coded, piece);
    }

    /** Whether header piece {@code piece} is called {@code name}, whatever the case of either. */
    private boolean named(int piece, String name) {
        return PackedPieces.matches(pieces, ends, coded, piece, name);
    }

    /** Built on each call, as {@link #headers()}. */
    @Override
    public Map<String, List<String>> responseHeaders() {
        return map(firstResponseHeader, pieceCount());
    }

    @Override
    public URI uri() {
        URI parsed = uri;
        if (parsed == null) {
            parsed = requestUri(piece(PATH), query);
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
        if (name == null) {
            return found;
        }
        for (int i = FIRST_HEADER; i < firstResponseHeader; i += 2) {
            if (named(i, name)) {
                found = found.isEmpty() ? List.of(piece(i + 1)) : append(found, piece(i + 1));
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
        return map(FIRST_HEADER, firstResponseHeader);
    }

    /** The headers of pieces {@code from} to {@code to}, names as sent, in order. */
    private Map<String, List<String>> map(int from, int to) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (int i = from; i < to; i += 2) {
            all.computeIfAbsent(piece(i), n -> new ArrayList<>(1)).add(piece(i + 1));
        }
        return unmodifiable(all);
    }

    private static Map<String, List<String>> unmodifiable(Map<String, List<String>> all) {
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
            address = address(piece(REMOTE_IP), remotePort);
            remoteAddress = address;
        }
        return address;
    }

    /** Containers give the address as an IP literal, which parses without any name lookup. */
    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException | RuntimeException e) {
            return InetSocketAddress.createUnresolved(ip, port);
        }
    }
}
