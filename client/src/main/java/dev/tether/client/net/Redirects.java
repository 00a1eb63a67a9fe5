package dev.tether.client.net;

import java.net.URI;
import java.util.Locale;

/**
 * What following an HTTP redirect takes, for both clients (the WebSocket client's refused
 * upgrades, the EventSource client's requests): which statuses redirect, where a {@code Location}
 * leads, whether a step leaves TLS, and whether it leaves the origin (after which credentials are
 * not sent). {@code ws} and {@code http} count as one scheme here, as do {@code wss} and
 * {@code https}.
 */
public final class Redirects {
    private Redirects() {
    }

    /** Whether {@code status} is a redirect that is followed: 301, 302, 303, 307 or 308. */
    public static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** {@code location} resolved against {@code from}; null when there is none or it is not a URI. */
    public static URI resolve(URI from, String location) {
        if (location == null || location.isBlank()) return null;
        try {
            return from.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether going from {@code from} to {@code to} steps down from TLS ({@code https}/{@code wss} to {@code http}/{@code ws}). */
    public static boolean leavesTls(URI from, URI to) {
        return isSecure(from) && !isSecure(to);
    }

    /** Whether both have the same scheme (with the pairs above counted as one), host (ignoring case) and port (defaults made explicit). */
    public static boolean sameOrigin(URI a, URI b) {
        return origin(a).equals(origin(b));
    }

    private static boolean isSecure(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("https") || scheme.equals("wss");
    }

    private static String origin(URI uri) {
        boolean secure = isSecure(uri);
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return (secure ? "s" : "p") + "://" + host + ":" + port;
    }
}
