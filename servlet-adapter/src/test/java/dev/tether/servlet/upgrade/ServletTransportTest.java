package dev.tether.servlet.upgrade;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The servlet transport's own state, without a container: the narrow seam is the container's WebConnection. */
class ServletTransportTest {

    @Test
    @DisplayName("a container that destroys the connection before the transport starts still has it reported failed")
    void destroyedBeforeStartIsReported() throws Exception {
        WebConnection connection = mock(WebConnection.class);
        when(connection.getInputStream()).thenReturn(mock(ServletInputStream.class));
        when(connection.getOutputStream()).thenReturn(mock(ServletOutputStream.class));
        ServletTransport transport = new ServletTransport(connection, 4096, 64 * 1024);
        ManualInbound inbound = new ManualInbound();

        transport.destroyed(); // the container's destroy() between the handler publishing the transport and start()
        transport.start(inbound);

        String call = inbound.calls.poll();
        assertTrue(call != null && call.startsWith("failure"), "reported: " + call);
        assertEquals(0, inbound.calls.size(), "once");
        verify(connection, never()).getInputStream(); // no listener set on a connection that is gone
    }
}
