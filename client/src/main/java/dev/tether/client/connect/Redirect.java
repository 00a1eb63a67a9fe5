package dev.tether.client.connect;

import dev.tether.client.ClientOptions;
import dev.tether.client.net.Redirects;

import java.net.URI;
import java.util.List;
import java.util.Locale;

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
        if (redirectsLeft <= 0 || !Redirects.isRedirect(status)) {
            return null;
        }
        URI resolved = Redirects.resolve(from, location);
        URI target = resolved == null ? null : webSocketUri(resolved); // not a URI: the refusal is reported as it is
        if (target == null || Redirects.leavesTls(from, target)) {
            return null; // nothing to follow, or a step down from TLS, which is never taken
        }
        return new Redirect(target, Redirects.sameOrigin(from, target) ? options : options.withoutHeaders(CREDENTIALS));
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
}
