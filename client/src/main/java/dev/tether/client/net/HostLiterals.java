package dev.tether.client.net;

import java.util.Objects;

/**
 * Tells IP literals from host names and writes {@code host:port} authorities, without DNS.
 *
 * <p>Hosts may be given with or without the brackets a URI puts around an IPv6 literal
 * ({@code [::1]}); every method accepts both.
 */
public final class HostLiterals {
    private HostLiterals() {
    }

    /** {@code host} without the brackets of a bracketed IPv6 literal; other hosts unchanged. */
    public static String unbracketed(String host) {
        Objects.requireNonNull(host, "host");
        if (host.length() >= 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']') {
            return host.substring(1, host.length() - 1);
        }
        return host;
    }

    /**
     * Whether {@code host} is an IP literal rather than a name: an IPv6 literal (anything with a
     * colon, which no host name has) or an IPv4 literal (only digits and dots). The second is broader
     * than the dotted quad on purpose: a name whose labels are all numeric is not a DNS name (RFC 1123
     * §2.1), and resolvers read {@code 127.1} as an address.
     */
    public static boolean isIpLiteral(String host) {
        String bare = unbracketed(host);
        if (bare.indexOf(':') >= 0) return true;
        boolean digit = false;
        for (int i = 0; i < bare.length(); i++) {
            char c = bare.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.') {
                return false;
            }
        }
        return digit;
    }

    /** {@code host:port}, with an IPv6 literal host in brackets: {@code [::1]:443}. */
    public static String authority(String host, int port) {
        String bare = unbracketed(host);
        return (bare.indexOf(':') >= 0 ? "[" + bare + "]" : bare) + ":" + port;
    }
}
