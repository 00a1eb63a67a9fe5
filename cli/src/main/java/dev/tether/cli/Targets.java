package dev.tether.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Reads the URL a person typed: a scheme may be left out, and http(s) stands for ws(s). */
public final class Targets {
    private Targets() {
    }

    /**
     * A {@code ws://} or {@code wss://} URI from {@code ws://…}, {@code wss://…}, {@code http(s)://…} or {@code host:port/path}.
     *
     * @param typed the URL as typed; without a scheme it is taken as {@code ws://}
     * @return the WebSocket URI
     * @throws IllegalArgumentException if {@code typed} is not a valid URL, has no host, or has
     *                                  another scheme
     */
    public static URI webSocket(String typed) {
        URI uri = parse(typed, "ws");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "ws", "wss" -> uri;
            case "http" -> withScheme(uri, "ws");
            case "https" -> withScheme(uri, "wss");
            default -> throw new IllegalArgumentException("not a WebSocket URL (ws://, wss://): " + typed);
        };
    }

    /**
     * An {@code http://} or {@code https://} URI from either, or from {@code host:port/path}.
     *
     * @param typed the URL as typed; without a scheme it is taken as {@code http://}
     * @return the HTTP URI
     * @throws IllegalArgumentException if {@code typed} is not a valid URL, has no host, or has
     *                                  another scheme
     */
    public static URI http(String typed) {
        URI uri = parse(typed, "http");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("not an http:// or https:// URL: " + typed);
        }
        return uri;
    }

    private static URI parse(String typed, String defaultScheme) {
        String text = typed.trim();
        if (!text.contains("://")) {
            text = defaultScheme + "://" + text;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + typed + " (" + e.getReason() + ")");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + typed);
        }
        return uri;
    }

    private static URI withScheme(URI uri, String scheme) {
        return URI.create(scheme + uri.toString().substring(uri.getScheme().length()));
    }
}
