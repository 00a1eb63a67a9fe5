package dev.tether.servlet.upgrade;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;

import java.io.IOException;

/** Hands an accepted handshake's connection to an {@link HttpUpgradeHandler}: the portable Servlet way. */
public final class ContainerUpgrade {
    private ContainerUpgrade() {
    }

    /** Status 101 and the handshake headers must already be set on {@code response}. */
    public static <T extends HttpUpgradeHandler> T upgrade(HttpServletRequest request, HttpServletResponse response,
                                                           Class<T> handlerType) throws IOException, ServletException {
        return request.upgrade(handlerType);
    }
}
