package dev.tether.client.events;

import dev.tether.client.net.Redirects;

import java.net.URI;
import java.util.Locale;

/**
 * What an EventSource attempt does with a redirect: follow it to {@link #target()}, or refuse it
 * for the reason in {@link #refusal()} (which ends the connection, as any answer that is not an
 * event stream does). Followed: a {@code Location} that resolves to an {@code http} or
 * {@code https} URI with a host, not from {@code https} down to {@code http}, while redirects are
 * left.
 *
 * @param target  where to go next, or null when refused
 * @param refusal why the redirect is not followed, or null when it is
 */
record StreamRedirect(URI target, String refusal) {

    /**
     * The decision for a redirect status from {@code from}.
     *
     * @param location      the {@code Location} header, or null
     * @param redirectsLeft how many more redirects this attempt may follow
     * @param maxRedirects  the request's limit, for the message
     */
    static StreamRedirect of(URI from, String location, int redirectsLeft, int maxRedirects) {
        if (location == null || location.isBlank()) return refused("a redirect without a Location header");
        String shown = "Location: " + Failures.shown(location.strip()) + ": ";
        URI target = Redirects.resolve(from, location);
        if (target == null || !isHttp(target)) return refused(shown + "not an http:// or https:// URI with a host");
        if (Redirects.leavesTls(from, target)) return refused(shown + "a redirect from https:// to http:// is never followed");
        if (redirectsLeft <= 0) {
            return refused(shown + (maxRedirects == 0 ? "redirects are not followed (maxRedirects 0)"
                    : "more than " + maxRedirects + " redirects in a row"));
        }
        return new StreamRedirect(target, null);
    }

    /** Whether the redirect is followed. */
    boolean followed() {
        return target != null;
    }

    private static StreamRedirect refused(String why) {
        return new StreamRedirect(null, why);
    }

    private static boolean isHttp(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && !uri.getHost().isEmpty();
    }
}
