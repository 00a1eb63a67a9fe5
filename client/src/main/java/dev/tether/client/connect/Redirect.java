package dev.tether.client.connect;

import dev.tether.client.ClientOptions;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a refused upgrade's redirect leads, when it is to be followed: a 301, 302, 303, 307 or 308
 * with a {@code Location} that resolves to a {@code ws}, {@code wss}, {@code http} or {@code https}
 * URI (the last two mapped to the first two), while redirects are left. Credentials
 * ({@code Authorization}, {@code Cookie}) go only to the same origin.
 */
record Redirect(URI target, ClientOptions options) {
    private static final List<String> CREDENTIALS = List.of("Authorization", "Cookie");

    /** The redirect to follow, or null when the answer is not one or none are left. */
    static Redirect of(URI from, int status, String location, ClientOptions options, int redirectsLeft) {
        if (redirectsLeft <= 0 || location == null || !(status == 301 || status == 302 || status == 303 || status == 307 || status == 308)) {
            return null;
        }
        URI target;
        try {
            target = webSocketUri(from.resolve(location.trim()));
        } catch (IllegalArgumentException e) {
            return null; // not a URI: the refusal is reported as it is
        }
        if (target == null || (from.getScheme().equalsIgnoreCase("wss") && target.getScheme().equals("ws"))) {
            return null; // nothing to follow, or a step down from TLS, which is never taken
        }
        boolean sameOrigin = Objects.equals(origin(from), origin(target));
        return new Redirect(target, sameOrigin ? options : options.withoutHeaders(CREDENTIALS));
    }

    private static URI webSocketUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String mapped = switch (scheme) {
            case "ws", "http" -> "ws";
            case "wss", "https" -> "wss";
            default -> null;
        };
        if (mapped == null || uri.getHost() == null) {
            return null;
        }
        return URI.create(mapped + uri.toString().substring(scheme.length()));
    }

    /** Scheme, host and port, with default ports made explicit. */
    private static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("wss") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
