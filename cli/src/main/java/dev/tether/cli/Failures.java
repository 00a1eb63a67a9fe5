package dev.tether.cli;

import dev.tether.cli.format.Printable;
import dev.tether.client.WebSocketConnectException;

import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** A failure told in one line, as the client's exceptions word it: what failed, and why. */
public final class Failures {
    /** What {@code --no-check} costs, said once at the start. */
    public static final String INSECURE_WARNING = "warning: --no-check: the server's certificate is not checked;"
            + " anyone between you and the server can read and change this connection";

    private Failures() {
    }

    /**
     * Why connecting to {@code target} failed, in one line; a certificate problem says so plainly, and
     * what to do about it.
     *
     * @param error  what the connect attempt failed with, wrapped or not
     * @param target the URL that was connected to, for the host and port named in the line
     * @return the reason in one line, without control characters
     */
    public static String connectFailure(Throwable error, URI target) {
        String line = oneLine(error);
        String peer = (line.contains("with the proxy ") ? "the proxy" : target.getHost() + ":" + port(target));
        if (causedBy(error, CertPathBuilderException.class) || causedBy(error, CertPathValidatorException.class)) {
            return "the certificate of " + peer + " is not trusted (" + line + "); --ca FILE trusts the CA that signed it,"
                    + " -n skips the check (for testing)";
        }
        if (line.contains("No subject alternative") || line.contains("No name matching")) {
            return "the certificate of " + peer + " is for another host (" + line + ")";
        }
        return line;
    }

    /**
     * Whether the client refused the options before connecting (a header the handshake owns, say): a usage error.
     *
     * @param error what the connect attempt failed with
     * @return true when {@code error} is a {@link WebSocketConnectException} at step {@code SETUP}
     */
    public static boolean isSetup(Throwable error) {
        return error instanceof WebSocketConnectException connect && connect.step() == WebSocketConnectException.Step.SETUP;
    }

    private static int port(URI target) {
        return target.getPort() != -1 ? target.getPort() : ("wss".equalsIgnoreCase(target.getScheme())
                || "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80);
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> kind) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (kind.isInstance(cause)) return true;
        }
        return false;
    }

    /**
     * The message of {@code error} in one line: the cause of a {@code CompletionException} or
     * {@code ExecutionException}, else the exception itself, with its class name when it has no
     * message, and control characters escaped.
     *
     * @param error the failure to tell
     * @return the message, printable and without line breaks
     */
    public static String oneLine(Throwable error) {
        Throwable shown = error;
        while ((shown instanceof CompletionException || shown instanceof ExecutionException) && shown.getCause() != null) {
            shown = shown.getCause();
        }
        String message = shown.getMessage();
        if (message == null || message.isBlank()) {
            message = shown.getClass().getSimpleName();
        }
        return Printable.escape(message.strip()).replace("\n", " ").replace("\t", " ");
    }
}
