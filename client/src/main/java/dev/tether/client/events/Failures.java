package dev.tether.client.events;

import dev.tether.client.EventSourceException;
import dev.tether.client.EventSourceException.Reason;
import dev.tether.client.net.HostLiterals;
import dev.tether.sse.EventTooLargeException;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * What java.net.http reported, said plainly: each failure becomes an {@link EventSourceException}
 * whose message names the host and port (and the proxy), whose reason says what kind of failure
 * it was, and which is final when reconnecting cannot help. The JDK's own exception is the cause.
 */
final class Failures {
    /** java.net.http's failure when a proxy answers CONNECT with anything but 200 or 407. */
    private static final Pattern TUNNEL_FAILED = Pattern.compile("Tunnel failed, got: (\\d{3})");

    private Failures() {
    }

    /** A failure before the response's head: connecting, TLS, the proxy, the timeout. */
    static EventSourceException beforeResponse(Throwable error, URI uri, String via, Duration connectTimeout) {
        Throwable e = unwrap(error);
        String target = HostLiterals.authority(uri.getHost(), port(uri)) + via;
        if (e instanceof HttpConnectTimeoutException) {
            return new EventSourceException(Reason.TIMEOUT, false, "connecting to " + target + " took longer than"
                    + " connectTimeout (" + show(connectTimeout) + ")", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new EventSourceException(Reason.TIMEOUT, false, "no answer from " + shown(uri) + via + " within connectTimeout ("
                    + show(connectTimeout) + ")", e);
        }
        if (e instanceof SSLException) {
            boolean certificate = has(e, CertificateException.class);
            return new EventSourceException(Reason.TLS, certificate, "TLS handshake with " + target + " failed"
                    + (certificate ? " (the server's certificate was refused)" : "") + ": " + innermostMessage(e), e);
        }
        if (has(e, UnresolvedAddressException.class)) {
            return new EventSourceException(Reason.CONNECT, false, "cannot connect to " + target + ": the name does not resolve", e);
        }
        if (e instanceof ConnectException) {
            // JDK 17 reports a refused connection as a ConnectException without a message, caused by
            // a ClosedChannelException without one either.
            String detail = hasMessage(e) ? innermostMessage(e) : "connection refused";
            return new EventSourceException(Reason.CONNECT, false, "cannot connect to " + target + ": " + detail, e);
        }
        if (e instanceof UncheckedIOException) {
            return new EventSourceException(Reason.PROXY, true, "the proxy settings cannot be used for " + shown(uri) + ": "
                    + innermostMessage(e), e);
        }
        Matcher tunnel = e.getMessage() == null ? null : TUNNEL_FAILED.matcher(e.getMessage());
        if (tunnel != null && tunnel.find()) {
            int status = Integer.parseInt(tunnel.group(1));
            return new EventSourceException(Reason.PROXY, status < 500, "the proxy refused the tunnel to " + target
                    + " with " + status, e);
        }
        if (e instanceof IOException) {
            return new EventSourceException(Reason.CONNECT, false, "the connection to " + target + " failed before the"
                    + " response: " + innermostMessage(e), e);
        }
        return new EventSourceException(Reason.CONNECT, true, "could not make the request to " + shown(uri) + via + ": " + e, e);
    }

    /** The server ended an open stream. */
    static EventSourceException ended(URI uri) {
        return new EventSourceException(Reason.ENDED, false, "the server ended the stream (" + shown(uri) + ")", null);
    }

    /** An open stream's connection failed. */
    static EventSourceException broken(Throwable error, URI uri) {
        Throwable e = unwrap(error);
        String what = e instanceof EOFException ? "the connection closed in the middle of the stream"
                : "the connection failed: " + innermostMessage(e);
        return new EventSourceException(Reason.BROKEN, false, "the stream from " + shown(uri) + " broke: " + what, e);
    }

    /** An open stream brought nothing for {@code idleTimeout}: the connection is taken for dead. */
    static EventSourceException idle(URI uri, Duration idleTimeout) {
        return new EventSourceException(Reason.TIMEOUT, false, "no data from " + shown(uri) + " for idleTimeout ("
                + show(idleTimeout) + "): the connection is taken for dead", null);
    }

    static EventSourceException tooLarge(EventTooLargeException e, URI uri) {
        return new EventSourceException(Reason.TOO_LARGE, false, e.getMessage() + " (" + shown(uri) + "; maxEventBytes "
                + e.limit() + ")", e);
    }

    /** The last failure, when {@code maxReconnects} reconnections in a row have failed. */
    static EventSourceException gaveUp(EventSourceException last, int reconnects) {
        String tried = reconnects == 0 ? "not reconnecting (maxReconnects 0)"
                : "gave up after " + reconnects + (reconnects == 1 ? " reconnection" : " reconnections") + " in a row";
        return new EventSourceException(last.reason(), true, tried + ": " + last.getMessage(), last);
    }

    /** The same failure, its message followed by {@code note}: something the listener should know about what comes next. */
    static EventSourceException withNote(EventSourceException failure, String note) {
        EventSourceException noted = new EventSourceException(failure.reason(), failure.isFinal(),
                failure.getMessage() + "; " + note, failure.getCause());
        noted.setStackTrace(failure.getStackTrace());
        return noted;
    }

    /** {@code 3 s}, {@code 2.5 s}, {@code 250 ms}: a delay for people. */
    static String show(Duration delay) {
        long millis = delay.toMillis();
        if (millis < 1000) return millis + " ms";
        if (millis % 1000 == 0) return millis / 1000 + " s";
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) return uri.getPort();
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** The URI for messages, cut short when it is long (a query full of data, say). */
    static String shown(URI uri) {
        return shown(uri.toString());
    }

    /** A URI as the server wrote it, cut short as {@link #shown(URI)}. */
    static String shown(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "…";
    }

    private static boolean hasMessage(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e.getMessage() != null && !e.getMessage().isBlank()) return true;
        }
        return false;
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (type.isInstance(e)) return true;
        }
        return false;
    }

    /**
     * The deepest message in the cause chain (java.net.http wraps, often without a message of its
     * own: a refused connection is a {@code ConnectException} with none); the class name when no
     * exception in it has a message.
     */
    private static String innermostMessage(Throwable error) {
        String message = null;
        Throwable last = error;
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e.getMessage() != null && !e.getMessage().isBlank()) message = e.getMessage();
            last = e;
        }
        return message != null ? message : last.getClass().getSimpleName();
    }
}
