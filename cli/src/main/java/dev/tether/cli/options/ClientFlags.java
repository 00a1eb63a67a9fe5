package dev.tether.cli.options;

import dev.tether.client.ProxyOptions;
import dev.tether.client.TlsOptions;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options every client mode shares ({@code connect} and {@code events}): request headers,
 * authentication, TLS, proxy, time and size limits. Checked as a whole by {@link #check()}, which
 * names the option that is wrong.
 */
public final class ClientFlags {
    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
            description = "Adds a request header; repeatable. A name given again adds its value: the values go in one "
                    + "field, in order, joined with ', ' ('; ' for Cookie); a field of one value (Host, Origin, Authorization, "
                    + "User-Agent …) given twice is refused. Example: -H 'X-Api-Key: s3cret'")
    List<String> headers = new ArrayList<>();
    /** Fields HTTP gives one value (a list joined by commas would be a wrong one): a repeat is refused. */
    private static final Set<String> SINGLE_VALUED = Set.of("host", "origin", "authorization", "proxy-authorization",
            "user-agent", "content-length", "sec-websocket-key", "sec-websocket-version");

    @Option(names = {"-o", "--origin"}, paramLabel = "ORIGIN",
            description = "The Origin header to send. Example: -o https://example.com")
    String origin;

    @Option(names = "--auth", paramLabel = "USER:PASSWORD",
            description = "HTTP Basic authentication (also taken from user:password@ in the URL). Example: --auth ada:lovelace")
    String auth;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "Trusts the CA certificates in this PEM file instead of the system's. Example: --ca ca.pem")
    Path ca;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "A client certificate (PEM chain) to present; needs --key. Example: --cert me.pem --key me.key")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE",
            description = "The client certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1, unencrypted). Example: --key me.key")
    Path key;

    @Option(names = {"-n", "--no-check"},
            description = "Skips the server certificate's checks (trust and host name), with a warning. For testing only. Example: -n")
    boolean noCheck;

    @Option(names = "--proxy", paramLabel = "URL",
            description = "An HTTP or HTTPS proxy, with optional user:password@. Example: --proxy http://user:pw@proxy:3128 "
                    + "(default: the JVM's proxy settings, e.g. -Dhttps.proxyHost)")
    URI proxy;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long connecting may take, in seconds: resolving and TCP, then as long again for TLS, the proxy "
                    + "and the upgrade (for events: until the response). Example: --connect-timeout 2.5. Default: ${DEFAULT-VALUE}")
    double connectTimeoutSeconds;

    @Option(names = "--max-size", paramLabel = "BYTES", converter = ByteSize.class,
            description = "The largest message (or event) accepted; larger ones fail. Takes k, m and g suffixes (KiB, MiB, GiB). "
                    + "Example: --max-size 16m (default: 64m for a message, 1m for an event)")
    Integer maxSize;


    /** Checks what picocli cannot: throws {@link IllegalArgumentException} naming the option. */
    public void check() {
        Set<String> seen = new HashSet<>();
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--header takes 'Name: value', not '" + header + "'");
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (!seen.add(name) && SINGLE_VALUED.contains(name)) {
                throw new IllegalArgumentException("--header " + header.substring(0, colon).trim()
                        + " is given twice, but it takes one value");
            }
        }
        if (auth != null && auth.indexOf(':') < 0) {
            throw new IllegalArgumentException("--auth takes user:password, not '" + auth + "'");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--cert and --key go together: give both or neither");
        }
        for (Path file : new Path[]{ca, cert, key}) {
            if (file != null && !Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read " + file);
            }
        }
        if (noCheck && ca != null) {
            throw new IllegalArgumentException("--no-check and --ca contradict each other: give one");
        }
        if (!(connectTimeoutSeconds > 0) || connectTimeoutSeconds > 3600) {
            throw new IllegalArgumentException("--connect-timeout must be more than 0 and at most 3600 seconds");
        }
        if (proxy != null) {
            String scheme = proxy.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || proxy.getHost() == null) {
                throw new IllegalArgumentException("--proxy takes http://host:port or https://host:port, not '" + proxy + "'");
            }
        }
    }

    /**
     * The request headers, in order: -H's, then Authorization from --auth or the URL's user info.
     * A name given again (in any case) adds its value to the field it started: the options hold one
     * value per name, and one field with the values joined by commas is what HTTP makes of a
     * repeated field (RFC 9110 §5.3); a Cookie's pairs are joined with "; " (RFC 6265 §5.4).
     *
     * @param target the URL as typed, whose {@code user:password@} gives Basic credentials when {@code --auth} is not set
     * @return the headers by name, spelled as first given, each with every value given for it, in order;
     *         an Authorization from --auth or the URL replaces one given with -H
     */
    public Map<String, String> headers(URI target) {
        Map<String, String> all = new LinkedHashMap<>();
        Map<String, String> spelling = new HashMap<>(); // lower case → the name as first given
        for (String header : headers) {
            int colon = header.indexOf(':');
            String typed = header.substring(0, colon).trim();
            String name = spelling.computeIfAbsent(typed.toLowerCase(Locale.ROOT), lower -> typed);
            String joint = name.equalsIgnoreCase("Cookie") ? "; " : ", ";
            all.merge(name, header.substring(colon + 1).trim(), (earlier, later) -> earlier + joint + later);
        }
        String credentials = auth != null ? auth : decodedUserInfo(target);
        if (credentials != null) {
            all.remove(spelling.getOrDefault("authorization", "Authorization"));
            all.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return all;
    }

    /**
     * The {@code Origin} header to send ({@code --origin}).
     *
     * @return the origin, or null to send none
     */
    public String origin() {
        return origin;
    }

    /**
     * How long connecting may take ({@code --connect-timeout}).
     *
     * @return the connect timeout, to the millisecond
     */
    public Duration connectTimeout() {
        return Duration.ofMillis(Math.round(connectTimeoutSeconds * 1000));
    }

    /**
     * The message size limit, or null for the library's default.
     *
     * @return the largest message or event accepted, in bytes ({@code --max-size}), or null
     */
    public Integer maxSize() {
        return maxSize;
    }

    /**
     * Whether the server's certificate goes unchecked ({@code --no-check}).
     *
     * @return true when certificate checks are off
     */
    public boolean insecure() {
        return noCheck;
    }

    /**
     * The TLS options from {@code --ca}, {@code --cert} and {@code --key}, and {@code --no-check}.
     *
     * @return the TLS options; the JDK's trust store and no client certificate when none of these is given
     */
    public TlsOptions tls() {
        TlsOptions.Builder tls = TlsOptions.builder();
        if (ca != null) tls.trustPem(ca);
        if (cert != null) tls.clientCertificatePem(cert, key);
        if (noCheck) tls.insecureTrustAnyCertificateForTesting();
        return tls.build();
    }

    /**
     * The proxy from {@code --proxy}.
     *
     * @return the proxy given, or the JVM's proxy settings when none is
     */
    public ProxyOptions proxy() {
        return proxy == null ? ProxyOptions.system() : ProxyOptions.of(proxy);
    }

    /**
     * The target without its user info, which goes into the Authorization header instead.
     *
     * @param uri the URL as typed
     * @return {@code uri} itself when it has no user info, else a copy without it
     */
    public static URI withoutUserInfo(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null) return uri;
        String authority = uri.getRawAuthority().substring(info.length() + 1); // what follows "user:password@"
        return URI.create(uri.getScheme() + "://" + authority
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment()));
    }

    private static String decodedUserInfo(URI uri) {
        String info = uri.getUserInfo(); // decoded
        return info != null && info.indexOf(':') >= 0 ? info : null;
    }
}
