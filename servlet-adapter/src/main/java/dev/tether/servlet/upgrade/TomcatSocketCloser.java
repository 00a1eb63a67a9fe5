package dev.tether.servlet.upgrade;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;

import java.lang.reflect.Field;

/**
 * Closes the socket of a Tomcat upgraded connection at once.
 *
 * <p>Why: in Tomcat 11 (checked in 11.0.25's {@code UpgradeProcessorExternal}),
 * {@code WebConnection.close()} only marks both upgraded streams closed; the socket is closed when
 * the next socket event is dispatched and finds them so. A peer that never sends again (dead, or
 * ignoring our close) produces no event, so its socket would stay open for good. Tomcat's own
 * WebSocket stack avoids this by closing its socket wrapper directly; this does the same, by
 * reflection, and only for Tomcat's stream class. If anything about it fails, nothing is lost: the
 * portable close still happens at the next event.
 */
final class TomcatSocketCloser {
    private static final System.Logger LOG = System.getLogger(TomcatSocketCloser.class.getName());
    private static final String TOMCAT_STREAM = "org.apache.coyote.http11.upgrade.UpgradeServletOutputStream";

    private TomcatSocketCloser() {
    }

    /** Returns whether {@code connection} was Tomcat's and its socket is now closed. */
    static boolean closeSocket(WebConnection connection) {
        try {
            ServletOutputStream out = connection.getOutputStream();
            if (!out.getClass().getName().equals(TOMCAT_STREAM)) {
                return false;
            }
            Field field = out.getClass().getDeclaredField("socketWrapper");
            field.setAccessible(true);
            Object socketWrapper = field.get(out);
            socketWrapper.getClass().getMethod("close").invoke(socketWrapper);
            return true;
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "could not close Tomcat's socket directly; it closes at the next event", e);
            return false;
        }
    }
}
